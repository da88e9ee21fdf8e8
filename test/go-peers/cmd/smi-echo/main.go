// smi-echo is the test workload of conformal's smi suite in a cluster, with the command line and
// output of the echo image Gateway API's mesh tests use (Istio's echo server and client), for the
// parts the suite uses. One static binary, run as `client` (by that name or as its first argument)
// or as the server:
//
//	smi-echo [--port=N]... [--tcp=N]... [--udp=N]...   HTTP, TCP and UDP servers; each answer holds
//	                                                   Hostname=<pod name> (default: HTTP on 8080)
//	client URL [--count=N] [--timeout=D] [--method=M] [-H key:value]...
//	                                                   N requests one after another; per request the
//	                                                   lines "[i] StatusCode=…" and "[i] Hostname=…"
//
// Built stdlib-only and CGO_ENABLED=0, so the image needs nothing else (test/real/cluster/smi.test.ts).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	args := os.Args[1:]
	if filepath.Base(os.Args[0]) == "client" {
		os.Exit(client(args))
	}
	if len(args) > 0 && args[0] == "client" {
		os.Exit(client(args[1:]))
	}
	os.Exit(server(args))
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "unknown"
	}
	return h
}

// The answer's fields, one Key=Value per line, as the echo server writes them.
func fields(proto string, extra ...string) string {
	lines := append([]string{"ServiceVersion=v1", "Proto=" + proto, "Hostname=" + hostname()}, extra...)
	return strings.Join(lines, "\n") + "\n"
}

func server(args []string) int {
	fs := flag.NewFlagSet("smi-echo", flag.ContinueOnError)
	var httpPorts, tcpPorts, udpPorts list
	fs.Var(&httpPorts, "port", "HTTP port (repeatable)")
	fs.Var(&tcpPorts, "tcp", "TCP port (repeatable)")
	fs.Var(&udpPorts, "udp", "UDP port (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if len(httpPorts)+len(tcpPorts)+len(udpPorts) == 0 {
		httpPorts = list{"8080"}
	}
	errs := make(chan error, len(httpPorts)+len(tcpPorts)+len(udpPorts))
	for _, p := range httpPorts {
		go func(port string) {
			handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				fmt.Fprint(w, fields("HTTP/1.1", "StatusCode=200", "Method="+r.Method, "URL="+r.URL.RequestURI(), "Host="+r.Host))
			})
			errs <- http.ListenAndServe(":"+port, handler)
		}(p)
	}
	for _, p := range tcpPorts {
		l, err := net.Listen("tcp", ":"+p)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		go func() {
			for {
				conn, err := l.Accept()
				if err != nil {
					errs <- err
					return
				}
				go func(c net.Conn) {
					defer c.Close()
					_ = c.SetDeadline(time.Now().Add(10 * time.Second))
					line, _ := bufio.NewReader(c).ReadString('\n')
					fmt.Fprint(c, fields("TCP", "Echo="+strings.TrimSpace(line)))
				}(conn)
			}
		}()
	}
	for _, p := range udpPorts {
		pc, err := net.ListenPacket("udp", ":"+p)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		go func() {
			buf := make([]byte, 2048)
			for {
				n, from, err := pc.ReadFrom(buf)
				if err != nil {
					errs <- err
					return
				}
				_, _ = pc.WriteTo([]byte(fields("UDP", "Echo="+strings.TrimSpace(string(buf[:n])))), from)
			}
		}()
	}
	fmt.Fprintf(os.Stderr, "smi-echo %s: http %v tcp %v udp %v\n", hostname(), httpPorts, tcpPorts, udpPorts)
	err := <-errs
	fmt.Fprintln(os.Stderr, err)
	return 1
}

func client(args []string) int {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	count := fs.Int("count", 1, "number of requests")
	timeout := fs.Duration("timeout", 5*time.Second, "timeout of each request")
	method := fs.String("method", "GET", "HTTP method")
	var headers list
	fs.Var(&headers, "H", "HTTP header key:value (repeatable)")
	// The URL comes first; flag stops at the first non-flag, so parse what follows it.
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "client: a URL is required")
		return 2
	}
	target, rest := args[0], args[1:]
	if err := fs.Parse(rest); err != nil {
		return 2
	}
	u, err := url.Parse(target)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var mu sync.Mutex
	failed := 0
	// One client for every request, connections kept alive between them, as the echo client does by default.
	httpClient := &http.Client{Timeout: *timeout, Transport: &http.Transport{Proxy: nil}}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for i := 0; i < *count; i++ {
		var body string
		var err error
		switch u.Scheme {
		case "http":
			body, err = httpRequest(httpClient, u, *method, headers)
		case "tcp", "udp":
			body, err = rawRequest(u.Scheme, u.Host, *timeout)
		default:
			err = fmt.Errorf("unsupported scheme %q", u.Scheme)
		}
		mu.Lock()
		if err != nil {
			failed++
			fmt.Fprintf(os.Stderr, "[%d] error: %v\n", i, err)
		} else {
			for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
				fmt.Fprintf(out, "[%d] %s\n", i, line)
			}
		}
		mu.Unlock()
	}
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "%d of %d requests failed\n", failed, *count)
		return 1
	}
	return 0
}

func httpRequest(c *http.Client, u *url.URL, method string, headers list) (string, error) {
	req, err := http.NewRequest(method, u.String(), nil)
	if err != nil {
		return "", err
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		if strings.EqualFold(k, "host") {
			req.Host = v
			continue
		}
		req.Header.Add(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	var kv []string
	// The status comes from the response itself; the server's own fields only when it is the echo server.
	kv = append(kv, fmt.Sprintf("StatusCode=%d", res.StatusCode))
	for _, line := range strings.Split(string(b), "\n") {
		if k, _, ok := strings.Cut(line, "="); ok && k != "StatusCode" && !strings.ContainsAny(k, " \t<>") && k != "" {
			kv = append(kv, line)
		}
	}
	return strings.Join(kv, "\n"), nil
}

func rawRequest(network, host string, timeout time.Duration) (string, error) {
	conn, err := net.DialTimeout(network, host, timeout)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	if _, err := fmt.Fprint(conn, "conformal\n"); err != nil {
		return "", err
	}
	if network == "udp" {
		buf := make([]byte, 2048)
		n, err := conn.Read(buf)
		if err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	}
	b, err := io.ReadAll(conn)
	if err != nil && len(b) == 0 {
		return "", err
	}
	if !strings.Contains(string(b), "Hostname=") {
		return "", fmt.Errorf("no echo answer: %q", string(b))
	}
	return string(b), nil
}
