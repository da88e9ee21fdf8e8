// The reference IPAM plugin (type conformal-ref-ipam): allocates one address per configured range
// for each (containerID, ifname), honours requested addresses (runtimeConfig.ips or CNI_ARGS IP=),
// releases on DEL, verifies on CHECK, reclaims unlisted attachments on GC, reports STATUS.
import { AllocationStore, sameOwner, type Allocations, type Owner } from './ipam-store.js';
import { contains, hosts, parseSubnet, type Subnet } from './addresses.js';
import { fromAnyVersion, toVersion, type Result, type Route } from './results.js';
import { validAttachments } from './gc-request.js';
import { CniError, Code, versionAnswer, type Request } from './skel.js';

interface RangeConfig {
  readonly subnet: Subnet;
  readonly cidr: string;
  readonly gateway?: string;
}

interface IpamConfig {
  readonly dataDir: string;
  readonly ranges: readonly RangeConfig[];
  readonly routes: readonly Route[];
}

function ipamConfig(request: Request): IpamConfig {
  const ipam = request.config.ipam as Record<string, unknown> | undefined;
  if (!ipam || typeof ipam !== 'object') throw new CniError(Code.InvalidConfig, 'missing "ipam" section');
  if (typeof ipam.dataDir !== 'string' || ipam.dataDir === '') throw new CniError(Code.InvalidConfig, 'ipam.dataDir must name a directory');
  const rawRanges = ipam.ranges;
  if (!Array.isArray(rawRanges) || rawRanges.length === 0) throw new CniError(Code.InvalidConfig, 'ipam.ranges must be a non-empty list of {subnet, gateway?}');
  const ranges = rawRanges.map((r: Record<string, unknown>, i) => {
    try {
      const subnet = parseSubnet(String(r.subnet));
      return { subnet, cidr: String(r.subnet), ...(typeof r.gateway === 'string' ? { gateway: r.gateway } : {}) };
    } catch (error) {
      throw new CniError(Code.InvalidConfig, `ipam.ranges[${i}].subnet: ${(error as Error).message}`);
    }
  });
  const routes = Array.isArray(ipam.routes) ? (ipam.routes as Route[]) : [];
  return { dataDir: ipam.dataDir, ranges, routes };
}

/** Addresses the runtime asked for: runtimeConfig.ips (capability "ips") or CNI_ARGS IP=a,b. */
function requestedAddresses(request: Request): string[] {
  const runtimeIps = (request.config.runtimeConfig as Record<string, unknown> | undefined)?.ips;
  const fromRuntime = Array.isArray(runtimeIps) ? runtimeIps.map((v) => String(v).split('/')[0]!) : [];
  const fromArgs = request.args
    .split(';')
    .map((kv) => kv.split('='))
    .filter(([key]) => key === 'IP')
    .flatMap(([, value]) => (value ?? '').split(','))
    .filter(Boolean);
  return [...fromRuntime, ...fromArgs];
}

const owner = (request: Request): Owner => ({ containerID: request.containerID, ifname: request.ifname });
const prefixOf = (range: RangeConfig) => `/${range.subnet.prefix}`;

function allocate(allocations: Allocations, range: RangeConfig, who: Owner, requested: readonly string[]): string {
  const existing = Object.entries(allocations).find(([ip, o]) => sameOwner(o, who) && contains(range.subnet, ip));
  const wanted = requested.find((ip) => contains(range.subnet, ip));
  if (existing && (!wanted || wanted === existing[0])) return existing[0];
  if (wanted) {
    const holder = allocations[wanted];
    if (holder && !sameOwner(holder, who)) throw new CniError(Code.AddressUnavailable, `requested address ${wanted} is already allocated to ${holder.containerID}/${holder.ifname}`);
    if (wanted === range.gateway) throw new CniError(Code.AddressUnavailable, `requested address ${wanted} is the gateway of ${range.cidr}`);
    allocations[wanted] = who;
    return wanted;
  }
  for (const ip of hosts(range.subnet)) {
    if (ip === range.gateway || allocations[ip]) continue;
    allocations[ip] = who;
    return ip;
  }
  throw new CniError(Code.AddressUnavailable, `no free address in ${range.cidr}`);
}

function release(allocations: Allocations, keep: (o: Owner) => boolean): void {
  for (const [ip, o] of Object.entries(allocations)) if (!keep(o)) delete allocations[ip];
}

export async function ipamMain(request: Request): Promise<unknown> {
  if (request.command === 'VERSION') return versionAnswer(request);
  const conf = ipamConfig(request);
  const store = new AllocationStore(conf.dataDir, String(request.config.name));
  const unsafe = request.fault === 'ipam-no-lock';
  switch (request.command) {
    case 'ADD': {
      const who = owner(request);
      const requested = requestedAddresses(request);
      const addresses = await store.update((allocations) => conf.ranges.map((range) => allocate(allocations, range, who, requested)), unsafe);
      const result: Result = {
        interfaces: [],
        ips: addresses.map((ip, i) => ({ address: `${ip}${prefixOf(conf.ranges[i]!)}`, ...(conf.ranges[i]!.gateway ? { gateway: conf.ranges[i]!.gateway } : {}) })),
        routes: [...conf.routes],
      };
      return toVersion(result, request.cniVersion);
    }
    case 'DEL':
      if (request.fault !== 'del-keeps-address') await store.update((allocations) => release(allocations, (o) => !sameOwner(o, owner(request))));
      return undefined;
    case 'CHECK': {
      const prev = fromAnyVersion(request.config.prevResult);
      const mine = Object.entries(store.read()).filter(([, o]) => sameOwner(o, owner(request))).map(([ip]) => ip);
      if (mine.length === 0) throw new CniError(Code.CheckFailed, `no address is allocated to ${request.containerID}/${request.ifname}`);
      for (const ip of prev.ips.map((i) => i.address.split('/')[0]!)) {
        if (conf.ranges.some((r) => contains(r.subnet, ip)) && !mine.includes(ip)) throw new CniError(Code.CheckFailed, `address ${ip} in prevResult is not allocated to ${request.containerID}/${request.ifname}`);
      }
      return undefined;
    }
    case 'GC': {
      const valid = validAttachments(request) ?? [];
      await store.update((allocations) => release(allocations, (o) => request.fault !== 'gc-reclaims-listed' && valid.some((v) => sameOwner(v, o))));
      return undefined;
    }
    case 'STATUS': {
      const allocations = store.read();
      const exhausted = conf.ranges.every((range) => {
        for (const ip of hosts(range.subnet)) if (ip !== range.gateway && !allocations[ip]) return false;
        return true;
      });
      if (exhausted) throw new CniError(Code.NotAvailable, 'every address range is exhausted');
      return undefined;
    }
  }
}
