// Result conversion for the reference plugins: they work on one internal shape (1.1.0) and
// print exactly the requested version's shape; prevResults of any version are read back.
import { ipFamily } from './ip-family.js';
import { resultFamily } from '../../interfaces/cni/versions.js';

export interface Iface {
  name: string;
  mac?: string;
  sandbox?: string;
  mtu?: number;
}
export interface IpConfig {
  interface?: number;
  address: string;
  gateway?: string;
}
export interface Route {
  dst: string;
  gw?: string;
}
export interface Dns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}
export interface Result {
  interfaces: Iface[];
  ips: IpConfig[];
  routes: Route[];
  dns?: Dns;
}

export const emptyResult = (): Result => ({ interfaces: [], ips: [], routes: [] });

const familyOf = (cidr: string): 4 | 6 => (ipFamily(cidr.split('/')[0] ?? '') === 6 ? 6 : 4);
const dropEmpty = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The result in exactly `version`'s shape. */
export function toVersion(result: Result, version: string): Record<string, unknown> {
  const family = resultFamily(version);
  if (family === 'legacy') {
    const legacyIp = (f: 4 | 6) => {
      const ip = result.ips.find((i) => familyOf(i.address) === f);
      if (!ip) return undefined;
      const routes = result.routes.filter((r) => familyOf(r.dst) === f).map((r) => dropEmpty({ dst: r.dst, gw: r.gw }));
      return dropEmpty({ ip: ip.address, gateway: ip.gateway, routes: routes.length ? routes : undefined });
    };
    return dropEmpty({ cniVersion: version, ip4: legacyIp(4), ip6: legacyIp(6), dns: result.dns });
  }
  const with11 = version === '1.1.0';
  const interfaces = result.interfaces.map((i) => dropEmpty({ name: i.name, mac: i.mac, sandbox: i.sandbox, mtu: with11 ? i.mtu : undefined }));
  const ips = result.ips.map((ip) => dropEmpty({ version: family === 'v04' ? String(familyOf(ip.address)) : undefined, interface: ip.interface, address: ip.address, gateway: ip.gateway }));
  const routes = result.routes.map((r) => dropEmpty({ dst: r.dst, gw: r.gw }));
  return dropEmpty({
    cniVersion: version,
    interfaces: interfaces.length ? interfaces : undefined,
    ips: ips.length ? ips : undefined,
    routes: routes.length ? routes : undefined,
    dns: result.dns,
  });
}

type Loose = Record<string, any>;

/** Reads a result of any version (a prevResult or a delegate's answer) into the internal shape. */
export function fromAnyVersion(value: unknown): Result {
  if (typeof value !== 'object' || value === null) return emptyResult();
  const r = value as Loose;
  if (r.ip4 || r.ip6) {
    const out = emptyResult();
    for (const key of ['ip4', 'ip6']) {
      const ip = r[key] as Loose | undefined;
      if (!ip?.ip) continue;
      out.ips.push(dropEmpty({ address: String(ip.ip), gateway: ip.gateway }));
      for (const route of (ip.routes ?? []) as Loose[]) out.routes.push(dropEmpty({ dst: String(route.dst), gw: route.gw }));
    }
    if (r.dns) out.dns = r.dns;
    return out;
  }
  return {
    interfaces: ((r.interfaces ?? []) as Loose[]).map((i) => dropEmpty({ name: String(i.name), mac: i.mac, sandbox: i.sandbox, mtu: i.mtu })),
    ips: ((r.ips ?? []) as Loose[]).map((i) => dropEmpty({ interface: i.interface, address: String(i.address), gateway: i.gateway })),
    routes: ((r.routes ?? []) as Loose[]).map((x) => dropEmpty({ dst: String(x.dst), gw: x.gw })),
    ...(r.dns ? { dns: r.dns as Dns } : {}),
  };
}
