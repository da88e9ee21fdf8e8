import { describe, expect, it } from 'vitest';
import { AddressPool, cidrTouches, formatCidr, parseCidr, parseNodeIpAnnotation, subnet } from '../../../src/reference/cloud/ip.js';

describe('IPv4 CIDRs', () => {
  it('parses to the network address and rejects what is not an IPv4 CIDR', () => {
    expect(formatCidr(parseCidr('10.244.3.7/16')!)).toBe('10.244.0.0/16');
    expect(parseCidr('10.244.0.0/33')).toBeUndefined();
    expect(parseCidr('fd00::/64')).toBeUndefined();
    expect(parseCidr('10.244.0.0')).toBeUndefined();
  });

  it('numbers the subnets of a cluster CIDR', () => {
    const cluster = parseCidr('10.244.0.0/16')!;
    expect(formatCidr(subnet(cluster, 24, 0))).toBe('10.244.0.0/24');
    expect(formatCidr(subnet(cluster, 24, 255))).toBe('10.244.255.0/24');
    expect(() => subnet(cluster, 24, 256)).toThrow(/no subnet #256/);
  });

  it('says a route touches the cluster CIDR when its first or last address lies inside', () => {
    const cluster = parseCidr('10.244.0.0/16')!;
    expect(cidrTouches(cluster, parseCidr('10.244.9.0/24')!)).toBe(true);
    expect(cidrTouches(cluster, parseCidr('10.0.0.0/8')!)).toBe(false);
    expect(cidrTouches(cluster, parseCidr('10.245.0.0/24')!)).toBe(false);
    expect(cidrTouches(parseCidr('10.244.0.0/24')!, parseCidr('10.244.0.128/25')!)).toBe(true);
  });
});

describe('AddressPool', () => {
  it('hands out host addresses lowest first, reuses released ones and runs out', () => {
    const pool = new AddressPool('192.0.2.0/30');
    expect([pool.allocate(), pool.allocate()]).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(() => pool.allocate()).toThrow('address pool exhausted');
    pool.release('192.0.2.1');
    expect(pool.allocate()).toBe('192.0.2.1');
  });
});

describe('the provided-node-ip annotation', () => {
  it('takes one IP or a dual-stack pair', () => {
    expect(parseNodeIpAnnotation('10.0.0.5')).toEqual(['10.0.0.5']);
    expect(parseNodeIpAnnotation('10.0.0.5, fd00::0:5')).toEqual(['10.0.0.5', '[fd00::5]']);
  });

  it('refuses what kubelet refuses', () => {
    expect(() => parseNodeIpAnnotation('not-an-ip')).toThrow(/not a valid IP address/);
    expect(() => parseNodeIpAnnotation('0.0.0.0')).toThrow(/unspecified/);
    expect(() => parseNodeIpAnnotation('10.0.0.1,10.0.0.2')).toThrow(/dual-stack pair/);
    expect(() => parseNodeIpAnnotation('10.0.0.1,fd00::1,fd00::2')).toThrow(/dual-stack pair/);
  });
});
