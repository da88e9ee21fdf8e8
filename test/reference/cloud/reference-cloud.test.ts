// The reference cloud on conformal's in-memory API server, observed only through the Kubernetes API
// and the cloud-control protocol, as the cloud suite observes a vendor's.
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCloudControlContract } from '../../support/cloud-control-contract.js';
import {
  cond,
  eventPredicate,
  eventsPath,
  FINALIZER,
  hasInternalIp,
  ingressOf,
  initialised,
  instanceId,
  lbService,
  newNode,
  pollUntil,
  registerNode,
  seenWithin,
  setReady,
  SHUTDOWN,
  since,
  startCloudHarness,
  tainted,
  UNINITIALIZED,
  watchUntil,
  type CloudHarness,
  type EventLike,
  type Node,
  type Service,
} from './harness.js';

describe('reference cloud', () => {
  let h: CloudHarness;
  let settleMs = 0;

  beforeAll(async () => {
    const started = performance.now();
    h = await startCloudHarness();
    settleMs = performance.now() - started;
  });
  afterAll(async () => h?.close());

  it('resolves start with the standing nodes registered, initialised and routed', async () => {
    expect(settleMs).toBeLessThan(10_000);
    const nodes = (await h.core.listNode()).items as unknown as Node[];
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual(['conformal-node-0', 'conformal-node-1']);
    const zones = new Set<string>();
    for (const node of nodes) {
      expect(tainted(node, UNINITIALIZED)).toBe(false);
      expect(node.spec.providerID).toMatch(/^conformal:\/\/conformal-east\/i-[0-9a-f]+$/);
      const instance = (await h.control('GET', `/v1/instances/${instanceId(node.spec.providerID)}`)).body;
      expect(instance.nodeName).toBe(node.metadata.name);
      const labels = node.metadata.labels;
      expect(labels['topology.kubernetes.io/zone']).toBe(instance.zone);
      expect(labels['failure-domain.beta.kubernetes.io/zone']).toBe(instance.zone);
      expect(labels['topology.kubernetes.io/region']).toBe('conformal-east');
      expect(labels['failure-domain.beta.kubernetes.io/region']).toBe('conformal-east');
      expect(labels['node.kubernetes.io/instance-type']).toBe(instance.instanceType);
      expect(labels['beta.kubernetes.io/instance-type']).toBe(instance.instanceType);
      expect(labels['cloud.conformal.dev/instance-id']).toBe(instance.id);
      expect(labels).not.toHaveProperty('node.kubernetes.io/conformal-pool');
      zones.add(instance.zone);
      // The agent's kubelet passes the primary InternalIP as provided-node-ip: it alone is the InternalIP.
      const internal = instance.addresses.filter((a: { type: string }) => a.type === 'InternalIP');
      expect(internal).toHaveLength(2);
      expect(node.status.addresses).toEqual([
        internal[0],
        instance.addresses.find((a: { type: string }) => a.type === 'ExternalIP'),
        { type: 'Hostname', address: node.metadata.name },
      ]);
      expect(cond(node, 'NetworkUnavailable')).toMatchObject({ status: 'False', reason: 'RouteCreated', message: 'RouteController created a route' });
      expect(cond(node, 'Ready')?.status).toBe('True');
    }
    expect(zones.size).toBe(2);
    expect(nodes.map((n) => n.spec.podCIDRs).sort()).toEqual([['10.244.0.0/24'], ['10.244.1.0/24']]);
    const routes = (await h.control('GET', '/v1/routes')).body.items;
    expect(routes.map((r: { targetNode: string; destinationCIDR: string }) => [r.targetNode, r.destinationCIDR]).sort()).toEqual([
      ['conformal-node-0', '10.244.0.0/24'],
      ['conformal-node-1', '10.244.1.0/24'],
    ]);
    const leases = await h.kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace: 'kube-node-lease' });
    expect(leases.items.map((l) => l.spec?.holderIdentity).sort()).toEqual(['conformal-node-0', 'conformal-node-1']);
    const synced = ((await h.core.listNamespacedEvent({ namespace: 'default' })).items as unknown as EventLike[]).filter((e) => e.reason === 'Synced');
    expect(synced.map((e) => [e.involvedObject.kind, e.involvedObject.name, e.type, e.message, e.source?.component, e.reportingComponent]).sort()).toEqual([
      ['Node', 'conformal-node-0', 'Normal', 'Node synced successfully', 'cloud-node-controller', 'cloud-node-controller'],
      ['Node', 'conformal-node-1', 'Normal', 'Node synced successfully', 'cloud-node-controller', 'cloud-node-controller'],
    ]);
  });

  it('initialises a node registered for an instance created through cloud-control, honouring provided-node-ip and user labels', async () => {
    const instance = (await h.control('POST', '/v1/instances', { nodeName: 'made-0', zone: 'conformal-east-b', instanceType: 'c1.large' })).body;
    const secondary = instance.addresses.filter((a: { type: string }) => a.type === 'InternalIP')[1];
    await registerNode(h, 'made-0', { labels: { 'example.com/team': 'blue' }, annotations: { 'alpha.kubernetes.io/provided-node-ip': secondary.address } });
    const node = await initialised(h, 'made-0', hasInternalIp);
    expect(node.spec.providerID).toBe(instance.providerID);
    expect(node.metadata.labels).toMatchObject({ 'example.com/team': 'blue', 'topology.kubernetes.io/zone': 'conformal-east-b', 'node.kubernetes.io/instance-type': 'c1.large' });
    expect(node.status.addresses).toEqual([secondary, instance.addresses.find((a: { type: string }) => a.type === 'ExternalIP'), { type: 'Hostname', address: 'made-0' }]);
  });

  it('keeps a node with a bogus provided-node-ip tainted while others initialise', async () => {
    await newNode(h, 'bogus-ip', { annotations: { 'alpha.kubernetes.io/provided-node-ip': '192.0.2.77' } });
    await newNode(h, 'good-ip');
    await initialised(h, 'good-ip');
    const bogus = (await h.core.readNode({ name: 'bogus-ip' })) as unknown as Node;
    expect(tainted(bogus, UNINITIALIZED)).toBe(true);
    expect(bogus.spec.providerID).toBeUndefined();
  });

  it('gives a LoadBalancer Service a finalizer, an ingress IP and events, and cleans up on deletion', async () => {
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('web') as never });
    const svc = await ingressOf(h, 'web');
    expect(svc.metadata.finalizers).toContain(FINALIZER);
    const ingress = svc.status!.loadBalancer!.ingress!;
    expect(ingress).toEqual([{ ip: expect.stringMatching(/^198\.51\.100\.\d+$/), ipMode: 'VIP' }]);
    const [lb] = (await h.control('GET', `/v1/load-balancers?serviceUID=${svc.metadata.uid}`)).body.items;
    expect(lb.ingress).toEqual([{ ip: ingress[0]!.ip }]);
    expect(lb.backends).toEqual(expect.arrayContaining(['conformal-node-0', 'conformal-node-1']));
    expect(lb.ports).toEqual([{ protocol: 'TCP', port: 80, nodePort: expect.any(Number) }]);
    const ensured = await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate('web', 'EnsuredLoadBalancer'), 'EnsuredLoadBalancer');
    expect(ensured).toMatchObject({ type: 'Normal', message: 'Ensured load balancer', source: { component: 'service-controller' }, involvedObject: { kind: 'Service', uid: svc.metadata.uid } });
    const ensuring = ((await h.core.listNamespacedEvent({ namespace: 'default' })).items as unknown as (EventLike & { metadata: { resourceVersion: string } })[]).filter(
      (e) => e.involvedObject.name === 'web' && e.reason === 'EnsuringLoadBalancer',
    );
    expect(ensuring).toHaveLength(1);
    expect(Number(ensuring[0]!.metadata.resourceVersion)).toBeLessThan(Number((ensured as unknown as { metadata: { resourceVersion: string } }).metadata.resourceVersion));

    const from = await since(h, 'services');
    await h.core.deleteNamespacedService({ namespace: 'default', name: 'web' });
    await watchUntil(h.kc, '/api/v1/namespaces/default/services', (s: Service, type) => s.metadata.name === 'web' && type === 'DELETED', 'web deleted', 5000, from);
    expect((await h.control('GET', `/v1/load-balancers?serviceUID=${svc.metadata.uid}`)).body.items).toEqual([]);
    await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate('web', 'DeletedLoadBalancer'), 'DeletedLoadBalancer');
    await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate('web', 'DeletingLoadBalancer'), 'DeletingLoadBalancer');
  });

  it('re-ensures on a port change without moving the ingress and does not rewrite an unchanged status', async () => {
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('stable') as never });
    const first = await ingressOf(h, 'stable');
    await h.core.patchNamespacedService(
      { namespace: 'default', name: 'stable', body: [{ op: 'add', path: '/spec/ports/-', value: { name: 'https', port: 443, protocol: 'TCP' } }] },
    );
    const lb = await pollUntil('443 on the load balancer', async () => {
      const [found] = (await h.control('GET', `/v1/load-balancers?serviceUID=${first.metadata.uid}`)).body.items;
      return found.ports.some((p: { port: number }) => p.port === 443) ? found : undefined;
    });
    expect(lb.ingress).toEqual([{ ip: first.status!.loadBalancer!.ingress![0]!.ip }]);
    await watchUntil<EventLike>(h.kc, eventsPath(), (e) => eventPredicate('stable', 'EnsuredLoadBalancer')(e) && e.count === 2, 'second EnsuredLoadBalancer');
    const after = (await h.core.readNamespacedService({ namespace: 'default', name: 'stable' })) as unknown as Service;
    const rewritten = await seenWithin<Service>(h.kc, '/api/v1/namespaces/default/services', (s, type) => s.metadata.name === 'stable' && type === 'MODIFIED', 1500, { resourceVersion: after.metadata.resourceVersion });
    expect(rewritten).toBeUndefined();
  });

  it('leaves Services with a loadBalancerClass alone', async () => {
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('classy', { loadBalancerClass: 'example.com/other' }) as never });
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('plain') as never });
    await ingressOf(h, 'plain');
    const classy = (await h.core.readNamespacedService({ namespace: 'default', name: 'classy' })) as unknown as Service;
    expect(classy.metadata.finalizers).toBeUndefined();
    expect(classy.status?.loadBalancer).toEqual({});
    expect((await h.control('GET', `/v1/load-balancers?serviceUID=${classy.metadata.uid}`)).body.items).toEqual([]);
    const events = ((await h.core.listNamespacedEvent({ namespace: 'default' })).items as unknown as EventLike[]).filter((e) => e.involvedObject.name === 'classy');
    expect(events).toEqual([]);
  });

  it('moves backends off a node labelled for exclusion and back', async () => {
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('backends') as never });
    const svc = await ingressOf(h, 'backends');
    const backends = async () => (await h.control('GET', `/v1/load-balancers?serviceUID=${svc.metadata.uid}`)).body.items[0].backends as string[];
    expect(await backends()).toContain('conformal-node-1');
    const label = (value: string | null) =>
      h.core.patchNode({ name: 'conformal-node-1', body: [{ op: value === null ? 'remove' : 'add', path: '/metadata/labels/node.kubernetes.io~1exclude-from-external-load-balancers', ...(value === null ? {} : { value }) }] });
    await label('true');
    const updated = await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate('backends', 'UpdatedLoadBalancer'), 'UpdatedLoadBalancer');
    expect(updated).toMatchObject({ type: 'Normal', message: 'Updated load balancer with new hosts' });
    expect(await backends()).not.toContain('conformal-node-1');
    await label(null);
    await pollUntil('conformal-node-1 back among the backends', async () => ((await backends()).includes('conformal-node-1') ? true : undefined));
  });

  it('retries a failed EnsureLoadBalancer after a SyncLoadBalancerFailed warning', async () => {
    expect((await h.control('PUT', '/v1/faults/ensure-load-balancer', { message: 'quota exceeded', namespace: 'default', service: 'failing' })).status).toBe(204);
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('failing') as never });
    const failed = await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate('failing', 'SyncLoadBalancerFailed'), 'SyncLoadBalancerFailed');
    expect(failed).toMatchObject({ type: 'Warning', message: expect.stringMatching(/^Error syncing load balancer: failed to ensure load balancer: quota exceeded/) });
    const pending = (await h.core.readNamespacedService({ namespace: 'default', name: 'failing' })) as unknown as Service;
    expect(pending.metadata.finalizers).toContain(FINALIZER);
    expect((await h.control('DELETE', '/v1/faults/ensure-load-balancer')).status).toBe(204);
    await ingressOf(h, 'failing');
  });

  it('sets NetworkUnavailable from the route outcome and removes blackholes but not foreign routes', async () => {
    expect((await h.control('PUT', '/v1/faults/create-route', { message: 'route table full', node: 'routed' })).status).toBe(204);
    await newNode(h, 'routed', { podCIDR: '10.244.50.0/24' });
    const failing = await watchUntil<Node>(h.kc, '/api/v1/nodes', (n) => n.metadata.name === 'routed' && cond(n, 'NetworkUnavailable')?.status === 'True', 'NetworkUnavailable=True');
    expect(cond(failing, 'NetworkUnavailable')).toMatchObject({ reason: 'NoRouteCreated', message: 'RouteController failed to create a route' });
    const event = await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate('routed', 'FailedToCreateRoute'), 'FailedToCreateRoute');
    expect(event).toMatchObject({ type: 'Warning', source: { component: 'route_controller' }, message: expect.stringMatching(/^Could not create route \S+ 10\.244\.50\.0\/24 for node routed after .*: route table full$/) });
    await h.control('DELETE', '/v1/faults/create-route');
    await watchUntil<Node>(h.kc, '/api/v1/nodes', (n) => n.metadata.name === 'routed' && cond(n, 'NetworkUnavailable')?.reason === 'RouteCreated', 'NetworkUnavailable=False');

    expect((await h.control('POST', '/v1/routes', { destinationCIDR: '10.244.200.0/24', targetNode: 'routed', blackhole: true })).status).toBe(201);
    expect((await h.control('POST', '/v1/routes', { destinationCIDR: '192.168.50.0/24' })).status).toBe(201);
    await pollUntil('the blackhole removed', async () => ((await h.control('GET', '/v1/routes')).body.items.some((r: { destinationCIDR: string }) => r.destinationCIDR === '10.244.200.0/24') ? undefined : true));
    // The blackhole went in a pass that also saw the foreign route, which must still be there.
    expect((await h.control('GET', '/v1/routes')).body.items).toContainEqual(expect.objectContaining({ destinationCIDR: '192.168.50.0/24' }));
    expect((await h.control('DELETE', '/v1/routes?destinationCIDR=192.168.50.0%2F24')).status).toBe(204);
  });

  it('taints the node of a stopped standing instance and lifts the taint when it runs again', async () => {
    const node = (await h.core.readNode({ name: 'conformal-node-0' })) as unknown as Node;
    const id = instanceId(node.spec.providerID);
    expect((await h.control('POST', `/v1/instances/${id}/stop`)).body.state).toBe('stopped');
    const stopped = await watchUntil<Node>(h.kc, '/api/v1/nodes', (n) => n.metadata.name === 'conformal-node-0' && tainted(n, SHUTDOWN), 'shutdown taint');
    expect(cond(stopped, 'Ready')?.status).toBe('Unknown');
    expect(stopped.spec.taints).toContainEqual({ key: SHUTDOWN, effect: 'NoSchedule' });
    expect((await h.control('POST', `/v1/instances/${id}/start`)).body.state).toBe('running');
    const running = await watchUntil<Node>(h.kc, '/api/v1/nodes', (n) => n.metadata.name === 'conformal-node-0' && !tainted(n, SHUTDOWN), 'shutdown taint lifted');
    expect(cond(running, 'Ready')?.status).toBe('True');
  });

  it('deletes the Node of a terminated instance with a DeletingNode event', async () => {
    const { instance } = await newNode(h, 'doomed');
    await initialised(h, 'doomed');
    await setReady(h, 'doomed', 'Unknown');
    const from = await since(h, 'nodes');
    expect((await h.control('DELETE', `/v1/instances/${instance.id}`)).status).toBe(204);
    await watchUntil(h.kc, '/api/v1/nodes', (n: Node, type) => n.metadata.name === 'doomed' && type === 'DELETED', 'doomed deleted', 5000, from);
    const event = await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate('doomed', 'DeletingNode'), 'DeletingNode');
    expect(event).toMatchObject({ type: 'Normal', message: 'Deleting node doomed because it does not exist in the cloud provider', source: { component: 'cloud-node-lifecycle-controller' } });
  });

  it('meets the cloud-control contract', async () => {
    const report = await checkCloudControlContract(h.cloud.cloudControlUrl);
    expect(report.problems).toEqual([]);
    expect(report.notCalled).toEqual([]);
    expect(report.calls.length).toBeGreaterThan(20);
  });
});

describe('reference cloud without eligible nodes', () => {
  it('warns UnAvailableLoadBalancer and still ensures the load balancer', async () => {
    const h = await startCloudHarness({ standingNodes: 0 });
    try {
      await h.core.createNamespacedService({ namespace: 'default', body: lbService('lonely') as never });
      const warning = await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate('lonely', 'UnAvailableLoadBalancer'), 'UnAvailableLoadBalancer');
      expect(warning).toMatchObject({ type: 'Warning', message: 'There are no available nodes for LoadBalancer' });
      await ingressOf(h, 'lonely');
    } finally {
      await h.close();
    }
  });
});
