// Every fault of the reference cloud really deviates: a check of the behaviour the fault breaks
// passes on the correct reference and fails, with that check's own message, on the faulty one.
// Checks look only through the Kubernetes API and cloud-control, as the cloud suite does.
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CLOUD_FAULTS, type CloudFaultName, type ReferenceCloudOptions } from '../../../src/reference/cloud/index.js';
import {
  cond,
  eventPredicate,
  eventsPath,
  hasInternalIp,
  ingressOf,
  initialised,
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
  type Instance,
  type Node,
  type Service,
} from './harness.js';

/** How long a check waits for something the correct reference does within a few of its periods. */
const DUE_MS = 3000;
const NODES = '/api/v1/nodes';
const SERVICES = '/api/v1/namespaces/default/services';
const WELL_KNOWN = new Set([
  'kubernetes.io/hostname',
  'node.kubernetes.io/instance-type',
  'beta.kubernetes.io/instance-type',
  'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/region',
]);

async function stoppedNode(h: CloudHarness, name: string): Promise<Instance> {
  const { instance } = await newNode(h, name);
  await initialised(h, name);
  await setReady(h, name, 'Unknown');
  const from = await since(h, 'nodes');
  await h.control('POST', `/v1/instances/${instance.id}/stop`);
  const seen = await watchUntil<Node>(h.kc, NODES, (n, type) => n.metadata.name === name && (type === 'DELETED' || tainted(n, SHUTDOWN)), `${name} shutdown taint`, DUE_MS, from);
  expect(tainted(seen, SHUTDOWN), 'the node of a stopped instance is kept and tainted').toBe(true);
  return instance;
}

/**
 * Creates a LoadBalancer Service and, once its EnsuredLoadBalancer Event is there, the reasons of all
 * its Events: the controller writes its Events in order, so earlier ones are there too.
 */
async function reasonsOnceEnsured(h: CloudHarness, name: string): Promise<string[]> {
  await h.core.createNamespacedService({ namespace: 'default', body: lbService(name) as never });
  await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate(name, 'EnsuredLoadBalancer'), `${name} ensured`, DUE_MS);
  const events = (await h.core.listNamespacedEvent({ namespace: 'default' })).items as unknown as EventLike[];
  return events.filter((e) => e.involvedObject.name === name).map((e) => e.reason);
}

/** The checks, each asserting one behaviour with a message of its own. */
const CHECKS = {
  async providerId(h: CloudHarness) {
    const { instance } = await newNode(h, 'n-pid');
    const node = await initialised(h, 'n-pid');
    expect(node.spec.providerID, 'providerID set by initialisation').toBe(instance.providerID);
  },
  async taintLast(h: CloudHarness) {
    const { rv } = await newNode(h, 'n-order');
    let early = false;
    await watchUntil<Node>(
      h.kc,
      NODES,
      (n) => {
        if (n.metadata.name !== 'n-order') return false;
        if (!tainted(n, UNINITIALIZED) && (!n.spec.providerID || !n.metadata.labels['topology.kubernetes.io/zone'])) early = true;
        return !tainted(n, UNINITIALIZED) && !!n.spec.providerID;
      },
      'n-order initialised',
      DUE_MS,
      { resourceVersion: rv },
    );
    expect(early, 'no version of the node without the taint lacks providerID or labels').toBe(false);
  },
  async gaLabels(h: CloudHarness) {
    await newNode(h, 'n-ga');
    const node = await initialised(h, 'n-ga');
    expect(node.metadata.labels['topology.kubernetes.io/zone'], 'GA zone label equals the beta one').toBe(node.metadata.labels['failure-domain.beta.kubernetes.io/zone']);
    expect(node.metadata.labels['topology.kubernetes.io/region'], 'GA region label equals the beta one').toBe(node.metadata.labels['failure-domain.beta.kubernetes.io/region']);
  },
  async regionLabel(h: CloudHarness) {
    await newNode(h, 'n-region');
    const node = await initialised(h, 'n-region');
    expect(node.metadata.labels['topology.kubernetes.io/region'], 'the node carries its region label').toBeTruthy();
  },
  async finalizerBeforeIngress(h: CloudHarness) {
    const from = await since(h, 'services');
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('s-order') as never });
    let early = false;
    await watchUntil<Service>(
      h.kc,
      SERVICES,
      (svc) => {
        if (svc.metadata.name !== 's-order') return false;
        const withIngress = (svc.status?.loadBalancer?.ingress ?? []).length > 0;
        const finalized = (svc.metadata.finalizers ?? []).includes('service.kubernetes.io/load-balancer-cleanup');
        if (withIngress && !finalized) early = true;
        return withIngress && finalized;
      },
      's-order provisioned',
      DUE_MS,
      from,
    );
    expect(early, 'no version of the Service has an ingress without the cleanup finalizer').toBe(false);
  },
  async cloudPorts(h: CloudHarness) {
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('s-ports') as never });
    const svc = await ingressOf(h, 's-ports');
    const [lb] = (await h.control('GET', `/v1/load-balancers?serviceUID=${svc.metadata.uid}`)).body.items as Array<{ ports: Array<{ port: number }> }>;
    expect(lb!.ports.map((p) => p.port), "the cloud's load balancer has the Service's ports").toEqual([80]);
  },
  async noKubernetesLabels(h: CloudHarness) {
    await newNode(h, 'n-k8s');
    const node = await initialised(h, 'n-k8s');
    const added = Object.keys(node.metadata.labels).filter((k) => /(^|\.)(kubernetes|k8s)\.io\//.test(k) && !WELL_KNOWN.has(k));
    expect(added, 'no provider label in the kubernetes.io and k8s.io namespaces').toEqual([]);
  },
  async uniqueAddresses(h: CloudHarness) {
    await newNode(h, 'n-dup');
    const node = await initialised(h, 'n-dup', hasInternalIp);
    const pairs = node.status.addresses.map((a) => `${a.type}/${a.address}`);
    expect(pairs, 'no duplicate (type, address) in status.addresses').toEqual([...new Set(pairs)]);
    const internal = node.status.addresses.filter((a) => a.type === 'InternalIP').map((a) => a.address);
    expect(internal.every((a) => isIP(a) !== 0), 'every InternalIP is an IP address').toBe(true);
  },
  async providedIpFirst(h: CloudHarness) {
    const instance = (await h.control('POST', '/v1/instances', { nodeName: 'n-ip' })).body as Instance;
    const secondary = instance.addresses.filter((a) => a.type === 'InternalIP')[1]!;
    await registerNode(h, 'n-ip', { annotations: { 'alpha.kubernetes.io/provided-node-ip': secondary.address } });
    const node = await initialised(h, 'n-ip', hasInternalIp);
    expect(node.status.addresses[0], 'the provided node IP is the first address').toEqual(secondary);
    expect(node.status.addresses.filter((a) => a.type === 'InternalIP'), 'the provided node IP is the only address of its type').toEqual([secondary]);
  },
  async bogusIpKeepsTaint(h: CloudHarness) {
    await newNode(h, 'n-bogus', { annotations: { 'alpha.kubernetes.io/provided-node-ip': '192.0.2.99' } });
    await newNode(h, 'n-fine');
    await initialised(h, 'n-fine');
    const bogus = (await h.core.readNode({ name: 'n-bogus' })) as unknown as Node;
    expect(tainted(bogus, UNINITIALIZED), 'a bogus provided-node-ip keeps the node tainted').toBe(true);
  },
  async userLabelKept(h: CloudHarness) {
    await newNode(h, 'n-user', { labels: { 'example.com/team': 'blue' } });
    const node = await initialised(h, 'n-user');
    expect(node.metadata.labels['example.com/team'], "the kubelet's label keeps its value").toBe('blue');
  },
  async syncedEvent(h: CloudHarness) {
    await newNode(h, 'n-event');
    await initialised(h, 'n-event');
    await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate('n-event', 'Synced'), 'Synced event for n-event', DUE_MS);
  },
  async stoppedKeptAndTainted(h: CloudHarness) {
    await stoppedNode(h, 'n-stop');
  },
  async terminatedDeleted(h: CloudHarness) {
    const { instance } = await newNode(h, 'n-gone');
    await initialised(h, 'n-gone');
    await setReady(h, 'n-gone', 'Unknown');
    const from = await since(h, 'nodes');
    await h.control('DELETE', `/v1/instances/${instance.id}`);
    await watchUntil(h.kc, NODES, (n: Node, type) => n.metadata.name === 'n-gone' && type === 'DELETED', 'deletion of the node of a terminated instance', DUE_MS, from);
  },
  async shutdownTaintLifted(h: CloudHarness) {
    const instance = await stoppedNode(h, 'n-restart');
    await h.control('POST', `/v1/instances/${instance.id}/start`);
    await setReady(h, 'n-restart', 'True');
    await watchUntil<Node>(h.kc, NODES, (n) => n.metadata.name === 'n-restart' && !tainted(n, SHUTDOWN), 'shutdown taint lifted from the Ready node', DUE_MS);
  },
  async ensuringEvent(h: CloudHarness) {
    expect(await reasonsOnceEnsured(h, 's-events'), 'EnsuringLoadBalancer precedes EnsuredLoadBalancer').toContain('EnsuringLoadBalancer');
  },
  async deletionCompletes(h: CloudHarness) {
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('s-delete') as never });
    const svc = await ingressOf(h, 's-delete');
    const from = await since(h, 'services');
    await h.core.deleteNamespacedService({ namespace: 'default', name: 's-delete' });
    await watchUntil(h.kc, SERVICES, (s: Service, type) => s.metadata.name === 's-delete' && type === 'DELETED', 'deletion of the LoadBalancer Service', DUE_MS, from);
    expect((await h.control('GET', `/v1/load-balancers?serviceUID=${svc.metadata.uid}`)).body.items, "the deleted Service's load balancer is gone from the cloud").toEqual([]);
  },
  async statusQuiet(h: CloudHarness) {
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('s-quiet') as never });
    await ingressOf(h, 's-quiet');
    await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate('s-quiet', 'EnsuredLoadBalancer'), 's-quiet ensured', DUE_MS);
    const rv = (await h.core.readNamespacedService({ namespace: 'default', name: 's-quiet' })).metadata!.resourceVersion!;
    const changed = await seenWithin<Service>(h.kc, SERVICES, (s, type) => s.metadata.name === 's-quiet' && type === 'MODIFIED', 1500, { resourceVersion: rv });
    expect(changed?.status, 'a settled Service is not written again').toBeUndefined();
  },
  async ingressStable(h: CloudHarness) {
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('s-stable') as never });
    const svc = await ingressOf(h, 's-stable');
    await h.core.patchNamespacedService({ namespace: 'default', name: 's-stable', body: [{ op: 'add', path: '/metadata/annotations', value: { 'example.com/tier': 'gold' } }] });
    await watchUntil<EventLike>(h.kc, eventsPath(), (e) => eventPredicate('s-stable', 'EnsuredLoadBalancer')(e) && e.count === 2, 's-stable ensured again', DUE_MS);
    const [lb] = (await h.control('GET', `/v1/load-balancers?serviceUID=${svc.metadata.uid}`)).body.items;
    expect(lb.ingress, 'the ingress IP survives a re-ensure').toEqual([{ ip: svc.status!.loadBalancer!.ingress![0]!.ip }]);
  },
  async classIgnored(h: CloudHarness) {
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('s-classy', { loadBalancerClass: 'example.com/other' }) as never });
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('s-plain') as never });
    await ingressOf(h, 's-plain');
    const classy = (await h.core.readNamespacedService({ namespace: 'default', name: 's-classy' })) as unknown as Service;
    expect(classy.metadata.finalizers, 'a Service with a loadBalancerClass gets no finalizer').toBeUndefined();
    expect((await h.control('GET', `/v1/load-balancers?serviceUID=${classy.metadata.uid}`)).body.items, 'a Service with a loadBalancerClass gets no load balancer').toEqual([]);
  },
  async backendsFollowNodes(h: CloudHarness) {
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('s-backends') as never });
    const svc = await ingressOf(h, 's-backends');
    await h.core.patchNode({ name: 'conformal-node-1', body: [{ op: 'add', path: '/metadata/labels/node.kubernetes.io~1exclude-from-external-load-balancers', value: 'true' }] });
    await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate('s-backends', 'UpdatedLoadBalancer'), 'UpdatedLoadBalancer after a node is excluded', DUE_MS);
    const [lb] = (await h.control('GET', `/v1/load-balancers?serviceUID=${svc.metadata.uid}`)).body.items;
    expect(lb.backends, 'an excluded node is no backend').toEqual(['conformal-node-0']);
  },
  async unavailableWarning(h: CloudHarness) {
    expect(await reasonsOnceEnsured(h, 's-lonely'), 'no eligible nodes: UnAvailableLoadBalancer').toContain('UnAvailableLoadBalancer');
  },
  async cloudErrorReported(h: CloudHarness) {
    await h.control('PUT', '/v1/faults/ensure-load-balancer', { message: 'quota exceeded', service: 's-failing' });
    await h.core.createNamespacedService({ namespace: 'default', body: lbService('s-failing') as never });
    await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate('s-failing', 'SyncLoadBalancerFailed'), 'SyncLoadBalancerFailed for a failing cloud', DUE_MS);
    await h.control('DELETE', '/v1/faults/ensure-load-balancer');
    await ingressOf(h, 's-failing');
  },
  async blackholeRemoved(h: CloudHarness) {
    await h.control('POST', '/v1/routes', { destinationCIDR: '10.244.201.0/24', blackhole: true });
    await pollUntil('removal of a blackhole route', async () => ((await h.control('GET', '/v1/routes')).body.items.some((r: { destinationCIDR: string }) => r.destinationCIDR === '10.244.201.0/24') ? undefined : true), DUE_MS);
  },
  async networkAvailable(h: CloudHarness) {
    await newNode(h, 'n-route', { podCIDR: '10.244.60.0/24' });
    await watchUntil<Node>(h.kc, NODES, (n) => n.metadata.name === 'n-route' && cond(n, 'NetworkUnavailable')?.reason === 'RouteCreated', 'NetworkUnavailable=False for a routed node', DUE_MS);
  },
  async foreignRouteKept(h: CloudHarness) {
    await h.control('POST', '/v1/routes', { destinationCIDR: '192.168.77.0/24' });
    await h.control('POST', '/v1/routes', { destinationCIDR: '10.244.202.0/24', blackhole: true });
    const routes = await pollUntil('removal of the blackhole', async () => {
      const items = (await h.control('GET', '/v1/routes')).body.items as { destinationCIDR: string }[];
      return items.some((r) => r.destinationCIDR === '10.244.202.0/24') ? undefined : items;
    }, DUE_MS);
    expect(routes.map((r) => r.destinationCIDR), 'a route outside the cluster CIDR is left alone').toContain('192.168.77.0/24');
  },
  async routeFailureCondition(h: CloudHarness) {
    await h.control('PUT', '/v1/faults/create-route', { message: 'route table full', node: 'n-noroute' });
    await newNode(h, 'n-noroute', { podCIDR: '10.244.61.0/24' });
    await watchUntil<EventLike>(h.kc, eventsPath(), eventPredicate('n-noroute', 'FailedToCreateRoute'), 'FailedToCreateRoute', DUE_MS);
    await watchUntil<Node>(h.kc, NODES, (n) => n.metadata.name === 'n-noroute' && cond(n, 'NetworkUnavailable')?.reason === 'NoRouteCreated', 'NetworkUnavailable=True after a failed CreateRoute', DUE_MS);
  },
} satisfies Record<string, (h: CloudHarness) => Promise<void>>;

type CheckName = keyof typeof CHECKS;

/** Which check each fault breaks, and the words its failure must contain. */
const CAUGHT_BY: Record<CloudFaultName, { check: CheckName; failure: string; options?: Partial<ReferenceCloudOptions> }> = {
  'provider-id-empty': { check: 'providerId', failure: 'providerID set by initialisation' },
  'taint-removed-before-init': { check: 'taintLast', failure: 'no version of the node without the taint lacks providerID or labels' },
  'beta-zone-labels-only': { check: 'gaLabels', failure: 'GA zone label equals the beta one' },
  'no-region-label': { check: 'regionLabel', failure: 'the node carries its region label' },
  'ingress-before-finalizer': { check: 'finalizerBeforeIngress', failure: 'no version of the Service has an ingress without the cleanup finalizer' },
  'load-balancer-ports-dropped': { check: 'cloudPorts', failure: "the cloud's load balancer has the Service's ports" },
  'kubernetes-io-label': { check: 'noKubernetesLabels', failure: 'no provider label in the kubernetes.io and k8s.io namespaces' },
  'internal-ip-as-hostname': { check: 'uniqueAddresses', failure: 'every InternalIP is an IP address' },
  'ignores-provided-node-ip': { check: 'providedIpFirst', failure: 'the provided node IP is the first address' },
  'bogus-provided-ip-initialises': { check: 'bogusIpKeepsTaint', failure: 'a bogus provided-node-ip keeps the node tainted' },
  'overwrites-user-label': { check: 'userLabelKept', failure: "the kubelet's label keeps its value" },
  'no-synced-event': { check: 'syncedEvent', failure: 'Synced event for n-event: not seen' },
  'deletes-stopped-node': { check: 'stoppedKeptAndTainted', failure: "the node of a stopped instance is kept and tainted" },
  'no-node-deletion': { check: 'terminatedDeleted', failure: 'deletion of the node of a terminated instance: not seen' },
  'no-shutdown-taint': { check: 'stoppedKeptAndTainted', failure: 'n-stop shutdown taint: not seen' },
  'shutdown-taint-kept-after-start': { check: 'shutdownTaintLifted', failure: 'shutdown taint lifted from the Ready node: not seen' },
  'no-ensuring-event': { check: 'ensuringEvent', failure: 'EnsuringLoadBalancer precedes EnsuredLoadBalancer' },
  'finalizer-never-removed': { check: 'deletionCompletes', failure: 'deletion of the LoadBalancer Service: not seen' },
  'status-rewritten-on-resync': { check: 'statusQuiet', failure: 'a settled Service is not written again' },
  'ingress-reallocated-on-update': { check: 'ingressStable', failure: 'the ingress IP survives a re-ensure' },
  'handles-load-balancer-class': { check: 'classIgnored', failure: 'a Service with a loadBalancerClass gets no finalizer' },
  'no-backend-update': { check: 'backendsFollowNodes', failure: 'UpdatedLoadBalancer after a node is excluded: not seen' },
  'no-unavailable-warning': { check: 'unavailableWarning', failure: 'no eligible nodes: UnAvailableLoadBalancer', options: { standingNodes: 0 } },
  'swallows-cloud-errors': { check: 'cloudErrorReported', failure: 'SyncLoadBalancerFailed for a failing cloud: not seen' },
  'lb-left-in-cloud': { check: 'deletionCompletes', failure: "the deleted Service's load balancer is gone from the cloud" },
  'routes-never-removed': { check: 'blackholeRemoved', failure: 'removal of a blackhole route: not seen' },
  'network-unavailable-never-set': { check: 'networkAvailable', failure: 'NetworkUnavailable=False for a routed node: not seen' },
  'deletes-foreign-routes': { check: 'foreignRouteKept', failure: 'a route outside the cluster CIDR is left alone' },
  'no-route-failure-condition': { check: 'routeFailureCondition', failure: 'NetworkUnavailable=True after a failed CreateRoute: not seen' },
};

async function withCloud(options: Partial<ReferenceCloudOptions>, run: (h: CloudHarness) => Promise<void>): Promise<void> {
  const h = await startCloudHarness(options);
  try {
    await run(h);
  } finally {
    await h.close();
  }
}

describe.concurrent('reference cloud faults', () => {
  it('lists a check for every fault and no fault twice', () => {
    expect(Object.keys(CAUGHT_BY).sort()).toEqual(CLOUD_FAULTS.map((f) => f.name).sort());
    for (const { description } of CLOUD_FAULTS) expect(description.length).toBeGreaterThan(20);
  });

  const checks = [...new Set(Object.values(CAUGHT_BY).map((c) => c.check))];
  it.each(checks)('the correct reference passes %s', async (check) => {
    const options = Object.values(CAUGHT_BY).find((c) => c.check === check)?.options ?? {};
    await withCloud(options, CHECKS[check]);
  });

  it.each(CLOUD_FAULTS.map((f) => f.name))('%s is caught', async (fault) => {
    const { check, failure, options } = CAUGHT_BY[fault];
    await withCloud({ ...options, fault }, async (h) => {
      await expect(CHECKS[check](h)).rejects.toThrow(failure);
    });
  });
});
