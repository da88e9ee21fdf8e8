// Endpoints validation kube-apiserver applies to addresses (ValidateEndpoints →
// validateEndpointAddress): an IP under 1.37's strict rules (IsValidIPForLegacyField), and then a
// routable one (ValidateEndpointIP), so loopback, link-local, link-local multicast and unspecified
// addresses are refused.
import { isIP } from 'node:net';
import { invalidField, legacyIpErrors, list, parsesAsIp } from './field-rules.js';
import type { FieldError } from './status.js';
import type { KubeObject } from './types.js';

/** Why `ip` may not be an endpoint, in apimachinery's words; undefined when it may. */
export function specialIpDetail(ip: string): string | undefined {
  if (isIP(ip) === 6) {
    const v6 = ip.toLowerCase();
    if (/^(0*:)*:?0*$/.test(v6)) return `may not be unspecified (${ip})`;
    if (/^(0*:)*:?0*1$/.test(v6)) return 'may not be in the loopback range (127.0.0.0/8, ::1/128)';
    if (/^fe[89ab][0-9a-f]?:/.test(v6)) return 'may not be in the link-local range (169.254.0.0/16, fe80::/10)';
    if (/^ff02:/.test(v6)) return 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)';
    return undefined;
  }
  const [a, b, c, d] = ip.split('.').map(Number) as [number, number, number, number];
  if (a === 0 && b === 0 && c === 0 && d === 0) return `may not be unspecified (${ip})`;
  if (a === 127) return 'may not be in the loopback range (127.0.0.0/8, ::1/128)';
  if (a === 169 && b === 254) return 'may not be in the link-local range (169.254.0.0/16, fe80::/10)';
  if (a === 224 && b === 0 && c === 0) return 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)';
  return undefined;
}

/** ValidateEndpointIP: an IP by the sloppy parser that is not special; also applied to a Service's new external IPs. */
export function endpointIpErrors(field: string, ip: string): FieldError[] {
  if (!parsesAsIp(ip)) return [invalidField(field, ip, 'must be a valid IP address')];
  const detail = specialIpDetail(ip);
  return detail ? [invalidField(field, ip, detail)] : [];
}

export function endpointsValidate(o: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  list(o.subsets).forEach((subset, i) => {
    for (const key of ['addresses', 'notReadyAddresses']) {
      list(subset[key]).forEach((address, j) => {
        const field = `subsets[${i}].${key}[${j}].ip`;
        const ip = String(address.ip ?? '');
        // Both checks run, so a non-IP is refused twice, each in its own words.
        errors.push(...legacyIpErrors(field, ip), ...endpointIpErrors(field, ip));
      });
    }
  });
  return errors;
}
