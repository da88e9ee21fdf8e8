import { describe, expect, it } from 'vitest';
import type { NodeObject, ServiceObject } from '../../../src/reference/cloud/kube-types.js';
import { backendKey, isBackend, needsCleanup, needsUpdate, nodeChangeMatters, nodeIncluded, statusEqual, wantsLoadBalancer } from '../../../src/reference/cloud/service-rules.js';

function svc(spec: ServiceObject['spec'] = {}, metadata: Partial<ServiceObject['metadata']> = {}): ServiceObject {
  return { metadata: { name: 's', namespace: 'default', uid: 'u1', ...metadata }, spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30000 }], ...spec } };
}

function node(labels: Record<string, string> = {}, extra: Partial<NodeObject> = {}): NodeObject {
  return { metadata: { name: 'n', labels }, ...extra };
}

describe('which Services the controller owns', () => {
  it('wants type LoadBalancer without a class', () => {
    expect(wantsLoadBalancer(svc())).toBe(true);
    expect(wantsLoadBalancer(svc({ type: 'ClusterIP' }))).toBe(false);
    expect(wantsLoadBalancer(svc({ loadBalancerClass: 'x/y' }))).toBe(false);
    expect(wantsLoadBalancer(svc({ loadBalancerClass: 'x/y' }), true)).toBe(true);
  });

  it('cleans up a Service with the finalizer that is deleted or no longer a LoadBalancer', () => {
    const finalizers = ['service.kubernetes.io/load-balancer-cleanup'];
    expect(needsCleanup(svc({}, { finalizers }))).toBe(false);
    expect(needsCleanup(svc({}, { finalizers, deletionTimestamp: '2026-01-01T00:00:00Z' }))).toBe(true);
    expect(needsCleanup(svc({ type: 'ClusterIP' }, { finalizers }))).toBe(true);
    expect(needsCleanup(svc({ type: 'ClusterIP' }))).toBe(false);
  });
});

describe('needsUpdate', () => {
  const base = svc({ sessionAffinity: 'None', externalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'] }, { annotations: { a: '1' } });
  const changes: [string, ServiceObject][] = [
    ['type', svc({ ...base.spec, type: 'NodePort' }, base.metadata)],
    ['source ranges', svc({ ...base.spec, loadBalancerSourceRanges: ['10.0.0.0/8'] }, base.metadata)],
    ['a port', svc({ ...base.spec, ports: [{ name: 'http', port: 81, protocol: 'TCP', nodePort: 30000 }] }, base.metadata)],
    ['a node port', svc({ ...base.spec, ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30001 }] }, base.metadata)],
    ['session affinity', svc({ ...base.spec, sessionAffinity: 'ClientIP' }, base.metadata)],
    ['loadBalancerIP', svc({ ...base.spec, loadBalancerIP: '198.51.100.9' }, base.metadata)],
    ['external IPs', svc({ ...base.spec, externalIPs: ['192.0.2.1'] }, base.metadata)],
    ['an annotation', svc(base.spec, { annotations: { a: '2' } })],
    ['the UID', svc(base.spec, { ...base.metadata, uid: 'u2' })],
    ['externalTrafficPolicy', svc({ ...base.spec, externalTrafficPolicy: 'Local' }, base.metadata)],
    ['healthCheckNodePort', svc({ ...base.spec, healthCheckNodePort: 32000 }, base.metadata)],
    ['the number of IP families', svc({ ...base.spec, ipFamilies: ['IPv4', 'IPv6'] }, base.metadata)],
  ];
  it.each(changes)('re-syncs when %s changes', (_, changed) => {
    expect(needsUpdate(base, changed)).toBe(true);
  });

  it('does not re-sync for other changes or Services it does not own', () => {
    expect(needsUpdate(base, svc(base.spec, { ...base.metadata, labels: { l: 'x' }, finalizers: ['f'] }))).toBe(false);
    expect(needsUpdate(svc({ type: 'ClusterIP' }), svc({ type: 'ClusterIP', ports: [{ port: 1 }] }))).toBe(false);
  });
});

describe('backends', () => {
  it('parses the exclusion label as Go booleans do', () => {
    expect(nodeIncluded(node())).toBe(true);
    expect(nodeIncluded(node({ 'node.kubernetes.io/exclude-from-external-load-balancers': 'false' }))).toBe(true);
    expect(nodeIncluded(node({ 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' }))).toBe(false);
    expect(nodeIncluded(node({ 'node.kubernetes.io/exclude-from-external-load-balancers': '' }))).toBe(false);
  });

  it('leaves out nodes being deleted or tainted for the autoscaler, not NotReady ones', () => {
    expect(isBackend(node({}, { status: { conditions: [{ type: 'Ready', status: 'False' }] } }))).toBe(true);
    expect(isBackend({ metadata: { name: 'n', deletionTimestamp: '2026-01-01T00:00:00Z' } })).toBe(false);
    expect(isBackend(node({}, { spec: { taints: [{ key: 'ToBeDeletedByClusterAutoscaler', effect: 'NoSchedule' }] } }))).toBe(false);
  });

  it('re-syncs backends on inclusion or providerID changes only', () => {
    expect(nodeChangeMatters(node(), node({ 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' }))).toBe(true);
    expect(nodeChangeMatters(node(), node({}, { spec: { providerID: 'conformal://r/i' } }))).toBe(true);
    expect(nodeChangeMatters(node(), node({ other: 'x' }, { status: { conditions: [{ type: 'Ready', status: 'False' }] } }))).toBe(false);
  });

  it('compares backend sets by names and providerIDs, in any order', () => {
    const a = { metadata: { name: 'a' }, spec: { providerID: 'p1' } };
    const b = { metadata: { name: 'b' } };
    expect(backendKey([a, b])).toBe(backendKey([b, a]));
    expect(backendKey([a, b])).not.toBe(backendKey([{ ...a, spec: {} }, b]));
  });

  it('compares statuses by their ingress', () => {
    expect(statusEqual({}, { ingress: [] })).toBe(true);
    expect(statusEqual({ ingress: [{ ip: '1.2.3.4', ipMode: 'VIP' }] }, { ingress: [{ ipMode: 'VIP', ip: '1.2.3.4' }] })).toBe(true);
    expect(statusEqual({ ingress: [{ ip: '1.2.3.4' }] }, { ingress: [{ ip: '1.2.3.4', ipMode: 'VIP' }] })).toBe(false);
  });
});
