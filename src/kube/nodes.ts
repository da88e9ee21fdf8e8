// Nodes as kube-apiserver treats them: podCIDR kept in step with podCIDRs (the v1 conversion),
// allocatable defaulted from capacity, the not-ready taint of the TaintNodesByCondition admission
// plugin on create, and ValidateNode / ValidateNodeUpdate (pod CIDRs and provider ID are set
// once, taints, duplicate addresses).
import { duplicate, forbidden, invalidField, legacyCidrErrors, list, notSupported, record, required, type Obj } from './field-rules.js';
import type { FieldError } from './status.js';
import type { KubeObject } from './types.js';

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Decode-time: SetDefaults_NodeStatus and the podCIDR/podCIDRs round trip through the internal type. */
export function nodeDefaults(node: KubeObject): void {
  const spec = record(node, 'spec');
  const cidrs = Array.isArray(spec.podCIDRs) ? (spec.podCIDRs as string[]) : [];
  // podCIDR wins when both are set and differ; then podCIDR mirrors podCIDRs[0].
  if (spec.podCIDR && (cidrs.length === 0 || cidrs[0] !== spec.podCIDR)) spec.podCIDRs = [spec.podCIDR];
  else if (cidrs.length > 0) spec.podCIDR = cidrs[0];
  const status = record(node, 'status');
  if ((status.allocatable === undefined || status.allocatable === null) && status.capacity) status.allocatable = { ...(status.capacity as Obj) };
}

/** TaintNodesByCondition: a new node is not ready until its kubelet says so. */
export function nodePrepareCreate(node: KubeObject): void {
  const spec = record(node, 'spec');
  const taints = list(spec.taints);
  if (!taints.some((t) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoSchedule')) {
    taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
  }
  spec.taints = taints;
}

function labelNameErrors(field: string, key: string): FieldError[] {
  const slash = key.indexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const errors: FieldError[] = [];
  if (slash >= 0 && (prefix.length === 0 || prefix.length > 253 || !PREFIX.test(prefix))) {
    errors.push(invalidField(field, key, "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
  }
  if (name.length === 0) errors.push(invalidField(field, key, 'name part must be non-empty'));
  else if (name.length > 63) errors.push(invalidField(field, key, 'name part must be no more than 63 characters'));
  else if (!NAME_PART.test(name)) {
    errors.push(invalidField(field, key, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
  }
  return errors;
}

/** validateNodeTaints; kube-apiserver reports them under metadata.taints (sic). */
function taintErrors(node: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  list((node.spec as Obj | undefined)?.taints).forEach((taint, i) => {
    const at = `metadata.taints[${i}]`;
    errors.push(...labelNameErrors(`${at}.key`, String(taint.key ?? '')));
    const value = String(taint.value ?? '');
    if (value.length > 63 || !LABEL_VALUE.test(value)) {
      errors.push(invalidField(`${at}.value`, value, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
    }
    if (!taint.effect) errors.push(required(`${at}.effect`));
    else if (!EFFECTS.includes(taint.effect as string)) errors.push(notSupported(`${at}.effect`, taint.effect, EFFECTS));
    const key = `${String(taint.effect)}\0${String(taint.key)}`;
    if (seen.has(key)) {
      errors.push({ type: 'FieldValueDuplicate', field: at, detail: 'taints must be unique by key and effect pair', value: internalTaint(taint) });
      return;
    }
    seen.add(key);
  });
  return errors;
}

/** The internal core.Taint a field error holds: json.Marshal prints it with its Go field names. */
function internalTaint(t: Obj): Obj {
  return { Key: t.key ?? '', Value: t.value ?? '', Effect: t.effect ?? '', TimeAdded: t.timeAdded ?? null };
}

/** ValidateNode: taints and pod CIDRs. */
export function nodeValidate(node: KubeObject): FieldError[] {
  const errors = taintErrors(node);
  const cidrs = ((node.spec as Obj | undefined)?.podCIDRs ?? []) as string[];
  cidrs.forEach((cidr, i) => errors.push(...legacyCidrErrors(`spec.podCIDRs[${i}]`, cidr)));
  if (cidrs.length > 1) {
    const families = new Set(cidrs.map((c) => (c.includes(':') ? 6 : 4)));
    if (families.size !== 2 || cidrs.length > 2) {
      errors.push(invalidField('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
    }
    const seen = new Set<string>();
    cidrs.forEach((cidr, i) => {
      if (seen.has(cidr)) errors.push(duplicate(`spec.podCIDRs[${i}]`, cidr));
      seen.add(cidr);
    });
  }
  return errors;
}

const CIDR_CHANGE = 'node updates may not change podCIDR except from "" to valid';

/** ValidateNodeUpdate: what may be set once, and no duplicate addresses. */
export function nodeValidateUpdate(old: KubeObject, next: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  list((next.status as Obj | undefined)?.addresses).forEach((address, i) => {
    const key = `${String(address.type)}\0${String(address.address)}`;
    // The internal core.NodeAddress, printed by json.Marshal with its Go field names.
    if (seen.has(key)) errors.push(duplicate(`status.addresses[${i}]`, { Type: address.type ?? '', Address: address.address ?? '' }));
    seen.add(key);
  });
  const before = (old.spec ?? {}) as Obj;
  const after = (next.spec ?? {}) as Obj;
  const oldCidrs = (before.podCIDRs ?? []) as string[];
  const newCidrs = (after.podCIDRs ?? []) as string[];
  if (oldCidrs.length > 0) {
    if (oldCidrs.length !== newCidrs.length) errors.push(forbidden('spec.podCIDRs', CIDR_CHANGE));
    else oldCidrs.forEach((cidr, i) => cidr !== newCidrs[i] && errors.push(forbidden('spec.podCIDRs', CIDR_CHANGE)));
  }
  // Set once: from "" to a value only (the error carries no value, so it reads "Invalid value: null").
  if (before.providerID && after.providerID && before.providerID !== after.providerID) errors.push(invalidField('spec.providerID', null, 'field cannot be modified once set'));
  if (before.providerID && !after.providerID) errors.push(invalidField('spec.providerID', null, 'field cannot be cleared once set'));
  errors.push(...taintErrors(next));
  if ((before.externalID ?? '') !== (after.externalID ?? '')) errors.push(forbidden('spec.externalID', 'may not be updated'));
  return errors;
}
