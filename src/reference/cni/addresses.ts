// Address arithmetic for the reference IPAM: IPv4 and IPv6 as BigInt, subnets as CIDR strings.
import { ipFamily } from './ip-family.js';

export interface Subnet {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
  readonly bits: number;
}

export function ipToBigInt(ip: string): bigint {
  if (ipFamily(ip) === 4) return ip.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(Number.parseInt(g || '0', 16)), 0n);
}

export function bigIntToIp(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt((7 - i) * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups, as every tool prints IPv6.
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i };
    i = j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

export function parseSubnet(cidr: string): Subnet {
  const [ip = '', prefixText = ''] = cidr.split('/');
  const family = ipFamily(ip);
  const prefix = Number(prefixText);
  if (family === 0 || !Number.isInteger(prefix)) throw new Error(`invalid subnet ${JSON.stringify(cidr)}`);
  const bits = family === 4 ? 32 : 128;
  if (prefix < 0 || prefix > bits - 2) throw new Error(`subnet ${cidr} is too small`);
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
  return { family: family as 4 | 6, network: ipToBigInt(ip) & mask, prefix, bits };
}

export function contains(subnet: Subnet, ip: string): boolean {
  if (ipFamily(ip) !== subnet.family) return false;
  return ipToBigInt(ip) >> BigInt(subnet.bits - subnet.prefix) === subnet.network >> BigInt(subnet.bits - subnet.prefix);
}

/** Usable host addresses in order: network+1 .. last-1 (IPv4 broadcast excluded; kept simple for IPv6 too). */
export function* hosts(subnet: Subnet): Generator<string> {
  const size = 1n << BigInt(subnet.bits - subnet.prefix);
  for (let offset = 1n; offset < size - 1n; offset++) yield bigIntToIp(subnet.network + offset, subnet.family);
}
