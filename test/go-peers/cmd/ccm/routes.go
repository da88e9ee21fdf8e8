package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"k8s.io/apimachinery/pkg/types"
	cloudprovider "k8s.io/cloud-provider"
)

var errRouteExists = errors.New("a route to that destination through that node exists")

// routes is the fake's Routes with armed create-route faults, and with the two cases checked first
// in which the fake would store its error in the global Err field that every later call of every
// interface returns (a duplicate create, a delete of an absent route). mu serialises every change
// so a check and the fake's call that follows it see the same route table.
type routes struct {
	mu    sync.Mutex
	cloud *peerCloud
}

var _ cloudprovider.Routes = (*routes)(nil)

func (r *routes) ListRoutes(ctx context.Context, clusterName string) ([]*cloudprovider.Route, error) {
	return r.cloud.Cloud.ListRoutes(ctx, clusterName)
}

func (r *routes) CreateRoute(ctx context.Context, clusterName string, nameHint string, route *cloudprovider.Route) error {
	if err := r.cloud.faults.nodeFault(string(route.TargetNode)); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.exists(clusterName, route.TargetNode, route.DestinationCIDR) {
		return fmt.Errorf("%w: %s via %q", errRouteExists, route.DestinationCIDR, route.TargetNode)
	}
	return r.cloud.Cloud.CreateRoute(ctx, clusterName, nameHint, route)
}

func (r *routes) DeleteRoute(ctx context.Context, clusterName string, route *cloudprovider.Route) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.exists(clusterName, route.TargetNode, route.DestinationCIDR) {
		return nil // already gone, e.g. removed through cloud-control
	}
	return r.cloud.Cloud.DeleteRoute(ctx, clusterName, route)
}

// exists matches the way the fake names (create) and finds (delete) a route.
func (r *routes) exists(clusterName string, target types.NodeName, cidr string) bool {
	f := r.cloud.Cloud
	f.Lock.Lock()
	defer f.Lock.Unlock()
	for _, saved := range f.RouteMap {
		if saved.ClusterName == clusterName && saved.Route.TargetNode == target && saved.Route.DestinationCIDR == cidr {
			return true
		}
	}
	return false
}

// routeView is Route in the protocol's shape.
type routeView struct {
	Name            string `json:"name"`
	TargetNode      string `json:"targetNode,omitempty"`
	DestinationCIDR string `json:"destinationCIDR"`
	Blackhole       bool   `json:"blackhole"`
}

// list is every route in the table, whichever cluster or party it belongs to.
func (r *routes) list() []routeView {
	f := r.cloud.Cloud
	f.Lock.Lock()
	defer f.Lock.Unlock()
	views := []routeView{}
	for _, saved := range f.RouteMap {
		views = append(views, routeView{
			Name:            saved.Route.Name,
			TargetNode:      string(saved.Route.TargetNode),
			DestinationCIDR: saved.Route.DestinationCIDR,
			Blackhole:       saved.Route.Blackhole,
		})
	}
	sort.Slice(views, func(i, j int) bool { return views[i].Name < views[j].Name })
	return views
}

// add puts a route into the CCM's cluster's table as another party would, through the fake.
func (r *routes) add(ctx context.Context, target, cidr string, blackhole bool) (routeView, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	clusterName := r.cloud.clusterName
	if r.exists(clusterName, types.NodeName(target), cidr) {
		return routeView{}, errRouteExists
	}
	route := &cloudprovider.Route{TargetNode: types.NodeName(target), DestinationCIDR: cidr, Blackhole: blackhole}
	if err := r.cloud.Cloud.CreateRoute(ctx, clusterName, "", route); err != nil {
		return routeView{}, err
	}
	// The fake stores a copy with its name filled in.
	for _, view := range r.list() {
		if view.TargetNode == target && view.DestinationCIDR == cidr {
			return view, nil
		}
	}
	return routeView{}, errors.New("the route vanished right after it was created")
}

// removeDestination deletes every route to cidr (idempotent).
func (r *routes) removeDestination(cidr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.cloud.Cloud
	f.Lock.Lock()
	defer f.Lock.Unlock()
	for name, saved := range f.RouteMap {
		if saved.Route.DestinationCIDR == cidr {
			delete(f.RouteMap, name)
		}
	}
}
