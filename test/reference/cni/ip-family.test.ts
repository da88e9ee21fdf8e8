// ipFamily answers as node:net's isIP for the addresses a CNI config carries.
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ipFamily } from '../../../src/reference/cni/ip-family.js';

const samples = [
  '198.18.0.1', '0.0.0.0', '255.255.255.255', '256.0.0.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.4/24', ' 1.2.3.4', '1..2.3',
  '::', '::1', 'fd00:c0f:1::1', 'fd00:c0f:1::', '2001:db8::2:1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '12345::1',
  '::ffff:198.18.0.1', '::ffff:1.2.3', '::ffff:01.2.3.4', '1:2:3:4:5:6:1.2.3.4', 'fe80::1/64', 'g::1', 'FD00:C0F:1::1', ':1', '1:', '',
  'example.com', '[::1]', '1.2.3.4:80',
];

describe('ipFamily', () => {
  it.each(samples)('%j as node:net isIP', (text) => {
    expect(ipFamily(text)).toBe(isIP(text));
  });
});
