// Pod CIDRs for the nodes the suite registers: /24s of the cluster CIDR taken from its top end,
// where a cluster's own allocator (which starts at the bottom) is least likely to be.
import { UsageError } from '../../core/errors.js';

export function podCidrAllocator(clusterCidr: string): () => string {
  const [address, prefixText] = clusterCidr.split('/');
  const prefix = Number(prefixText);
  const octets = address!.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255) || !(prefix >= 8 && prefix <= 24)) {
    throw new UsageError(`--cluster-cidr must be an IPv4 CIDR with a prefix of /8 to /24, got "${clusterCidr}"`, { field: '--cluster-cidr' });
  }
  const base = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8)) >>> 0;
  const network = (base & (prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0)) >>> 0;
  const count = 2 ** (24 - prefix);
  let used = 0;
  return () => {
    if (used >= count) throw new UsageError(`--cluster-cidr ${clusterCidr} has no /24 left for another test node`, { field: '--cluster-cidr' });
    used++;
    const value = (network + (count - used) * 256) >>> 0;
    return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.0/24`;
  };
}

/** True when `cidr` (a.b.c.d/n) lies inside `outer`. */
export function cidrInside(cidr: string, outer: string): boolean {
  const parse = (text: string) => {
    const [a, p] = text.split('/');
    const n = a!.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
    return { n, p: Number(p) };
  };
  const inner = parse(cidr);
  const out = parse(outer);
  if (inner.p < out.p) return false;
  const mask = out.p === 0 ? 0 : (~0 << (32 - out.p)) >>> 0;
  return ((inner.n & mask) >>> 0) === ((out.n & mask) >>> 0);
}
