package main

import (
	"errors"
	"fmt"
	"sync"

	v1 "k8s.io/api/core/v1"
	cloudprovider "k8s.io/cloud-provider"
)

const (
	stateRunning = "running"
	stateStopped = "stopped"
	// Each instance gets host number n in both documentation ranges; 1..254 are usable.
	maxInstances = 254
)

var (
	errNodeNameTaken = errors.New("an instance for that node name exists")
	errNoAddresses   = errors.New("no free addresses: at most 254 instances at a time")
)

// instance is one row of the table, in the protocol's shape (docs/cloud/cloud-control.openapi.yaml).
type instance struct {
	ID           string           `json:"id"`
	ProviderID   string           `json:"providerID"`
	NodeName     string           `json:"nodeName"`
	Zone         string           `json:"zone"`
	Region       string           `json:"region"`
	InstanceType string           `json:"instanceType"`
	State        string           `json:"state"`
	Addresses    []v1.NodeAddress `json:"addresses"`
	host         int
}

// instanceTable is the cloud's inventory; the fake itself has none.
type instanceTable struct {
	mu       sync.Mutex
	provider string
	next     int
	byID     map[string]*instance
}

func newInstanceTable(provider string) *instanceTable {
	return &instanceTable{provider: provider, byID: map[string]*instance{}}
}

func (t *instanceTable) create(nodeName, zone, instanceType string) (instance, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	used := map[int]bool{}
	for _, inst := range t.byID {
		if inst.NodeName == nodeName {
			return instance{}, errNodeNameTaken
		}
		used[inst.host] = true
	}
	host := 1
	for used[host] {
		host++
	}
	if host > maxInstances {
		return instance{}, errNoAddresses
	}
	if zone == "" {
		zone = defaultZone
	}
	if instanceType == "" {
		instanceType = defaultInstanceType
	}
	t.next++
	id := fmt.Sprintf("i-%08d", t.next)
	inst := &instance{
		ID:           id,
		ProviderID:   t.provider + "://" + id, // cloudprovider.GetInstanceProviderID's form
		NodeName:     nodeName,
		Zone:         zone,
		Region:       region,
		InstanceType: instanceType,
		State:        stateRunning,
		Addresses: []v1.NodeAddress{
			{Type: v1.NodeInternalIP, Address: fmt.Sprintf("192.0.2.%d", host)},
			{Type: v1.NodeExternalIP, Address: fmt.Sprintf("198.51.100.%d", host)},
		},
		host: host,
	}
	t.byID[id] = inst
	return inst.copy(), nil
}

func (t *instanceTable) get(id string) (instance, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	inst, ok := t.byID[id]
	if !ok {
		return instance{}, false
	}
	return inst.copy(), true
}

// setState changes a live instance's state; false if there is none with that id.
func (t *instanceTable) setState(id, state string) (instance, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	inst, ok := t.byID[id]
	if !ok {
		return instance{}, false
	}
	inst.State = state
	return inst.copy(), true
}

// remove terminates and forgets the instance (idempotent).
func (t *instanceTable) remove(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.byID, id)
}

// forNode finds a Node's instance by spec.providerID, else by name (InstancesV2's contract).
func (t *instanceTable) forNode(node *v1.Node) (instance, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, inst := range t.byID {
		if node.Spec.ProviderID != "" && inst.ProviderID == node.Spec.ProviderID ||
			node.Spec.ProviderID == "" && inst.NodeName == node.Name {
			return inst.copy(), true
		}
	}
	return instance{}, false
}

// metadata answers InstanceMetadata for one node; InstanceNotFound for nodes of no instance.
func (t *instanceTable) metadata(node *v1.Node) (*cloudprovider.InstanceMetadata, error) {
	inst, ok := t.forNode(node)
	if !ok {
		return nil, cloudprovider.InstanceNotFound
	}
	return &cloudprovider.InstanceMetadata{
		ProviderID:    inst.ProviderID,
		InstanceType:  inst.InstanceType,
		NodeAddresses: inst.Addresses,
		Zone:          inst.Zone,
		Region:        inst.Region,
	}, nil
}

func (i *instance) copy() instance {
	c := *i
	c.Addresses = append([]v1.NodeAddress(nil), i.Addresses...)
	return c
}
