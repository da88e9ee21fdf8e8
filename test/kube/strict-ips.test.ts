// The strict IP and CIDR rules of Kubernetes 1.37 (StrictIPCIDRValidation), including what the
// differential scenarios cannot reach on a real server: values an object held before the update,
// which stay valid even where the strict rules would refuse them now.
import { describe, expect, it } from 'vitest';
import { legacyCidrErrors, legacyIpErrors } from '../../src/kube/field-rules.js';

const NOT_AN_IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const NOT_A_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
const LEADING_ZEROS_CIDR = 'must not have leading 0s in IP or prefix length';
const HOST_BITS = 'must not have bits set beyond the prefix length';

const rules = { ip: legacyIpErrors, cidr: legacyCidrErrors };

// [rule, value, values the old object held, the details expected (none: accepted)]
const cases: [keyof typeof rules, string, string[], string[]][] = [
  ['ip', '192.0.2.1', [], []],
  ['ip', '2001:db8::1', [], []],
  ['ip', '010.0.0.1', [], ['must not have leading 0s']],
  ['ip', '::ffff:192.0.2.1', [], ['must not be an IPv4-mapped IPv6 address']],
  ['ip', 'pod-a', [], [NOT_AN_IP]],
  ['ip', '010.0.0.1', ['010.0.0.1'], []],
  ['ip', '010.0.0.2', ['010.0.0.1'], ['must not have leading 0s']],
  ['cidr', '10.244.0.0/16', [], []],
  ['cidr', 'fd00:1::/64', [], []],
  ['cidr', '010.1.0.0/24', [], [LEADING_ZEROS_CIDR]],
  ['cidr', '10.1.0.0/024', [], [LEADING_ZEROS_CIDR]],
  ['cidr', '::ffff:10.1.0.0/120', [], ['must not have an IPv4-mapped IPv6 address']],
  ['cidr', '10.1.0.5/24', [], [HOST_BITS]],
  ['cidr', 'fd00::1/64', [], [HOST_BITS]],
  ['cidr', '10.1.0.0/33', [], [NOT_A_CIDR]],
  ['cidr', '10.1.0.5/24', ['10.1.0.5/24'], []],
];

describe('strict IPs and CIDRs for legacy fields', () => {
  it.each(cases)('%s %s (old: %j) gives %j', (rule, value, validOld, expected) => {
    expect(rules[rule]('f', value, validOld).map((e) => e.detail)).toEqual(expected);
  });
});
