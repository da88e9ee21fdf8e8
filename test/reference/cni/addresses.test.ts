// Address arithmetic of the reference IPAM.
import { describe, expect, it } from 'vitest';
import { bigIntToIp, contains, hosts, ipToBigInt, parseSubnet } from '../../../src/reference/cni/addresses.js';

describe('reference IPAM addresses', () => {
  it('round-trips IPv4 and IPv6 in their usual printed form', () => {
    for (const ip of ['198.18.0.2', 'fd00:c0f:1::2', '::1', 'fd00:0:1:0:2::3']) expect(bigIntToIp(ipToBigInt(ip), ip.includes(':') ? 6 : 4)).toBe(ip);
  });

  it('lists hosts without the network and broadcast addresses', () => {
    expect([...hosts(parseSubnet('198.18.0.0/30'))]).toEqual(['198.18.0.1', '198.18.0.2']);
  });

  it('tests membership per family', () => {
    const subnet = parseSubnet('198.18.0.0/24');
    expect(contains(subnet, '198.18.0.200')).toBe(true);
    expect(contains(subnet, '198.18.1.1')).toBe(false);
    expect(contains(subnet, 'fd00::1')).toBe(false);
  });

  it('refuses subnets with no room for hosts', () => {
    expect(() => parseSubnet('198.18.0.0/31')).toThrow(/too small/);
    expect(() => parseSubnet('nonsense/8')).toThrow(/invalid subnet/);
  });
});
