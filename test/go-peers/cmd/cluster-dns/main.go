// cluster-dns answers the two kinds of names the smi suite's pods resolve on conformal's one-node
// cluster, which has no CoreDNS: a Service's `<svc>.<ns>.svc.<domain>` (its ClusterIP, as CoreDNS's
// kubernetes plugin answers) and `<svc>.<ns>.traefik.mesh` (the ClusterIP of the shadow Service
// Traefik Mesh made for it, `<meshns>-<svc>-6d61657368-<ns>` in the mesh's namespace: the rewrite
// Traefik Mesh's `prepare` writes into CoreDNS's Corefile). Answers come from a watch of every
// Service (an informer's cache, as CoreDNS's kubernetes plugin keeps one); anything else is
// NXDOMAIN. UDP only, A records only (AAAA gets an empty answer).
//
//	cluster-dns --kubeconfig FILE --listen ADDR:53 [--cluster-domain cluster.local] [--mesh-namespace traefik-mesh]
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/netip"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
)

// The shadow Service name Traefik Mesh gives a Service (pkg/k8s: "6d61657368" is "maesh" in hex).
func shadowName(meshNamespace, svc, ns string) string {
	return fmt.Sprintf("%s-%s-6d61657368-%s", meshNamespace, svc, ns)
}

type resolver struct {
	services      corelisters.ServiceLister
	domain        string
	meshNamespace string
}

// lookup answers the ClusterIP a name stands for, or false for a name it does not know.
func (r *resolver) lookup(name string) (netip.Addr, bool) {
	labels := strings.Split(strings.TrimSuffix(strings.ToLower(name), "."), ".")
	var svcNs, svcName string
	switch {
	case len(labels) == 4 && labels[2] == "traefik" && labels[3] == "mesh":
		svcNs, svcName = r.meshNamespace, shadowName(r.meshNamespace, labels[0], labels[1])
	case len(labels) == 3+len(strings.Split(r.domain, ".")) && labels[2] == "svc" && strings.Join(labels[3:], ".") == r.domain:
		svcNs, svcName = labels[1], labels[0]
	default:
		return netip.Addr{}, false
	}
	svc, err := r.services.Services(svcNs).Get(svcName)
	if err != nil {
		return netip.Addr{}, false
	}
	ip, err := netip.ParseAddr(svc.Spec.ClusterIP)
	if err != nil || !ip.Is4() {
		return netip.Addr{}, false
	}
	return ip, true
}

func (r *resolver) answer(query []byte) ([]byte, error) {
	var p dnsmessage.Parser
	header, err := p.Start(query)
	if err != nil {
		return nil, err
	}
	q, err := p.Question()
	if err != nil {
		return nil, err
	}
	reply := dnsmessage.Header{ID: header.ID, Response: true, Authoritative: true, RecursionDesired: header.RecursionDesired, OpCode: header.OpCode}
	ip, known := r.lookup(q.Name.String())
	if !known {
		reply.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, reply)
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(q); err != nil {
		return nil, err
	}
	if err := b.StartAnswers(); err != nil {
		return nil, err
	}
	if known && q.Type == dnsmessage.TypeA {
		if err := b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 0}, dnsmessage.AResource{A: ip.As4()}); err != nil {
			return nil, err
		}
	}
	log.Printf("%s %s -> %v %v", q.Type, q.Name, known, ip)
	return b.Finish()
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the API server")
	listen := flag.String("listen", "127.0.0.1:53", "UDP address to answer on")
	domain := flag.String("cluster-domain", "cluster.local", "the cluster domain")
	meshNamespace := flag.String("mesh-namespace", "traefik-mesh", "Traefik Mesh's namespace")
	flag.Parse()
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(config)
	if err != nil {
		log.Fatal(err)
	}
	factory := informers.NewSharedInformerFactory(cs, 0)
	services := factory.Core().V1().Services()
	lister := services.Lister()
	stop := make(chan struct{})
	factory.Start(stop)
	if !cache.WaitForCacheSync(stop, services.Informer().HasSynced) {
		log.Fatal("the Service cache did not sync")
	}
	r := &resolver{services: lister, domain: *domain, meshNamespace: *meshNamespace}
	pc, err := net.ListenPacket("udp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("cluster-dns answering on %s", pc.LocalAddr())
	buf := make([]byte, 1500)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			log.Fatal(err)
		}
		query := append([]byte(nil), buf[:n]...)
		go func() {
			out, err := r.answer(query)
			if err != nil {
				log.Printf("bad query from %s: %v", from, err)
				return
			}
			_, _ = pc.WriteTo(out, from)
		}()
	}
}
