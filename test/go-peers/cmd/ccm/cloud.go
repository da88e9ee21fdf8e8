package main

import (
	"context"
	"net"

	v1 "k8s.io/api/core/v1"
	cloudprovider "k8s.io/cloud-provider"
	"k8s.io/cloud-provider/fake"
)

// The addresses the fake hands out: RFC 5737 documentation ranges, never routed anywhere.
const (
	region              = "fake-region-1"
	defaultZone         = "fake-region-1a"
	defaultInstanceType = "fake.standard"
	loadBalancerIP      = "203.0.113.10"
)

// peerCloud is upstream's fake cloud with the smallest changes that make it answer per instance
// and per load balancer, as a real cloud does. Every method not defined here is the fake's own.
type peerCloud struct {
	*fake.Cloud
	instances   *instanceTable
	faults      *faultTable
	balancers   *balancers
	routes      *routes
	clusterName string
}

var _ cloudprovider.Interface = (*peerCloud)(nil)
var _ cloudprovider.InstancesV2 = (*peerCloud)(nil)

func newPeerCloud(provider string) *peerCloud {
	instances := newInstanceTable(provider)
	f := &fake.Cloud{
		Provider:          provider,
		EnableInstancesV2: true,
		// The fake panics on a nil route map.
		RouteMap: map[string]*fake.Route{},
		// Every load balancer's ingress (the fake has one address for all of them).
		ExternalIP: net.ParseIP(loadBalancerIP),
		Zone:       cloudprovider.Zone{FailureDomain: defaultZone, Region: region},
		// The fake's own metadata is global (one address list for every node); this hook is the
		// fake's way to answer per node.
		OverrideInstanceMetadata: func(_ context.Context, node *v1.Node) (*cloudprovider.InstanceMetadata, error) {
			return instances.metadata(node)
		},
	}
	faults := newFaultTable()
	p := &peerCloud{Cloud: f, instances: instances, faults: faults}
	p.balancers = &balancers{fake: f, faults: faults, serviceUIDs: map[string]string{}}
	p.routes = &routes{cloud: p}
	return p
}

// InstancesV2 hands out the peer itself: InstanceMetadata is the fake's (through the hook),
// InstanceExists and InstanceShutdown below read the instance table instead of the fake's two
// global booleans.
func (p *peerCloud) InstancesV2() (cloudprovider.InstancesV2, bool) {
	return p, true
}

// InstanceExists is false once the instance was deleted through cloud-control (or never existed).
func (p *peerCloud) InstanceExists(_ context.Context, node *v1.Node) (bool, error) {
	_, ok := p.instances.forNode(node)
	return ok, nil
}

// InstanceShutdown is true while the instance is stopped.
func (p *peerCloud) InstanceShutdown(_ context.Context, node *v1.Node) (bool, error) {
	inst, ok := p.instances.forNode(node)
	return ok && inst.State == stateStopped, nil
}

// LoadBalancer wraps the fake's so faults, per-balancer existence and deletion take effect.
func (p *peerCloud) LoadBalancer() (cloudprovider.LoadBalancer, bool) {
	return p.balancers, true
}

// Routes wraps the fake's so faults take effect and its sticky errors cannot arise.
func (p *peerCloud) Routes() (cloudprovider.Routes, bool) {
	return p.routes, true
}
