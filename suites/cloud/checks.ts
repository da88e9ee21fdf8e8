// Pure checks of what a CCM wrote on a Node, shared by the tests of existing and registered nodes.
// Each answers the problems found, in words a vendor can act on; [] means the node is right.
import { isIP } from 'node:net';
import type { V1Node } from '@kubernetes/client-node';
import { LABEL_TWINS, NODE_ADDRESS_TYPES, UNINITIALIZED_TAINT, WELL_KNOWN_NODE_LABELS } from '../../src/interfaces/cloud/well-known.js';

/** "<scheme>://<something>", the form k8s.io/cloud-provider builds (ProviderName() + "://" + id). */
export const PROVIDER_ID = /^[a-z0-9][a-z0-9.+-]*:\/\/\S+$/i;

export function providerIdProblems(node: V1Node): string[] {
  const id = node.spec?.providerID ?? '';
  if (!id) return [`${node.metadata?.name}: spec.providerID is empty`];
  return PROVIDER_ID.test(id) ? [] : [`${node.metadata?.name}: spec.providerID "${id}" is not of the form <provider>://<id>`];
}

export function labelTwinProblems(node: V1Node): string[] {
  const labels = node.metadata?.labels ?? {};
  const problems: string[] = [];
  for (const [ga, beta] of LABEL_TWINS) {
    if (labels[ga] === undefined && labels[beta] === undefined) continue;
    if (labels[ga] !== labels[beta]) problems.push(`${node.metadata?.name}: ${ga}=${labels[ga] ?? '<absent>'} but ${beta}=${labels[beta] ?? '<absent>'}`);
  }
  return problems;
}

export function addressProblems(node: V1Node): string[] {
  const name = node.metadata?.name;
  const addresses = node.status?.addresses ?? [];
  if (addresses.length === 0) return [`${name}: status.addresses is empty`];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { type, address } of addresses) {
    if (!NODE_ADDRESS_TYPES.includes(type)) problems.push(`${name}: address type "${type}" is not one of ${NODE_ADDRESS_TYPES.join(', ')}`);
    if (type.endsWith('IP') && isIP(address) === 0) problems.push(`${name}: ${type} "${address}" is not an IP address`);
    const key = `${type}/${address}`;
    if (seen.has(key)) problems.push(`${name}: address ${type} ${address} is listed twice`);
    seen.add(key);
  }
  return problems;
}

/** Labels in the kubernetes.io / k8s.io namespaces that are not well known. */
export function foreignKubernetesLabels(node: V1Node, allowed: readonly string[] = []): string[] {
  return Object.keys(node.metadata?.labels ?? {}).filter((key) => {
    const prefix = key.includes('/') ? key.slice(0, key.indexOf('/')) : '';
    const reserved = /(^|\.)(kubernetes|k8s)\.io$/.test(prefix);
    return reserved && !WELL_KNOWN_NODE_LABELS.includes(key) && !key.startsWith('node-role.kubernetes.io/') && !allowed.includes(key);
  });
}

export function isInitialised(node: V1Node): boolean {
  return !(node.spec?.taints ?? []).some((t) => t.key === UNINITIALIZED_TAINT);
}
