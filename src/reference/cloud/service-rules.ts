// The service controller's decisions as pure functions: which Services it owns, when a change
// calls for a re-sync, which Nodes are load-balancer backends, and when a status is unchanged.
import { isDeepStrictEqual } from 'node:util';
import { EXCLUDE_LB_LABEL, LB_FINALIZER, TO_BE_DELETED_TAINT, type NodeObject, type ServiceObject, type ServicePort } from './kube-types.js';

/** Type LoadBalancer and no loadBalancerClass (`ignoreClass`: the class is disregarded). */
export function wantsLoadBalancer(svc: ServiceObject, ignoreClass = false): boolean {
  return svc.spec?.type === 'LoadBalancer' && (ignoreClass || svc.spec.loadBalancerClass === undefined || svc.spec.loadBalancerClass === null);
}

/** Carries the cleanup finalizer and is being deleted or is no longer of type LoadBalancer. */
export function needsCleanup(svc: ServiceObject): boolean {
  if (!(svc.metadata.finalizers ?? []).includes(LB_FINALIZER)) return false;
  return svc.metadata.deletionTimestamp !== undefined || svc.spec?.type !== 'LoadBalancer';
}

function portKey(p: ServicePort): unknown[] {
  return [p.name ?? '', p.protocol ?? '', p.port, p.nodePort ?? 0, p.targetPort ?? 0, p.appProtocol ?? null];
}

/** The re-sync triggers of upstream's needsUpdate. */
export function needsUpdate(old: ServiceObject, cur: ServiceObject, ignoreClass = false): boolean {
  const wantsOld = wantsLoadBalancer(old, ignoreClass);
  const wantsCur = wantsLoadBalancer(cur, ignoreClass);
  if (!wantsOld && !wantsCur) return false;
  if (wantsOld !== wantsCur) return true;
  const a = old.spec ?? {};
  const b = cur.spec ?? {};
  return (
    !isDeepStrictEqual(a.loadBalancerSourceRanges ?? [], b.loadBalancerSourceRanges ?? []) ||
    !isDeepStrictEqual((a.ports ?? []).map(portKey), (b.ports ?? []).map(portKey)) ||
    a.sessionAffinity !== b.sessionAffinity ||
    !isDeepStrictEqual(a.sessionAffinityConfig, b.sessionAffinityConfig) ||
    (a.loadBalancerIP ?? '') !== (b.loadBalancerIP ?? '') ||
    !isDeepStrictEqual(a.externalIPs ?? [], b.externalIPs ?? []) ||
    !isDeepStrictEqual(old.metadata.annotations ?? {}, cur.metadata.annotations ?? {}) ||
    old.metadata.uid !== cur.metadata.uid ||
    a.externalTrafficPolicy !== b.externalTrafficPolicy ||
    (a.healthCheckNodePort ?? 0) !== (b.healthCheckNodePort ?? 0) ||
    (a.ipFamilies ?? []).length !== (b.ipFamilies ?? []).length
  );
}

/** No exclusion label, or one whose value parses as false (Go's strconv.ParseBool). */
export function nodeIncluded(node: NodeObject): boolean {
  const value = node.metadata.labels?.[EXCLUDE_LB_LABEL];
  if (value === undefined) return true;
  return ['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value);
}

/** stableNodeSetPredicates: not being deleted, included, not about to be removed by the autoscaler. Readiness is not used. */
export function isBackend(node: NodeObject): boolean {
  return node.metadata.deletionTimestamp === undefined && nodeIncluded(node) && !(node.spec?.taints ?? []).some((t) => t.key === TO_BE_DELETED_TAINT);
}

/** shouldSyncUpdatedNode: the node's inclusion or its providerID changed. */
export function nodeChangeMatters(old: NodeObject, cur: NodeObject): boolean {
  return nodeIncluded(old) !== nodeIncluded(cur) || (old.spec?.providerID ?? '') !== (cur.spec?.providerID ?? '');
}

/** nodesSufficientlyEqual: the same names with the same providerIDs. */
export function backendKey(nodes: readonly NodeObject[]): string {
  return JSON.stringify(nodes.map((n) => [n.metadata.name, n.spec?.providerID ?? '']).sort());
}

export function statusEqual(a: unknown, b: unknown): boolean {
  const ingress = (s: unknown) => ((s as { ingress?: unknown[] } | undefined)?.ingress ?? []);
  return isDeepStrictEqual(ingress(a), ingress(b));
}
