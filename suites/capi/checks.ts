// Pure checks of what a provider wrote, each answering the problems found in words a provider
// author can act on; [] means right.
import type { CrdInfo } from '../../src/interfaces/capi/env.js';
import { CLUSTERCTL_LABEL, CONTRACT_LABEL, PROVIDER_LABEL, type Condition } from '../../src/interfaces/capi/well-known.js';
import type { Obj } from './fixtures.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** metav1.Condition's reason: CamelCase, as its validation pattern says. */
const REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
export const ADDRESS_TYPES = ['Hostname', 'ExternalIP', 'InternalIP', 'ExternalDNS', 'InternalDNS'];

/** v1beta2 status.conditions are metav1.Conditions; terminal-failure fields are gone. */
export function conditionProblems(o: Obj): string[] {
  const problems: string[] = [];
  const name = `${o.kind} ${o.metadata.name}`;
  const conditions = o.status?.conditions as Condition[] | undefined;
  if (!Array.isArray(conditions)) return [`${name}: status.conditions is not a list (${JSON.stringify(conditions)})`];
  const seen = new Set<string>();
  for (const c of conditions) {
    if (!c.type) problems.push(`${name}: a condition has no type`);
    if (seen.has(c.type)) problems.push(`${name}: condition ${c.type} is listed twice`);
    seen.add(c.type);
    if (!['True', 'False', 'Unknown'].includes(c.status)) problems.push(`${name}: condition ${c.type} has status "${c.status}"`);
    if (!c.reason || !REASON.test(c.reason)) problems.push(`${name}: condition ${c.type} has reason "${c.reason ?? ''}", not a CamelCase reason`);
    if (!c.lastTransitionTime || !RFC3339.test(c.lastTransitionTime)) problems.push(`${name}: condition ${c.type} has lastTransitionTime "${c.lastTransitionTime ?? ''}"`);
    if (c.observedGeneration !== undefined && (!Number.isInteger(c.observedGeneration) || c.observedGeneration < 0)) problems.push(`${name}: condition ${c.type} has observedGeneration ${c.observedGeneration}`);
    if ('severity' in c) problems.push(`${name}: condition ${c.type} has the v1beta1 field severity`);
  }
  for (const field of ['failureReason', 'failureMessage', 'ready']) {
    if (o.status?.[field] !== undefined) problems.push(`${name}: status.${field} is a v1beta1 field; v1beta2 has none`);
  }
  return problems;
}

/** InfraCluster status.failureDomains: a list of {name (unique), controlPlane (bool), attributes}, 1 to 100. */
export function failureDomainProblems(o: Obj): string[] {
  const domains = o.status?.failureDomains;
  const name = `${o.kind} ${o.metadata.name}`;
  if (domains === undefined) return [];
  if (!Array.isArray(domains)) return [`${name}: status.failureDomains is ${typeof domains === 'object' ? 'a map (the v1beta1 shape)' : typeof domains}, v1beta2 wants a list of {name, controlPlane, attributes}`];
  const problems: string[] = [];
  if (domains.length === 0 || domains.length > 100) problems.push(`${name}: status.failureDomains has ${domains.length} entries (1 to 100)`);
  const seen = new Set<string>();
  for (const d of domains as Array<Record<string, unknown>>) {
    if (typeof d.name !== 'string' || d.name === '') problems.push(`${name}: a failure domain has no name`);
    else if (seen.has(d.name)) problems.push(`${name}: failure domain ${d.name} is listed twice`);
    else seen.add(d.name);
    if (d.controlPlane !== undefined && typeof d.controlPlane !== 'boolean') problems.push(`${name}: failure domain ${String(d.name)} has controlPlane ${JSON.stringify(d.controlPlane)}`);
    if (d.attributes !== undefined && (typeof d.attributes !== 'object' || Object.values(d.attributes as object).some((v) => typeof v !== 'string'))) problems.push(`${name}: failure domain ${String(d.name)} has attributes that are not a string map`);
  }
  return problems;
}

export function endpointProblems(o: Obj): string[] {
  const e = o.spec?.controlPlaneEndpoint;
  const name = `${o.kind} ${o.metadata.name}`;
  if (!e) return [`${name}: spec.controlPlaneEndpoint is not set`];
  const problems: string[] = [];
  if (typeof e.host !== 'string' || e.host.length < 1 || e.host.length > 512) problems.push(`${name}: spec.controlPlaneEndpoint.host is ${JSON.stringify(e.host)} (1 to 512 characters)`);
  if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) problems.push(`${name}: spec.controlPlaneEndpoint.port is ${JSON.stringify(e.port)} (1 to 65535)`);
  return problems;
}

export function addressProblems(o: Obj): string[] {
  const addresses = o.status?.addresses;
  const name = `${o.kind} ${o.metadata.name}`;
  if (addresses === undefined) return [];
  if (!Array.isArray(addresses)) return [`${name}: status.addresses is not a list`];
  return (addresses as Array<{ type?: string; address?: string }>).flatMap((a) => {
    const problems: string[] = [];
    if (!ADDRESS_TYPES.includes(a.type ?? '')) problems.push(`${name}: address type "${a.type}" is not one of ${ADDRESS_TYPES.join(', ')}`);
    if (typeof a.address !== 'string' || a.address === '') problems.push(`${name}: an address of type ${a.type} is empty`);
    return problems;
  });
}

/** The contract label names, underscore-separated, versions the CRD serves. */
export function contractLabelProblems(crd: CrdInfo): string[] {
  const value = crd.labels[CONTRACT_LABEL];
  if (value === undefined || value === '') return [`CRD ${crd.name}: label ${CONTRACT_LABEL} is missing or empty`];
  const unserved = value.split('_').filter((v) => !crd.servedVersions.includes(v));
  return unserved.length ? [`CRD ${crd.name}: ${CONTRACT_LABEL}=${value} names ${unserved.join(', ')}, which the CRD does not serve (it serves ${crd.servedVersions.join(', ')})`] : [];
}

/** clusterctl's rules for provider CRDs: name, provider label, the clusterctl label it moves by. */
export function clusterctlProblems(crd: CrdInfo, plural: string, type: 'infrastructure' | 'bootstrap' | 'control-plane'): string[] {
  const problems: string[] = [];
  if (crd.name !== `${plural}.${crd.group}`) problems.push(`CRD ${crd.name}: clusterctl expects the name ${plural}.${crd.group}`);
  const provider = crd.labels[PROVIDER_LABEL];
  if (!provider || !provider.startsWith(`${type}-`)) problems.push(`CRD ${crd.name}: label ${PROVIDER_LABEL} is ${JSON.stringify(provider)}, expected ${type}-<name>`);
  if (crd.labels[CLUSTERCTL_LABEL] === undefined) problems.push(`CRD ${crd.name}: label ${CLUSTERCTL_LABEL} is missing, so clusterctl move does not find its objects`);
  return problems;
}
