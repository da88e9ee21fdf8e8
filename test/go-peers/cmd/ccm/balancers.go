package main

import (
	"context"
	"sort"
	"sync"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	cloudprovider "k8s.io/cloud-provider"
	"k8s.io/cloud-provider/fake"
)

// balancers is the fake's LoadBalancer with what a call recorder lacks for a cloud others observe:
// armed faults, existence per balancer (the fake's is one global boolean, false by default, so the
// service controller would never delete), deletion that removes the balancer, and updates that
// change its backends. The fake writes its Balancers map unlocked; mu serialises every access.
type balancers struct {
	mu          sync.Mutex
	fake        *fake.Cloud
	faults      *faultTable
	serviceUIDs map[string]string // balancer name → Service UID, recorded on ensure
}

var _ cloudprovider.LoadBalancer = (*balancers)(nil)

func (b *balancers) GetLoadBalancer(ctx context.Context, clusterName string, service *v1.Service) (*v1.LoadBalancerStatus, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	status, _, err := b.fake.GetLoadBalancer(ctx, clusterName, service)
	_, exists := b.fake.Balancers[b.fake.GetLoadBalancerName(ctx, clusterName, service)]
	return status, exists, err
}

func (b *balancers) GetLoadBalancerName(ctx context.Context, clusterName string, service *v1.Service) string {
	return b.fake.GetLoadBalancerName(ctx, clusterName, service)
}

func (b *balancers) EnsureLoadBalancer(ctx context.Context, clusterName string, service *v1.Service, nodes []*v1.Node) (*v1.LoadBalancerStatus, error) {
	if err := b.faults.serviceFault(service.Namespace, service.Name); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	status, err := b.fake.EnsureLoadBalancer(ctx, clusterName, service, nodes)
	if err == nil {
		b.serviceUIDs[b.fake.GetLoadBalancerName(ctx, clusterName, service)] = string(service.UID)
	}
	return status, err
}

func (b *balancers) UpdateLoadBalancer(ctx context.Context, clusterName string, service *v1.Service, nodes []*v1.Node) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.fake.UpdateLoadBalancer(ctx, clusterName, service, nodes)
	name := b.fake.GetLoadBalancerName(ctx, clusterName, service)
	if balancer, ok := b.fake.Balancers[name]; ok && err == nil {
		balancer.Hosts = nodes
		b.fake.Balancers[name] = balancer
	}
	return err
}

func (b *balancers) EnsureLoadBalancerDeleted(ctx context.Context, clusterName string, service *v1.Service) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.fake.EnsureLoadBalancerDeleted(ctx, clusterName, service)
	if err == nil {
		name := b.fake.GetLoadBalancerName(ctx, clusterName, service)
		delete(b.fake.Balancers, name)
		delete(b.serviceUIDs, name)
	}
	return err
}

type ingressView struct {
	IP string `json:"ip"`
}

type portView struct {
	Protocol string `json:"protocol"`
	Port     int32  `json:"port"`
	NodePort int32  `json:"nodePort"`
}

// balancerView is LoadBalancer in the protocol's shape.
type balancerView struct {
	Name       string        `json:"name"`
	ServiceUID string        `json:"serviceUID,omitempty"`
	Ingress    []ingressView `json:"ingress"`
	Ports      []portView    `json:"ports"`
	Backends   []string      `json:"backends"`
}

// list returns every balancer, or only the one of the Service with that UID.
func (b *balancers) list(serviceUID string) []balancerView {
	b.mu.Lock()
	defer b.mu.Unlock()
	// The balancer name is a function of the UID alone.
	only := ""
	if serviceUID != "" {
		only = cloudprovider.DefaultLoadBalancerName(&v1.Service{ObjectMeta: metav1.ObjectMeta{UID: types.UID(serviceUID)}})
	}
	views := []balancerView{}
	for name, balancer := range b.fake.Balancers {
		if only != "" && name != only {
			continue
		}
		view := balancerView{
			Name:       name,
			ServiceUID: b.serviceUIDs[name],
			Ingress:    []ingressView{{IP: b.fake.ExternalIP.String()}},
			Ports:      []portView{},
			Backends:   []string{},
		}
		for _, port := range balancer.Ports {
			view.Ports = append(view.Ports, portView{Protocol: string(port.Protocol), Port: port.Port, NodePort: port.NodePort})
		}
		for _, node := range balancer.Hosts {
			view.Backends = append(view.Backends, node.Name)
		}
		sort.Strings(view.Backends)
		views = append(views, view)
	}
	sort.Slice(views, func(i, j int) bool { return views[i].Name < views[j].Name })
	return views
}
