// Pure checks of what a provider wrote, each answering the problems found in words a provider
// author can act on; [] means right.
import { ConformanceError } from '../../src/core/errors.js';
import type { CrdInfo } from '../../src/interfaces/capi/env.js';
import { CLUSTERCTL_LABEL, CONTRACT_LABEL, PROVIDER_LABEL, type Condition } from '../../src/interfaces/capi/well-known.js';
import type { Obj } from './fixtures.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** metav1.Condition's reason: CamelCase, as its validation pattern says. */
const REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
export const ADDRESS_TYPES = ['Hostname', 'ExternalIP', 'InternalIP', 'ExternalDNS', 'InternalDNS'];

/** v1beta2 status.conditions are metav1.Conditions; terminal-failure fields are gone. */
export function conditionProblems(o: Obj): string[] {
  const name = `${o.kind} ${o.metadata.name}`;
  const problems = metav1ConditionProblems(name, 'status.conditions', o.status?.conditions);
  for (const field of ['failureReason', 'failureMessage', 'ready']) {
    if (o.status?.[field] !== undefined) problems.push(`${name}: status.${field} is a v1beta1 field; v1beta2 has none`);
  }
  return problems;
}

/** A list of conditions, either shape: a list, each type once, status True/False/Unknown; `more` checks the rest of one condition. */
function conditionListProblems<C extends Condition>(name: string, field: string, conditions: C[] | undefined, more: (c: C) => string[]): string[] {
  if (!Array.isArray(conditions)) return [`${name}: ${field} is not a list (${JSON.stringify(conditions)})`];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of conditions) {
    if (!c.type) problems.push(`${name}: a condition has no type`);
    if (seen.has(c.type)) problems.push(`${name}: condition ${c.type} is listed twice`);
    seen.add(c.type);
    if (!['True', 'False', 'Unknown'].includes(c.status)) problems.push(`${name}: condition ${c.type} has status "${c.status}"`);
    problems.push(...more(c));
  }
  return problems;
}

/** A list of metav1.Conditions: a CamelCase reason, an RFC 3339 lastTransitionTime, observedGeneration ≥ 0, no severity. */
function metav1ConditionProblems(name: string, field: string, conditions: Condition[] | undefined): string[] {
  return conditionListProblems(name, field, conditions, (c) => {
    const problems: string[] = [];
    if (!c.reason || !REASON.test(c.reason)) problems.push(`${name}: condition ${c.type} has reason "${c.reason ?? ''}", not a CamelCase reason`);
    if (!c.lastTransitionTime || !RFC3339.test(c.lastTransitionTime)) problems.push(`${name}: condition ${c.type} has lastTransitionTime "${c.lastTransitionTime ?? ''}"`);
    if (c.observedGeneration !== undefined && (!Number.isInteger(c.observedGeneration) || c.observedGeneration < 0)) problems.push(`${name}: condition ${c.type} has observedGeneration ${c.observedGeneration}`);
    if ('severity' in c) problems.push(`${name}: condition ${c.type} has the v1beta1 field severity`);
    return problems;
  });
}

const SEVERITIES = ['Error', 'Warning', 'Info'];

/**
 * Contract v1beta1: status.conditions are Cluster API v1beta1 conditions — type once each, status
 * True/False/Unknown, a severity (Error, Warning, Info) only when False, a CamelCase reason when
 * given, a lastTransitionTime always; the v1beta2 conditions a provider may add live under
 * status.v1beta2.conditions and are metav1.Conditions.
 */
export function v1beta1ConditionProblems(o: Obj): string[] {
  const name = `${o.kind} ${o.metadata.name}`;
  const problems = conditionListProblems(name, 'status.conditions', o.status?.conditions as Array<Condition & { severity?: string }> | undefined, (c) => {
    const found: string[] = [];
    const severity = c.severity ?? '';
    if (c.status === 'False' ? severity !== '' && !SEVERITIES.includes(severity) : severity !== '') found.push(`${name}: condition ${c.type} is ${c.status} with severity "${severity}" (only a False condition has one: ${SEVERITIES.join(', ')})`);
    if (c.reason !== undefined && c.reason !== '' && !REASON.test(c.reason)) found.push(`${name}: condition ${c.type} has reason "${c.reason}", not a CamelCase reason`);
    if (!c.lastTransitionTime || !RFC3339.test(c.lastTransitionTime)) found.push(`${name}: condition ${c.type} has lastTransitionTime "${c.lastTransitionTime ?? ''}" (required)`);
    return found;
  });
  const v1beta2 = o.status?.v1beta2?.conditions;
  if (v1beta2 !== undefined) problems.push(...metav1ConditionProblems(name, 'status.v1beta2.conditions', v1beta2));
  return problems;
}

/**
 * Contract v1beta1 terminal failures, over every state an object that then provisioned went
 * through: status.failureReason and failureMessage come together, and a provisioned object never
 * had them (they are terminal: core copies them to the Cluster or Machine, which must then be
 * deleted, so a transient error must not set them).
 */
export function terminalFailureProblems(history: readonly Obj[]): string[] {
  const problems = new Set<string>();
  for (const o of history) {
    const name = `${o.kind} ${o.metadata.name}`;
    const reason = o.status?.failureReason;
    const message = o.status?.failureMessage;
    if ((reason === undefined) !== (message === undefined)) problems.add(`${name}: status.failureReason ${JSON.stringify(reason)} and failureMessage ${JSON.stringify(message)} are not set together`);
    if (reason !== undefined || message !== undefined) problems.add(`${name} reported a terminal failure (failureReason ${JSON.stringify(reason)}) and was provisioned all the same: a transient error must not set the terminal-failure fields`);
  }
  return [...problems];
}

/** The fields of one failure domain: controlPlane a boolean, attributes a string map. */
function domainFieldProblems(name: string, domain: string, d: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (d.controlPlane !== undefined && typeof d.controlPlane !== 'boolean') problems.push(`${name}: failure domain ${domain} has controlPlane ${JSON.stringify(d.controlPlane)}`);
  if (d.attributes !== undefined && (typeof d.attributes !== 'object' || d.attributes === null || Object.values(d.attributes as object).some((v) => typeof v !== 'string'))) problems.push(`${name}: failure domain ${domain} has attributes that are not a string map`);
  return problems;
}

/** InfraCluster status.failureDomains of contract v1beta1: a map name → {controlPlane (bool), attributes}. */
function failureDomainMapProblems(o: Obj): string[] {
  const domains = o.status?.failureDomains;
  const name = `${o.kind} ${o.metadata.name}`;
  if (Array.isArray(domains)) return [`${name}: status.failureDomains is a list (the v1beta2 shape), the v1beta1 contract wants a map name → {controlPlane, attributes}`];
  if (typeof domains !== 'object' || domains === null) return [`${name}: status.failureDomains is ${JSON.stringify(domains)}, not a map`];
  return Object.entries(domains as Record<string, unknown>).flatMap(([domain, d]) => {
    if (domain === '') return [`${name}: a failure domain has an empty name`];
    if (typeof d !== 'object' || d === null || Array.isArray(d)) return [`${name}: failure domain ${domain} is ${JSON.stringify(d)}, not {controlPlane, attributes}`];
    return domainFieldProblems(name, domain, d as Record<string, unknown>);
  });
}

/** InfraCluster status.failureDomains: a list of {name (unique), controlPlane (bool), attributes}, 1 to 100 (v1beta2), or the v1beta1 map. */
export function failureDomainProblems(o: Obj, shape: 'list' | 'map' = 'list'): string[] {
  const domains = o.status?.failureDomains;
  const name = `${o.kind} ${o.metadata.name}`;
  if (domains === undefined) return [];
  if (shape === 'map') return failureDomainMapProblems(o);
  if (!Array.isArray(domains)) return [`${name}: status.failureDomains is ${typeof domains === 'object' ? 'a map (the v1beta1 shape)' : typeof domains}, v1beta2 wants a list of {name, controlPlane, attributes}`];
  const problems: string[] = [];
  if (domains.length === 0 || domains.length > 100) problems.push(`${name}: status.failureDomains has ${domains.length} entries (1 to 100)`);
  const seen = new Set<string>();
  for (const d of domains as Array<Record<string, unknown>>) {
    if (typeof d.name !== 'string' || d.name === '') problems.push(`${name}: a failure domain has no name`);
    else if (seen.has(d.name)) problems.push(`${name}: failure domain ${d.name} is listed twice`);
    else seen.add(d.name);
    problems.push(...domainFieldProblems(name, String(d.name), d));
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

/** The contract label (cluster.x-k8s.io/v1beta2, or v1beta1) names, underscore-separated, versions the CRD serves. */
export function contractLabelProblems(crd: CrdInfo, label: string = CONTRACT_LABEL): string[] {
  const value = crd.labels[label];
  if (value === undefined || value === '') return [`CRD ${crd.name}: label ${label} is missing or empty`];
  const unserved = value.split('_').filter((v) => !crd.servedVersions.includes(v));
  return unserved.length ? [`CRD ${crd.name}: ${label}=${value} names ${unserved.join(', ')}, which the CRD does not serve (it serves ${crd.servedVersions.join(', ')})`] : [];
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

/** Fails the test with every problem found, if any. */
export function failOn(problems: readonly string[]): void {
  if (problems.length) throw new ConformanceError(problems.join('; '));
}
