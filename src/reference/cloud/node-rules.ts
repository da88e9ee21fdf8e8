// What the cloud node controller writes on a Node, as pure functions of the Node and the cloud's
// answer: the well-known labels, the filtered AdditionalLabels, the address list with the
// provided-node-ip rules, and the beta-to-GA label reconciliation of initialised nodes.
import { isDeepStrictEqual } from 'node:util';
import { canonicalIp, parseNodeIpAnnotation } from './ip.js';
import type { NodeAddress } from './model.js';
import { PROVIDED_NODE_IP, type NodeObject } from './kube-types.js';

export const LABELS = {
  instanceType: 'node.kubernetes.io/instance-type',
  instanceTypeBeta: 'beta.kubernetes.io/instance-type',
  zone: 'topology.kubernetes.io/zone',
  zoneBeta: 'failure-domain.beta.kubernetes.io/zone',
  region: 'topology.kubernetes.io/region',
  regionBeta: 'failure-domain.beta.kubernetes.io/region',
} as const;

/** What InstancesV2.InstanceMetadata answers. */
export interface InstanceMetadata {
  providerID: string;
  instanceType: string;
  zone: string;
  region: string;
  addresses: NodeAddress[];
  additionalLabels: Record<string, string>;
}

/** Labels in these namespaces belong to Kubernetes; a provider's AdditionalLabels may not use them. */
export const KUBERNETES_NAMESPACE = /(^|\.)(kubernetes|k8s)\.io\//;

/** Instance type, zone and region under their GA and beta keys (`gaZone` false: beta keys only for zone and region). */
export function wellKnownLabels(meta: InstanceMetadata, gaZone = true): Record<string, string> {
  const labels: Record<string, string> = {};
  if (meta.instanceType) Object.assign(labels, { [LABELS.instanceType]: meta.instanceType, [LABELS.instanceTypeBeta]: meta.instanceType });
  if (meta.zone) Object.assign(labels, { [LABELS.zoneBeta]: meta.zone }, gaZone ? { [LABELS.zone]: meta.zone } : {});
  if (meta.region) Object.assign(labels, { [LABELS.regionBeta]: meta.region }, gaZone ? { [LABELS.region]: meta.region } : {});
  return labels;
}

/** AdditionalLabels that may go on the node: none in Kubernetes namespaces, none the node already has. */
export function admissibleAdditionalLabels(existing: Record<string, string>, additional: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(additional).filter(([key]) => !KUBERNETES_NAMESPACE.test(key) && !(key in existing)));
}

/**
 * GetNodeAddressesFromNodeIP: the provided IP(s) must be among the cloud's addresses; each match
 * comes first and is the only address of its type; the other types follow in cloud order.
 */
export function addressesForNodeIp(provided: string, cloud: readonly NodeAddress[]): NodeAddress[] {
  const ips = parseNodeIpAnnotation(provided);
  const enforced: NodeAddress[] = [];
  const types = new Set<string>();
  for (const ip of ips) {
    const matches = cloud.filter((a) => canonicalIp(a.address) === ip);
    if (matches.length === 0) throw new Error(`failed to get node address from cloud provider that matches ip: ${ip}`);
    for (const a of matches) {
      enforced.push({ type: a.type, address: a.address });
      types.add(a.type);
    }
  }
  return [...enforced, ...cloud.filter((a) => !types.has(a.type)).map((a) => ({ type: a.type, address: a.address }))];
}

/** Throws when the node's provided-node-ip cannot be honoured with these cloud addresses. */
export function checkProvidedNodeIp(node: NodeObject, cloud: readonly NodeAddress[]): void {
  const provided = node.metadata.annotations?.[PROVIDED_NODE_IP];
  if (provided === undefined) return;
  try {
    addressesForNodeIp(provided, cloud);
  } catch (error) {
    throw new Error(`provided node ip for node "${node.metadata.name}" is not valid: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The address list updateNodeAddress writes: the cloud's, plus the kubelet's Hostname when the cloud
 * has none, filtered by provided-node-ip unless `honourNodeIp` is false. Empty: leave the node alone.
 */
export function desiredAddresses(node: NodeObject, cloud: readonly NodeAddress[], honourNodeIp = true): NodeAddress[] {
  if (cloud.length === 0) return [];
  let addresses = cloud.map((a) => ({ type: a.type, address: a.address }));
  if (!addresses.some((a) => a.type === 'Hostname')) {
    addresses.push(...(node.status?.addresses ?? []).filter((a) => a.type === 'Hostname'));
  }
  const provided = node.metadata.annotations?.[PROVIDED_NODE_IP];
  if (honourNodeIp && provided !== undefined) addresses = addressesForNodeIp(provided, addresses);
  return addresses;
}

export function addressesDiffer(current: readonly NodeAddress[] | undefined, desired: readonly NodeAddress[]): boolean {
  return !isDeepStrictEqual(
    (current ?? []).map((a) => ({ type: a.type, address: a.address })),
    desired.map((a) => ({ type: a.type, address: a.address })),
  );
}

/** reconcileNodeLabels: the beta key is primary; its GA twin is created or corrected from it. */
export function labelsToReconcile(labels: Record<string, string> | undefined): Record<string, string> {
  const update: Record<string, string> = {};
  if (!labels) return update;
  for (const [primary, secondary] of [
    [LABELS.zoneBeta, LABELS.zone],
    [LABELS.regionBeta, LABELS.region],
    [LABELS.instanceTypeBeta, LABELS.instanceType],
  ] as const) {
    const value = labels[primary];
    if (value !== undefined && labels[secondary] !== value) update[secondary] = value;
  }
  return update;
}
