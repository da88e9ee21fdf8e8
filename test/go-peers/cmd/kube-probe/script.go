package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/tools/clientcmd"
)

type probe struct {
	ctx  context.Context
	cs   *kubernetes.Clientset
	meta metadata.Interface
	ns   string
	out  []observation
}

func (p *probe) note(step string, err error, fields map[string]any) {
	p.out = append(p.out, observe(step, err, fields))
}

func runScript(ctx context.Context, kubeconfig, namespace string) ([]observation, error) {
	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	// Default client-go settings: no content type set, so typed clients prefer protobuf.
	cs, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	meta, err := metadata.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	p := &probe{ctx: ctx, cs: cs, meta: meta, ns: namespace}
	_, err = cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{})
	p.note("namespace create", err, nil)
	for _, section := range []func(){p.configMaps, p.metadataClient, p.secrets, p.nodes, p.services, p.endpoints, p.leases, p.events, p.pods, p.workloads} {
		p.guarded(section)
	}
	return p.out, nil
}

// guarded runs one section; a step that found nothing to read (a failed create) ends it with a note.
func (p *probe) guarded(section func()) {
	defer func() {
		if r := recover(); r != nil {
			p.note("section ended early", fmt.Errorf("%v", r), nil)
		}
	}()
	section()
}

func sameRV(before, after metav1.Object) bool {
	return before.GetResourceVersion() == after.GetResourceVersion()
}

// firstEvent opens a watch from rv, runs change, and reports the first event it sees.
func (p *probe) firstEvent(w watch.Interface, err error, change func()) map[string]any {
	if err != nil {
		return map[string]any{"watchError": err.Error()}
	}
	defer w.Stop()
	change()
	select {
	case e := <-w.ResultChan():
		obj, ok := e.Object.(metav1.Object)
		fields := map[string]any{"type": string(e.Type), "go": fmt.Sprintf("%T", e.Object)}
		if ok {
			fields["name"] = obj.GetName()
			fields["labels"] = obj.GetLabels()
		}
		return fields
	case <-time.After(10 * time.Second):
		return map[string]any{"timeout": true}
	}
}

func (p *probe) configMaps() {
	c := p.cs.CoreV1().ConfigMaps(p.ns)
	cm, err := c.Create(p.ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm", Labels: map[string]string{"app": "probe"}}, Data: map[string]string{"a": "1"}, BinaryData: map[string][]byte{"b": []byte{0, 1, 2}}}, metav1.CreateOptions{})
	p.note("configmap create", err, map[string]any{"data": cm.Data, "binaryData": cm.BinaryData})
	got, err := c.Get(p.ctx, "cm", metav1.GetOptions{})
	p.note("configmap get", err, map[string]any{"data": got.Data, "labels": got.Labels})
	same, err := c.Update(p.ctx, got, metav1.UpdateOptions{})
	p.note("configmap no-op update", err, map[string]any{"sameResourceVersion": err == nil && sameRV(got, same)})
	w, werr := c.Watch(p.ctx, metav1.ListOptions{ResourceVersion: same.ResourceVersion, FieldSelector: "metadata.name=cm"})
	event := p.firstEvent(w, werr, func() {
		same.Data["a"] = "2"
		_, err = c.Update(p.ctx, same, metav1.UpdateOptions{})
		p.note("configmap update", err, nil)
	})
	p.note("configmap watch", nil, event)
	list, err := c.List(p.ctx, metav1.ListOptions{LabelSelector: "app=probe"})
	p.note("configmap list", err, map[string]any{"items": len(list.Items), "first": list.Items[0].Data})
}

func (p *probe) metadataClient() {
	r := p.meta.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(p.ns)
	one, err := r.Get(p.ctx, "cm", metav1.GetOptions{})
	fields := map[string]any{}
	if err == nil {
		fields = map[string]any{"kind": one.Kind, "name": one.Name, "labels": one.Labels}
	}
	p.note("metadata get", err, fields)
	list, err := r.List(p.ctx, metav1.ListOptions{})
	if err == nil {
		// Items carry no kind in protobuf (kube-apiserver's answer here), so only the count is compared.
		fields = map[string]any{"items": len(list.Items), "name": list.Items[0].Name}
	}
	p.note("metadata list", err, fields)
	patched, err := r.Patch(p.ctx, "cm", types.MergePatchType, []byte(`{"metadata":{"labels":{"seen":"yes"}}}`), metav1.PatchOptions{})
	if err == nil {
		fields = map[string]any{"kind": patched.Kind, "labels": patched.Labels}
	}
	p.note("metadata patch", err, fields)
	w, werr := r.Watch(p.ctx, metav1.ListOptions{ResourceVersion: patched.ResourceVersion, AllowWatchBookmarks: true})
	event := p.firstEvent(w, werr, func() {
		_, err = p.cs.CoreV1().ConfigMaps(p.ns).Patch(p.ctx, "cm", types.MergePatchType, []byte(`{"metadata":{"labels":{"seen":"twice"}}}`), metav1.PatchOptions{})
	})
	p.note("metadata watch", err, event)
	err = p.meta.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(p.ns).Delete(p.ctx, "cm", metav1.DeleteOptions{})
	p.note("metadata delete", err, nil)
}

func (p *probe) secrets() {
	s, err := p.cs.CoreV1().Secrets(p.ns).Create(p.ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s"}, StringData: map[string]string{"k": "v"}}, metav1.CreateOptions{})
	p.note("secret create", err, map[string]any{"type": s.Type, "data": s.Data, "stringData": s.StringData})
	policy := metav1.DeletePropagationForeground
	err = p.cs.CoreV1().Secrets(p.ns).Delete(p.ctx, "s", metav1.DeleteOptions{PropagationPolicy: &policy, DryRun: []string{metav1.DryRunAll}})
	p.note("secret dry-run delete", err, nil)
	_, err = p.cs.CoreV1().Secrets(p.ns).Get(p.ctx, "s", metav1.GetOptions{})
	p.note("secret still there", err, nil)
}

func (p *probe) nodes() {
	c := p.cs.CoreV1().Nodes()
	name := p.ns + "-node"
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kubernetes.io/hostname": name}},
		Spec:       corev1.NodeSpec{Taints: []corev1.Taint{{Key: "node.cloudprovider.kubernetes.io/uninitialized", Value: "true", Effect: corev1.TaintEffectNoSchedule}}},
		Status:     corev1.NodeStatus{Capacity: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi")}},
	}
	created, err := c.Create(p.ctx, node, metav1.CreateOptions{})
	p.note("node create", err, map[string]any{"taints": created.Spec.Taints, "allocatable": created.Status.Allocatable, "capacity": created.Status.Capacity})
	created.Spec.ProviderID = "fake://" + name
	created.Spec.PodCIDR = "10.244.0.0/24"
	withID, err := c.Update(p.ctx, created, metav1.UpdateOptions{})
	p.note("node set providerID and podCIDR", err, map[string]any{"providerID": withID.Spec.ProviderID, "podCIDRs": withID.Spec.PodCIDRs})
	again, err := c.Update(p.ctx, withID, metav1.UpdateOptions{})
	p.note("node no-op update", err, map[string]any{"sameResourceVersion": err == nil && sameRV(withID, again)})
	changed := again.DeepCopy()
	changed.Spec.ProviderID = "fake://other"
	_, err = c.Update(p.ctx, changed, metav1.UpdateOptions{})
	p.note("node change providerID", err, nil)
	again.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.0.0.7"}, {Type: corev1.NodeHostName, Address: name}}
	again.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, LastHeartbeatTime: metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), Reason: "KubeletReady"}}
	status, err := c.UpdateStatus(p.ctx, again, metav1.UpdateOptions{})
	p.note("node status update", err, map[string]any{"addresses": status.Status.Addresses, "heartbeat": status.Status.Conditions[0].LastHeartbeatTime.UTC().Format(time.RFC3339)})
	quiet, err := c.UpdateStatus(p.ctx, status, metav1.UpdateOptions{})
	p.note("node no-op status update", err, map[string]any{"sameResourceVersion": err == nil && sameRV(status, quiet)})
	untainted, err := c.Patch(p.ctx, name, types.StrategicMergePatchType, []byte(`{"spec":{"taints":null}}`), metav1.PatchOptions{})
	p.note("node taints removed", err, map[string]any{"taints": untainted.Spec.Taints})
	err = c.Delete(p.ctx, name, metav1.DeleteOptions{})
	p.note("node delete", err, nil)
}

func inRange(ip string) bool {
	_, cidr, _ := net.ParseCIDR("10.96.0.0/12")
	return cidr.Contains(net.ParseIP(ip))
}

func (p *probe) services() {
	c := p.cs.CoreV1().Services(p.ns)
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "lb"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Selector: map[string]string{"app": "probe"}, Ports: []corev1.ServicePort{
			{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080)}, {Name: "https", Port: 443},
		}},
	}
	created, err := c.Create(p.ctx, svc, metav1.CreateOptions{})
	nodePorts := []bool{}
	for _, port := range created.Spec.Ports {
		nodePorts = append(nodePorts, port.NodePort >= 30000 && port.NodePort <= 32767)
	}
	p.note("service create", err, map[string]any{
		"clusterIPInRange": inRange(created.Spec.ClusterIP), "clusterIPs": len(created.Spec.ClusterIPs), "nodePorts": nodePorts, "targetPort": created.Spec.Ports[1].TargetPort.String(),
		"ipFamilies": created.Spec.IPFamilies, "ipFamilyPolicy": created.Spec.IPFamilyPolicy, "allocateLoadBalancerNodePorts": created.Spec.AllocateLoadBalancerNodePorts,
		"externalTrafficPolicy": created.Spec.ExternalTrafficPolicy, "status": created.Status,
	})
	// What the service controller of a cloud-controller-manager does: a strategic merge patch on status.
	patch := `{"metadata":{"finalizers":["service.kubernetes.io/load-balancer-cleanup"]},"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}`
	patched, err := c.Patch(p.ctx, "lb", types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{}, "status")
	p.note("service status patch", err, map[string]any{"finalizers": patched.Finalizers, "ingress": patched.Status.LoadBalancer.Ingress})
	bad := patched.DeepCopy()
	bad.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "lb.example.com"}}
	_, err = c.UpdateStatus(p.ctx, bad, metav1.UpdateOptions{})
	p.note("service status with a hostname as IP", err, nil)
	quiet, err := c.Update(p.ctx, patched, metav1.UpdateOptions{})
	p.note("service no-op update", err, map[string]any{"sameResourceVersion": err == nil && sameRV(patched, quiet)})
	list, err := c.List(p.ctx, metav1.ListOptions{})
	p.note("service list", err, map[string]any{"items": len(list.Items)})
	patched.Finalizers = nil
	_, err = c.UpdateStatus(p.ctx, patched, metav1.UpdateOptions{})
	p.note("service finalizer removed", err, nil)
}

func (p *probe) endpoints() {
	ep, err := p.cs.CoreV1().Endpoints(p.ns).Create(p.ctx, &corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{Name: "lb"},
		Subsets:    []corev1.EndpointSubset{{Addresses: []corev1.EndpointAddress{{IP: "10.1.0.1"}}, Ports: []corev1.EndpointPort{{Name: "http", Port: 8080}}}},
	}, metav1.CreateOptions{})
	p.note("endpoints create", err, map[string]any{"subsets": ep.Subsets})
	ready := true
	port := int32(8080)
	slice, err := p.cs.DiscoveryV1().EndpointSlices(p.ns).Create(p.ctx, &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: "lb-1", Labels: map[string]string{discoveryv1.LabelServiceName: "lb"}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{"10.1.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
		Ports:       []discoveryv1.EndpointPort{{Port: &port}},
	}, metav1.CreateOptions{})
	p.note("endpointslice create", err, map[string]any{"endpoints": slice.Endpoints, "ports": slice.Ports})
}

func (p *probe) leases() {
	c := p.cs.CoordinationV1().Leases(p.ns)
	holder := "probe-1"
	duration := int32(15)
	at := metav1.NewMicroTime(time.Date(2026, 1, 2, 3, 4, 5, 678901000, time.UTC))
	lease, err := c.Create(p.ctx, &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: "leader"}, Spec: coordinationv1.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &duration, AcquireTime: &at, RenewTime: &at}}, metav1.CreateOptions{})
	p.note("lease create", err, map[string]any{"renewTime": lease.Spec.RenewTime.UTC().Format(time.RFC3339Nano), "holder": *lease.Spec.HolderIdentity})
	renew := metav1.NewMicroTime(at.Add(2 * time.Second))
	lease.Spec.RenewTime = &renew
	renewed, err := c.Update(p.ctx, lease, metav1.UpdateOptions{})
	p.note("lease renew", err, map[string]any{"renewTime": renewed.Spec.RenewTime.UTC().Format(time.RFC3339Nano)})
}

func (p *probe) events() {
	first := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	core, err := p.cs.CoreV1().Events(p.ns).Create(p.ctx, &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "lb.1"},
		InvolvedObject: corev1.ObjectReference{Kind: "Service", Namespace: p.ns, Name: "lb"},
		Reason:         "EnsuringLoadBalancer", Message: "Ensuring load balancer", Type: corev1.EventTypeNormal,
		Source: corev1.EventSource{Component: "service-controller"}, FirstTimestamp: first, LastTimestamp: first, Count: 1,
	}, metav1.CreateOptions{})
	p.note("core event create", err, map[string]any{"reason": core.Reason, "first": core.FirstTimestamp.UTC().Format(time.RFC3339), "source": core.Source})
	when := metav1.NewMicroTime(time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC))
	ev, err := p.cs.EventsV1().Events(p.ns).Create(p.ctx, &eventsv1.Event{
		ObjectMeta: metav1.ObjectMeta{Name: "lb.2"}, EventTime: when, ReportingController: "cloud.example.com/ccm", ReportingInstance: "ccm-1",
		Action: "Ensure", Reason: "EnsuredLoadBalancer", Type: corev1.EventTypeNormal, Regarding: corev1.ObjectReference{Kind: "Service", Namespace: p.ns, Name: "lb"},
		Series: &eventsv1.EventSeries{Count: 2, LastObservedTime: when},
	}, metav1.CreateOptions{})
	p.note("events.k8s.io event create", err, map[string]any{"eventTime": ev.EventTime.UTC().Format(time.RFC3339Nano), "series": ev.Series != nil && ev.Series.Count == 2})
	list, err := p.cs.CoreV1().Events(p.ns).List(p.ctx, metav1.ListOptions{})
	names := []string{}
	for _, e := range list.Items {
		names = append(names, e.Name)
	}
	p.note("core events list", err, map[string]any{"names": strings.Join(names, ",")})
}

func (p *probe) pods() {
	c := p.cs.CoreV1().Pods(p.ns)
	pod, err := c.Create(p.ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx:1.25", Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")}}}}},
	}, metav1.CreateOptions{})
	p.note("pod create", err, map[string]any{"phase": pod.Status.Phase, "qos": pod.Status.QOSClass, "tolerations": len(pod.Spec.Tolerations), "requests": pod.Spec.Containers[0].Resources.Requests, "pullPolicy": pod.Spec.Containers[0].ImagePullPolicy})
	pod.Status.Phase = corev1.PodRunning
	pod.Status.PodIP = "10.244.0.9"
	running, err := c.UpdateStatus(p.ctx, pod, metav1.UpdateOptions{})
	p.note("pod status update", err, map[string]any{"phase": running.Status.Phase, "podIP": running.Status.PodIP})
	quiet, err := c.Update(p.ctx, running, metav1.UpdateOptions{})
	p.note("pod no-op update", err, map[string]any{"sameResourceVersion": err == nil && sameRV(running, quiet)})
	err = c.Delete(p.ctx, "web", metav1.DeleteOptions{})
	p.note("pod delete", err, nil)
}

func (p *probe) workloads() {
	labels := map[string]string{"app": "api"}
	d, err := p.cs.AppsV1().Deployments(p.ns).Create(p.ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "api"},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx:1.25"}}},
		}},
	}, metav1.CreateOptions{})
	p.note("deployment create", err, map[string]any{"replicas": *d.Spec.Replicas, "strategy": d.Spec.Strategy.Type, "generation": d.Generation})
	scale, err := p.cs.AppsV1().Deployments(p.ns).GetScale(p.ctx, "api", metav1.GetOptions{})
	p.note("deployment get scale", err, map[string]any{"replicas": scale.Spec.Replicas, "selector": scale.Status.Selector})
	scaled, err := p.cs.AppsV1().Deployments(p.ns).UpdateScale(p.ctx, "api", &autoscalingv1.Scale{ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: p.ns, ResourceVersion: scale.ResourceVersion}, Spec: autoscalingv1.ScaleSpec{Replicas: 3}}, metav1.UpdateOptions{})
	p.note("deployment update scale", err, map[string]any{"replicas": scaled.Spec.Replicas})
	sa, err := p.cs.CoreV1().ServiceAccounts(p.ns).Create(p.ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "probe"}}, metav1.CreateOptions{})
	p.note("serviceaccount create", err, map[string]any{"name": sa.Name})
}
