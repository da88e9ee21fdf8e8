// IPv4 arithmetic for the model's address pools, pod CIDRs and the route controller's cluster-CIDR
// test, plus IPv6-aware parsing of the provided-node-ip annotation (which may name both families).
import { isIP } from 'node:net';

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** An IPv4 CIDR, or undefined when `text` is not one (IPv6 CIDRs included). */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(text.trim());
  if (!m || isIP(m[1]!) !== 4) return undefined;
  const prefix = Number(m[2]);
  if (prefix > 32) return undefined;
  return { base: (ipToInt(m[1]!) & mask(prefix)) >>> 0, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${intToIp(cidr.base)}/${cidr.prefix}`;
}

function lastAddress(cidr: Cidr): number {
  return (cidr.base | ~mask(cidr.prefix)) >>> 0;
}

export function cidrContainsIp(cidr: Cidr, ip: number): boolean {
  return ((ip & mask(cidr.prefix)) >>> 0) === cidr.base;
}

/** The route controller's test: the route's first or last address lies in the cluster CIDR. */
export function cidrTouches(cluster: Cidr, route: Cidr): boolean {
  return cidrContainsIp(cluster, route.base) || cidrContainsIp(cluster, lastAddress(route));
}

/** The index-th subnet of size /newPrefix inside `cidr` (10.244.0.0/16, 24, 1 → 10.244.1.0/24). */
export function subnet(cidr: Cidr, newPrefix: number, index: number): Cidr {
  const size = 2 ** (32 - newPrefix);
  const count = 2 ** (newPrefix - cidr.prefix);
  if (newPrefix < cidr.prefix || index < 0 || index >= count) throw new Error(`no subnet #${index} of /${newPrefix} in ${formatCidr(cidr)}`);
  return { base: (cidr.base + index * size) >>> 0, prefix: newPrefix };
}

/** Hands out host addresses of a CIDR (network and broadcast addresses skipped), lowest free first. */
export class AddressPool {
  private readonly used = new Set<number>();
  private readonly first: number;
  private readonly last: number;

  constructor(cidr: string, skip = 0) {
    const parsed = parseCidr(cidr);
    if (!parsed) throw new Error(`not an IPv4 CIDR: ${cidr}`);
    this.first = parsed.base + 1 + skip;
    this.last = lastAddress(parsed) - 1;
  }

  allocate(): string {
    for (let n = this.first; n <= this.last; n++) {
      if (!this.used.has(n)) {
        this.used.add(n);
        return intToIp(n);
      }
    }
    throw new Error('address pool exhausted');
  }

  release(ip: string): void {
    this.used.delete(ipToInt(ip));
  }
}

/** Canonical text of an IP for comparison (IPv6 zero runs and case differ in writing only). */
export function canonicalIp(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 4) return intToIp(ipToInt(ip));
  if (family !== 6) return undefined;
  try {
    return new URL(`http://[${ip}]/`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * The provided-node-ip annotation: one IP, or two of different families (dual-stack), none of them
 * unspecified. Throws with the reason otherwise, as the kubelet's helper does.
 */
export function parseNodeIpAnnotation(value: string): string[] {
  const ips = value.split(',').map((s) => s.trim());
  if (ips.length > 2) throw new Error(`could not parse "${value}": must contain either a single IP or a dual-stack pair of IPs`);
  const parsed = ips.map((ip) => {
    const canonical = canonicalIp(ip);
    if (!canonical) throw new Error(`could not parse "${value}": "${ip}" is not a valid IP address`);
    if (canonical === '0.0.0.0' || canonical === '[::]') throw new Error(`could not parse "${value}": "${ip}" is unspecified`);
    return canonical;
  });
  if (parsed.length === 2 && isIP(ips[0]!) === isIP(ips[1]!)) {
    throw new Error(`could not parse "${value}": must contain either a single IP or a dual-stack pair of IPs`);
  }
  return parsed;
}
