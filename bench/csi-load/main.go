// csi-load drives CreateVolume at a CSI driver from N concurrent clients, each with its own
// connection, and prints what it measured as one JSON line. `npm run bench -- csi` uses it to
// measure the reference driver's throughput: a Go client costs the server's machine far less CPU
// per call than a grpc-js one, so the figure is the server's, not the load generator's.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

type result struct {
	Clients  int     `json:"clients"`
	Ops      int     `json:"ops"`
	Errors   int     `json:"errors"`
	Seconds  float64 `json:"seconds"`
	P50Ms    float64 `json:"p50Ms"`
	P99Ms    float64 `json:"p99Ms"`
	FirstErr string  `json:"firstError,omitempty"`
}

func main() {
	endpoint := flag.String("endpoint", "", "driver endpoint, unix:///path")
	clients := flag.Int("clients", 16, "concurrent clients, one connection each")
	duration := flag.Duration("duration", 5*time.Second, "measured interval")
	warmup := flag.Duration("warmup", time.Second, "unmeasured interval before it")
	flag.Parse()
	if *endpoint == "" {
		fmt.Fprintln(os.Stderr, "csi-load: -endpoint is required")
		os.Exit(2)
	}

	controllers := make([]csi.ControllerClient, *clients)
	for i := range controllers {
		conn, err := grpc.NewClient(*endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithAuthority("localhost"))
		if err != nil {
			fmt.Fprintf(os.Stderr, "csi-load: dial %s: %v\n", *endpoint, err)
			os.Exit(3)
		}
		defer conn.Close()
		controllers[i] = csi.NewControllerClient(conn)
	}

	capability := []*csi.VolumeCapability{{
		AccessType: &csi.VolumeCapability_Mount{Mount: &csi.VolumeCapability_MountVolume{}},
		AccessMode: &csi.VolumeCapability_AccessMode{Mode: csi.VolumeCapability_AccessMode_SINGLE_NODE_WRITER},
	}}
	run := func(phase string, until time.Time, latencies *[]time.Duration, errs *int, firstErr *string, mu *sync.Mutex) {
		var wg sync.WaitGroup
		for c, client := range controllers {
			wg.Add(1)
			go func(c int, client csi.ControllerClient) {
				defer wg.Done()
				local := make([]time.Duration, 0, 4096)
				failed := 0
				var first string
				for n := 0; time.Now().Before(until); n++ {
					started := time.Now()
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					_, err := client.CreateVolume(ctx, &csi.CreateVolumeRequest{
						Name:               fmt.Sprintf("load-%s-%d-%d", phase, c, n),
						CapacityRange:      &csi.CapacityRange{RequiredBytes: 1 << 20},
						VolumeCapabilities: capability,
					})
					cancel()
					if err != nil {
						failed++
						if first == "" {
							first = err.Error()
						}
						continue
					}
					local = append(local, time.Since(started))
				}
				mu.Lock()
				*latencies = append(*latencies, local...)
				*errs += failed
				if *firstErr == "" {
					*firstErr = first
				}
				mu.Unlock()
			}(c, client)
		}
		wg.Wait()
	}

	var mu sync.Mutex
	var discard []time.Duration
	var warmErrs int
	var warmFirst string
	run("warm", time.Now().Add(*warmup), &discard, &warmErrs, &warmFirst, &mu)

	var latencies []time.Duration
	var errs int
	var firstErr string
	started := time.Now()
	run("measure", started.Add(*duration), &latencies, &errs, &firstErr, &mu)
	elapsed := time.Since(started).Seconds()

	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	quantile := func(q float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return float64(latencies[int(q*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	out := result{Clients: *clients, Ops: len(latencies), Errors: errs, Seconds: elapsed, P50Ms: quantile(0.5), P99Ms: quantile(0.99), FirstErr: firstErr}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
	if errs > 0 {
		os.Exit(1)
	}
}
