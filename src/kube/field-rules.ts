// Small building blocks of built-in defaulting and validation, with apimachinery's wording.
import { isIP } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import ipaddr from 'ipaddr.js';
import type { FieldError } from './status.js';

export type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function path(obj: unknown, ...keys: string[]): unknown {
  let cur: unknown = obj;
  for (const key of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[key];
  }
  return cur;
}

/** The object at `obj[key]`, created empty when missing. */
export function record(obj: Obj, key: string): Obj {
  const existing = obj[key];
  if (isObject(existing)) return existing;
  const created: Obj = {};
  obj[key] = created;
  return created;
}

export function list(value: unknown): Obj[] {
  return Array.isArray(value) ? (value.filter(isObject)) : [];
}

/** A defaulted value field: Go's zero value ("" or 0) is unset, as Go defaulters test it. */
export function setDefault(obj: Obj, key: string, value: unknown): void {
  const v = obj[key];
  if (v === undefined || v === null || v === '' || v === 0) obj[key] = value;
}

/** A defaulted pointer field: only nil is unset (0 and false are values). */
export function setDefaultPointer(obj: Obj, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, detail };
}

export function invalidField(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, value, detail };
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, detail };
}

export function notSupported(field: string, value: unknown, supported: string[]): FieldError {
  return { type: 'FieldValueNotSupported', field, value, detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, value, detail: '' };
}

/** A field that may not change once set, in apimachinery's words. */
export function immutable(field: string, before: unknown, after: unknown, detail = 'field is immutable'): FieldError[] {
  return isDeepStrictEqual(before, after) ? [] : [invalidField(field, after, detail)];
}

/** Go's net.ParseIP as Kubernetes calls it ("sloppy": IPv4 octets may have leading zeros). */
export function parsesAsIp(value: string): boolean {
  if (isIP(value) !== 0) return true;
  const octets = value.split('.');
  return octets.length === 4 && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

export const IP_DETAIL = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

const DNS_RULES = {
  subdomain: {
    max: 253,
    pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    text: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  },
  label: {
    max: 63,
    pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    text: "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  },
};

function dnsName(value: string, rule: (typeof DNS_RULES)['label']): string[] {
  const out: string[] = [];
  if (value.length > rule.max) out.push(`must be no more than ${rule.max} characters`);
  if (!rule.pattern.test(value)) out.push(rule.text);
  return out;
}

/** validation.IsDNS1123Subdomain's messages. */
export const dns1123Subdomain = (value: string): string[] => dnsName(value, DNS_RULES.subdomain);

/** validation.IsDNS1123Label's messages. */
export const dns1123Label = (value: string): string[] => dnsName(value, DNS_RULES.label);

/** A list of strings from a decoded body (anything else reads as none). */
export const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

const isIpv4Mapped = (ip: ipaddr.IPv4 | ipaddr.IPv6): boolean => ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress();

/**
 * IsValidIPForLegacyField with StrictIPCIDRValidation, which Kubernetes 1.37 enables: an IP Go's
 * sloppy parser reads, and then also netip.ParseAddr (no IPv4 octet with a leading zero) and no
 * IPv4-mapped IPv6 address. Values the object held before the update stay valid (`validOld`).
 */
export function legacyIpErrors(field: string, value: string, validOld: readonly string[] = []): FieldError[] {
  if (validOld.includes(value)) return [];
  if (!parsesAsIp(value)) return [invalidField(field, value, IP_DETAIL)];
  if (isIP(value) === 0) return [invalidField(field, value, 'must not have leading 0s')];
  if (isIpv4Mapped(ipaddr.parse(value))) return [invalidField(field, value, 'must not be an IPv4-mapped IPv6 address')];
  return [];
}

/**
 * IsValidCIDRForLegacyField with StrictIPCIDRValidation (see legacyIpErrors): sloppy parsing, and
 * then netip.ParsePrefix's rules (no leading zeros in the IP or the prefix length), no IPv4-mapped
 * IPv6 address and no bits set beyond the prefix length (10.1.0.5/24 is refused).
 */
export function legacyCidrErrors(field: string, value: string, validOld: readonly string[] = []): FieldError[] {
  if (validOld.includes(value)) return [];
  const m = /^(.+)\/(\d{1,3})$/.exec(value);
  const sloppy = !!m && parsesAsIp(m[1]!) && Number(m[2]) <= (isIP(m[1]!) === 6 ? 128 : 32);
  if (!sloppy) return [invalidField(field, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
  if (isIP(m[1]!) === 0 || !/^(0|[1-9]\d*)$/.test(m[2]!)) return [invalidField(field, value, 'must not have leading 0s in IP or prefix length')];
  const [address] = ipaddr.parseCIDR(value);
  if (isIpv4Mapped(address)) return [invalidField(field, value, 'must not have an IPv4-mapped IPv6 address')];
  const network = address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(value) : ipaddr.IPv6.networkAddressFromCIDR(value);
  if (network.toString() !== address.toString()) return [invalidField(field, value, 'must not have bits set beyond the prefix length')];
  return [];
}
