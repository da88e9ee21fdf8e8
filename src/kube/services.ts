// Services as kube-apiserver treats them: decode-time defaults, validation, the cluster IP and
// node port allocators of a single-stack IPv4 cluster (service range 10.96.0.0/12, node ports
// 30000-32767), and load balancer status rules. Allocation reads the stored services instead of
// keeping bitmaps, so deleting a service frees what it held with nothing to release.
import {
  dns1123Label,
  dns1123Subdomain,
  duplicate,
  forbidden,
  invalidField,
  isObject,
  legacyCidrErrors,
  legacyIpErrors,
  list,
  notSupported,
  parsesAsIp,
  record,
  required,
  setDefault,
  setDefaultPointer,
  strings,
  type Obj,
} from './field-rules.js';
import { endpointIpErrors } from './endpoints.js';
import { invalid, KubeApiError, type FieldError } from './status.js';
import type { KubeObject } from './types.js';

const SERVICE_CIDR = '10.96.0.0/12';
const NODE_PORTS = { min: 30000, max: 32767 };
const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

const specOf = (svc: KubeObject): Obj => record(svc, 'spec');
const portsOf = (svc: KubeObject): Obj[] => list(specOf(svc).ports);
const needsClusterIP = (spec: Obj) => spec.type !== 'ExternalName';
const needsNodePort = (spec: Obj) => spec.type === 'NodePort' || spec.type === 'LoadBalancer';
const needsHealthCheck = (spec: Obj) => spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
const headless = (spec: Obj) => spec.clusterIP === 'None';

/** SetDefaults_Service: run on every decoded body, status writes included. */
export function serviceDefaults(svc: KubeObject): void {
  const spec = specOf(svc);
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && (path3(spec, 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds') ?? null) === null) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  setDefault(spec, 'type', 'ClusterIP');
  for (const port of portsOf(svc)) {
    setDefault(port, 'protocol', 'TCP');
    if (port.targetPort === 0 || port.targetPort === '' || port.targetPort === undefined) port.targetPort = port.port;
  }
  if ((spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0))) {
    setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  }
  if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type as string)) setDefaultPointer(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') {
    setDefaultPointer(spec, 'allocateLoadBalancerNodePorts', true);
    // LoadBalancerIPMode is GA in 1.32: an ingress IP without a mode is a VIP.
    for (const ingress of list(path3(svc, 'status', 'loadBalancer', 'ingress'))) {
      if (ingress.ip && (ingress.ipMode === undefined || ingress.ipMode === null)) ingress.ipMode = 'VIP';
    }
  }
  // kube-apiserver drops this on read for ExternalName services (it once defaulted it there).
  if (spec.type === 'ExternalName') delete spec.internalTrafficPolicy;
}

function path3(obj: unknown, a: string, b: string, c: string): unknown {
  const x = isObject(obj) ? obj[a] : undefined;
  const y = isObject(x) ? x[b] : undefined;
  return isObject(y) ? y[c] : undefined;
}

/** PrepareForCreate: status starts empty. */
export function servicePrepareCreate(svc: KubeObject): void {
  svc.status = { loadBalancer: {} };
  syncClusterIPs(specOf(svc));
}

function syncClusterIPs(spec: Obj): void {
  const ips = Array.isArray(spec.clusterIPs) ? (spec.clusterIPs as string[]) : [];
  if (spec.clusterIP && ips.length === 0) spec.clusterIPs = [spec.clusterIP];
  else if (!spec.clusterIP && ips.length > 0) spec.clusterIP = ips[0];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const nodePortsOf = (spec: Obj) => list(spec.ports).map((p) => Number(p.nodePort ?? 0)).filter((n) => n !== 0);

/** PrepareForUpdate: values the client left out are kept, fields the new type does not use are wiped (dropTypeDependentFields, patchAllocatedValues). */
export function servicePrepareUpdate(next: KubeObject, old: KubeObject): void {
  const spec = specOf(next);
  const before = specOf(old);
  if (needsClusterIP(before) && !needsClusterIP(spec)) {
    if (same(spec.clusterIP, before.clusterIP) && same(spec.clusterIPs, before.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(spec.ipFamilies, before.ipFamilies)) delete spec.ipFamilies;
    if (same(spec.ipFamilyPolicy, before.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(before) && !needsNodePort(spec) && same(nodePortsOf(spec), nodePortsOf(before))) {
    for (const port of list(spec.ports)) delete port.nodePort;
  }
  if (needsHealthCheck(before) && !needsHealthCheck(spec) && same(spec.healthCheckNodePort, before.healthCheckNodePort)) delete spec.healthCheckNodePort;
  if (before.type === 'LoadBalancer' && spec.type !== 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts === before.allocateLoadBalancerNodePorts) {
    delete spec.allocateLoadBalancerNodePorts;
  }
  if (before.type === 'LoadBalancer' && spec.type !== 'LoadBalancer' && spec.loadBalancerClass !== undefined && spec.loadBalancerClass === before.loadBalancerClass) delete spec.loadBalancerClass;
  const accessible = (s: Obj) => s.type === 'LoadBalancer' || s.type === 'NodePort' || (s.type === 'ClusterIP' && Array.isArray(s.externalIPs) && s.externalIPs.length > 0);
  if (accessible(before) && !accessible(spec) && spec.externalTrafficPolicy === before.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  // The load balancer status goes with the type.
  if (spec.type !== 'LoadBalancer') next.status = { loadBalancer: {} };
  if (needsClusterIP(before) && needsClusterIP(spec)) {
    if (!spec.clusterIP) spec.clusterIP = before.clusterIP;
    if (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) spec.clusterIPs = before.clusterIPs;
  }
  if (needsNodePort(before) && needsNodePort(spec)) {
    const used = new Set(nodePortsOf(before).filter((n) => nodePortsOf(spec).includes(n)));
    const byName = new Map(list(before.ports).map((p) => [String(p.name ?? ''), Number(p.nodePort ?? 0)]));
    for (const port of list(spec.ports)) {
      const old = byName.get(String(port.name ?? '')) ?? 0;
      if (!port.nodePort && old !== 0 && !used.has(old)) port.nodePort = old;
    }
  }
  if (needsHealthCheck(before) && needsHealthCheck(spec) && !spec.healthCheckNodePort) spec.healthCheckNodePort = before.healthCheckNodePort;
  syncClusterIPs(spec);
}

function validatePort(port: Obj, i: number, requireName: boolean, names: Set<string>): FieldError[] {
  const at = `spec.ports[${i}]`;
  const errors: FieldError[] = [];
  const name = String(port.name ?? '');
  if (requireName && name === '') errors.push(required(`${at}.name`));
  else if (name !== '') {
    for (const msg of dns1123Label(name)) errors.push(invalidField(`${at}.name`, name, msg));
    if (names.has(name)) errors.push(duplicate(`${at}.name`, name));
    names.add(name);
  }
  const number = Number(port.port ?? 0);
  if (number < 1 || number > 65535) errors.push(invalidField(`${at}.port`, number, 'must be between 1 and 65535, inclusive'));
  if (!port.protocol) errors.push(required(`${at}.protocol`));
  else if (!PROTOCOLS.includes(port.protocol as string)) errors.push(notSupported(`${at}.protocol`, port.protocol, PROTOCOLS));
  const target = port.targetPort;
  if (typeof target === 'number' && (target < 1 || target > 65535)) errors.push(invalidField(`${at}.targetPort`, target, 'must be between 1 and 65535, inclusive'));
  return errors;
}

/** ValidateService (create and update), without the dual-stack and traffic-distribution rules. */
export function serviceValidate(svc: KubeObject, old?: KubeObject): FieldError[] {
  const spec = specOf(svc);
  const before = old ? specOf(old) : {};
  const errors: FieldError[] = [];
  const ports = portsOf(svc);
  const isHeadless = headless(spec);
  if (ports.length === 0 && !isHeadless && spec.type !== 'ExternalName') errors.push(required('spec.ports'));
  const ips = Array.isArray(spec.clusterIPs) ? (spec.clusterIPs as string[]) : [];
  if (spec.type === 'LoadBalancer') {
    if (isHeadless) errors.push(invalidField('spec.clusterIPs[0]', ips[0], "may not be set to 'None' for LoadBalancer services"));
  } else if (spec.type === 'NodePort' && isHeadless) {
    errors.push(invalidField('spec.clusterIPs[0]', ips[0], "may not be set to 'None' for NodePort services"));
  } else if (spec.type === 'ExternalName') {
    if (ips.length > 0) errors.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (Array.isArray(spec.ipFamilies) && spec.ipFamilies.length > 0) errors.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) errors.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = String(spec.externalName ?? '').replace(/\.$/, '');
    if (cname === '') errors.push(required('spec.externalName'));
    else for (const msg of dns1123Subdomain(cname)) errors.push(invalidField('spec.externalName', cname, msg));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errors.push(...validatePort(p, i, ports.length > 1, names)));
  if (!spec.sessionAffinity) errors.push(required('spec.sessionAffinity'));
  else if (!['ClientIP', 'None'].includes(spec.sessionAffinity as string)) errors.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  if (spec.type !== 'ExternalName') {
    if (spec.clusterIP) {
      if (ips.length === 0) errors.push(required('spec.clusterIPs'));
      else if (ips[0] !== spec.clusterIP) errors.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', detail: 'first value must match `clusterIP`', value: ips });
    } else if (ips.length > 0) errors.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', detail: 'must be empty when `clusterIP` is not specified', value: ips });
    ips.forEach((ip, i) => {
      if (!(i === 0 && ip === 'None')) errors.push(...legacyIpErrors(`spec.clusterIPs[${i}]`, ip, strings(before.clusterIPs)));
    });
  }
  // New external IPs must also be routable (ValidateEndpointIP, for historical reasons).
  strings(spec.externalIPs).forEach((ip, i) => {
    const ipErrors = legacyIpErrors(`spec.externalIPs[${i}]`, ip, strings(before.externalIPs));
    errors.push(...(ipErrors.length > 0 ? ipErrors : endpointIpErrors(`spec.externalIPs[${i}]`, ip)));
  });
  if (!spec.type) errors.push(required('spec.type'));
  else if (!TYPES.includes(spec.type as string)) errors.push(notSupported('spec.type', spec.type, TYPES));
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errors.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const seenNodePorts = new Set<string>();
  const seenPorts = new Set<string>();
  ports.forEach((p, i) => {
    if (p.nodePort) {
      const key = `${String(p.protocol)}/${String(p.nodePort)}`;
      if (seenNodePorts.has(key)) errors.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
      seenNodePorts.add(key);
    }
    const key = `${String(p.protocol)}/${String(p.port)}`;
    if (seenPorts.has(key)) errors.push(duplicate(`spec.ports[${i}]`, { port: p.port, protocol: p.protocol }));
    seenPorts.add(key);
  });
  const ranges = (spec.loadBalancerSourceRanges ?? []) as string[];
  if (ranges.length > 0) {
    if (spec.type !== 'LoadBalancer') errors.push(forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
    const existing = strings(before.loadBalancerSourceRanges).map((r) => r.trim());
    ranges.forEach((r, i) => errors.push(...legacyCidrErrors(`spec.LoadBalancerSourceRanges[${i}]`, String(r).trim(), existing)));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts !== null && spec.type !== 'LoadBalancer') {
    errors.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  return errors;
}

/** ValidateServiceUpdate's extra rules: cluster IPs do not change once set (single stack). */
export function serviceValidateUpdate(old: KubeObject, next: KubeObject): FieldError[] {
  const before = specOf(old);
  const spec = specOf(next);
  if (spec.type === 'ExternalName' || before.type === 'ExternalName' || (headless(before) && headless(spec))) return [];
  const was = (before.clusterIPs ?? []) as string[];
  const now = (spec.clusterIPs ?? []) as string[];
  if (was.length > 0 && now.length === 0) return [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', detail: 'primary clusterIP can not be unset', value: spec.clusterIPs ?? null }];
  if (was.length > 0 && now[0] !== was[0]) return [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', detail: 'may not change once set', value: now }];
  return [];
}

/** ValidateLoadBalancerStatus, on writes to services/status; ingress IPs the old status held stay valid. */
export function serviceValidateStatus(svc: KubeObject, old?: KubeObject): FieldError[] {
  const spec = specOf(svc);
  const ingress = list(path3(svc, 'status', 'loadBalancer', 'ingress'));
  const existing = (old ? list(path3(old, 'status', 'loadBalancer', 'ingress')) : []).map((e) => String(e.ip ?? '')).filter((ip) => ip !== '');
  if (spec.type !== 'LoadBalancer' && ingress.length > 0) return [forbidden('status.loadBalancer.ingress', "may only be used when `spec.type` is 'LoadBalancer'")];
  const errors: FieldError[] = [];
  ingress.forEach((entry, i) => {
    const at = `status.loadBalancer.ingress[${i}]`;
    const ip = String(entry.ip ?? '');
    const hostname = String(entry.hostname ?? '');
    if (ip !== '') errors.push(...legacyIpErrors(`${at}.ip`, ip, existing));
    const mode = entry.ipMode;
    if (mode === undefined || mode === null) {
      if (ip !== '') errors.push(required(`${at}.ipMode`, 'must be specified when `ip` is set'));
    } else if (ip === '') errors.push(forbidden(`${at}.ipMode`, 'may not be specified when `ip` is not set'));
    else if (!['Proxy', 'VIP'].includes(mode as string)) errors.push(notSupported(`${at}.ipMode`, mode, ['Proxy', 'VIP']));
    if (hostname !== '') {
      for (const msg of dns1123Subdomain(hostname)) errors.push(invalidField(`${at}.hostname`, hostname, msg));
      if (parsesAsIp(hostname)) errors.push(invalidField(`${at}.hostname`, hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errors;
}

// ---- allocation ------------------------------------------------------------------------------

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

const [rangeBase, rangeBits] = SERVICE_CIDR.split('/') as [string, string];
const FIRST_IP = ipToNumber(rangeBase);
const LAST_IP = FIRST_IP + 2 ** (32 - Number(rangeBits)) - 1;

/** Hands out cluster IPs and node ports, skipping what `peers` (the other stored services) hold. */
export class ServiceAllocator {
  // Start above 10.96.0.1 (the "kubernetes" service) and move on after each allocation, as a
  // real allocator's random choice would rarely reuse a just-freed value.
  private nextIp = FIRST_IP + 10;
  private nextPort = NODE_PORTS.min;

  allocate(svc: KubeObject, old: KubeObject | undefined, peers: Iterable<KubeObject>): void {
    const spec = specOf(svc);
    const name = svc.metadata.name ?? '';
    const others = [...peers].filter((p) => !(p.metadata.namespace === svc.metadata.namespace && p.metadata.name === name));
    const usedIps = new Set(others.flatMap((p) => (specOf(p).clusterIPs ?? []) as string[]));
    const usedPorts = new Set(others.flatMap((p) => [...nodePortsOf(specOf(p)), Number(specOf(p).healthCheckNodePort ?? 0)].filter((n) => n !== 0)));
    const fail = (errors: FieldError[]): never => {
      throw invalid('Service', '', name, errors);
    };
    if (spec.type !== 'ExternalName') {
      const before = old ? specOf(old) : undefined;
      if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) {
        if (before?.ipFamilyPolicy) spec.ipFamilyPolicy = before.ipFamilyPolicy;
        else spec.ipFamilyPolicy = headless(spec) && !hasSelector(spec) ? 'RequireDualStack' : 'SingleStack';
      }
      const ips = (spec.clusterIPs ?? []) as string[];
      const errors: FieldError[] = [];
      // Families follow the given cluster IPs; this cluster has only IPv4.
      const families = Array.isArray(spec.ipFamilies) ? (spec.ipFamilies as string[]) : [];
      ips.forEach((ip, i) => {
        if (ip === 'None' || i < families.length) return;
        if (ip.includes(':')) errors.push({ type: 'FieldValueInvalid', field: `spec.clusterIPs[${i}]`, detail: 'IPv6 is not configured on this cluster', value: ips });
        else families.push('IPv4');
      });
      if (errors.length > 0) fail(errors);
      if (families.length > 0) spec.ipFamilies = families;
      if (headless(spec) && !hasSelector(spec)) {
        if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = ['IPv4'];
        const families = spec.ipFamilies as string[];
        if (families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
      } else {
        if (spec.ipFamilyPolicy === 'RequireDualStack') errors.push(invalidField('spec.ipFamilyPolicy', spec.ipFamilyPolicy, 'this cluster is not configured for dual-stack services'));
        ((spec.ipFamilies ?? []) as string[]).forEach((family, i) => {
          if (family !== 'IPv4') errors.push(invalidField(`spec.ipFamilies[${i}]`, family, 'not configured on this cluster'));
        });
        if (errors.length > 0) fail(errors);
        if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = ['IPv4'];
        if (!headless(spec)) this.clusterIp(spec, before, usedIps, fail);
      }
    }
    this.nodePorts(svc, old, usedPorts, fail);
  }

  private clusterIp(spec: Obj, before: Obj | undefined, used: Set<string>, fail: (e: FieldError[]) => never): void {
    const requested = spec.clusterIP ? String(spec.clusterIP) : '';
    if (requested === '') {
      const ip = this.nextFreeIp(used);
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
      return;
    }
    if (before && before.clusterIP === requested) return;
    const n = ipToNumber(requested);
    let why = '';
    // 1.37's allocator looks for the ServiceCIDR holding the IP, whose network and broadcast addresses do not count.
    if (!(n > FIRST_IP && n < LAST_IP)) why = 'the provided network does not match the current range';
    else if (used.has(requested)) why = 'provided IP is already allocated';
    if (why) fail([{ type: 'FieldValueInvalid', field: 'spec.clusterIPs', detail: `failed to allocate IP ${requested}: ${why}`, value: Array.isArray(spec.clusterIPs) ? spec.clusterIPs : null }]);
  }

  private nextFreeIp(used: Set<string>): string {
    for (let tries = 0; tries < LAST_IP - FIRST_IP; tries++) {
      if (this.nextIp >= LAST_IP) this.nextIp = FIRST_IP + 1;
      const ip = numberToIp(this.nextIp++);
      if (!used.has(ip)) return ip;
    }
    throw new KubeApiError(500, 'InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full');
  }

  private nextFreePort(used: Set<number>): number {
    for (let tries = 0; tries <= NODE_PORTS.max - NODE_PORTS.min; tries++) {
      const port = this.nextPort;
      this.nextPort = port >= NODE_PORTS.max ? NODE_PORTS.min : port + 1;
      if (!used.has(port)) {
        used.add(port);
        return port;
      }
    }
    throw new KubeApiError(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
  }

  private claim(port: number, used: Set<number>): string | undefined {
    if (port < NODE_PORTS.min || port > NODE_PORTS.max) return `provided port is not in the valid range. The range of valid ports is ${NODE_PORTS.min}-${NODE_PORTS.max}`;
    if (used.has(port)) return 'provided port is already allocated';
    used.add(port);
    return undefined;
  }

  private nodePorts(svc: KubeObject, old: KubeObject | undefined, used: Set<number>, fail: (e: FieldError[]) => never): void {
    const spec = specOf(svc);
    const allocate = spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
    const held = new Set(old ? nodePortsOf(specOf(old)) : []);
    const byPort = new Map<number, number>();
    const ports = list(spec.ports);
    ports.forEach((port, i) => {
      if (!port.nodePort && !allocate) return;
      if (!old) {
        // Ports with the same number (TCP and UDP 53) share one node port.
        const shared = byPort.get(Number(port.port));
        if (shared !== undefined && (!port.nodePort || port.nodePort === shared)) {
          port.nodePort = shared;
          return;
        }
        const requested = Number(port.nodePort ?? 0) || Number(ports.find((p) => p.port === port.port && p.nodePort)?.nodePort ?? 0);
        if (requested) {
          const why = this.claim(requested, used);
          if (why) fail([invalidField(`spec.ports[${i}].nodePort`, requested, why)]);
          port.nodePort = requested;
        } else port.nodePort = this.nextFreePort(used);
        byPort.set(Number(port.port), Number(port.nodePort));
        return;
      }
      const requested = Number(port.nodePort ?? 0);
      if (requested) {
        if (!held.has(requested)) {
          const why = this.claim(requested, used);
          if (why) fail([invalidField(`spec.ports[${i}].nodePort`, requested, why)]);
        }
      } else port.nodePort = this.nextFreePort(used);
    });
    if (needsHealthCheck(spec)) {
      const had = old && needsHealthCheck(specOf(old)) ? Number(specOf(old).healthCheckNodePort ?? 0) : 0;
      const requested = Number(spec.healthCheckNodePort ?? 0);
      if (!requested) spec.healthCheckNodePort = this.nextFreePort(used);
      else if (requested !== had) {
        const why = this.claim(requested, used);
        if (why) throw new KubeApiError(500, 'InternalError', `Internal error occurred: failed to allocate requested HealthCheck NodePort ${requested}: ${why}`);
      }
    }
  }
}

function hasSelector(spec: Obj): boolean {
  return isObject(spec.selector) && Object.keys(spec.selector).length > 0;
}
