package main

import (
	"errors"
	"sync"
)

// The operations cloud-control can make fail (Fault in the protocol).
const (
	faultEnsureLoadBalancer = "ensure-load-balancer"
	faultCreateRoute        = "create-route"
)

type fault struct {
	Message   string `json:"message"`
	Namespace string `json:"namespace"`
	Service   string `json:"service"`
	Node      string `json:"node"`
}

// faultTable holds at most one armed fault per operation.
type faultTable struct {
	mu    sync.Mutex
	armed map[string]fault
}

func newFaultTable() *faultTable {
	return &faultTable{armed: map[string]fault{}}
}

func knownFault(operation string) bool {
	return operation == faultEnsureLoadBalancer || operation == faultCreateRoute
}

func (t *faultTable) arm(operation string, f fault) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.armed[operation] = f
}

func (t *faultTable) clear(operation string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.armed, operation)
}

// serviceFault is the armed ensure-load-balancer error for this Service, or nil.
func (t *faultTable) serviceFault(namespace, name string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.armed[faultEnsureLoadBalancer]
	if !ok || f.Service != "" && f.Service != name || f.Namespace != "" && f.Namespace != namespace {
		return nil
	}
	return errors.New(f.Message)
}

// nodeFault is the armed create-route error for this node, or nil.
func (t *faultTable) nodeFault(node string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.armed[faultCreateRoute]
	if !ok || f.Node != "" && f.Node != node {
		return nil
	}
	return errors.New(f.Message)
}
