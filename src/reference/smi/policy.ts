// The mesh's decisions, pure: may this identity reach that pod with this request (checked by the
// server-side proxy), and which service does a client send a request for a split service to
// (chosen by the client-side proxy). Faults change one decision each.
import type { SmiFaultName } from './faults.js';
import type { HttpMatch, HTTPRouteGroup, MeshState, PortRoute, TrafficSplit } from './model.js';

export type Faulty = (name: SmiFaultName) => boolean;

export interface Caller {
  namespace: string;
  serviceAccount: string;
}

export interface Call {
  protocol: 'http' | 'tcp' | 'udp';
  port: number;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
}

export function matchesHttp(match: HttpMatch, call: Call, faulty: Faulty): boolean {
  if (match.pathRegex !== undefined && match.pathRegex !== '') {
    const source = faulty('path-regex-unanchored') ? match.pathRegex : `^(?:${match.pathRegex})`;
    if (!new RegExp(source).test(call.path ?? '/')) return false;
  }
  if (match.methods && match.methods.length > 0 && !faulty('methods-ignored')) {
    if (!match.methods.includes('*') && !match.methods.includes((call.method ?? 'GET').toUpperCase())) return false;
  }
  const headers = Object.entries(match.headers ?? {});
  if (headers.length > 0) {
    const fits = ([name, regex]: [string, string]) => {
      const value = call.headers?.[name.toLowerCase()];
      return value !== undefined && new RegExp(`^(?:${regex})$`).test(value);
    };
    if (!(faulty('headers-ored') ? headers.some(fits) : headers.every(fits))) return false;
  }
  return true;
}

function routeGroupAllows(group: HTTPRouteGroup | undefined, names: string[] | undefined, call: Call, faulty: Faulty): boolean {
  if (!group || call.protocol !== 'http') return false;
  const chosen = names && names.length > 0 && !faulty('matches-ignored') ? group.spec.matches.filter((m) => names.includes(m.name)) : group.spec.matches;
  return (faulty('first-match-only') ? chosen.slice(0, 1) : chosen).some((m) => matchesHttp(m, call, faulty));
}

function portRouteAllows(route: PortRoute | undefined, call: Call, ignorePorts: boolean, faulty: Faulty): boolean {
  if (!route) return false;
  const ports = route.spec.matches?.ports ?? [];
  if (ports.length === 0) return !faulty('empty-ports-deny');
  return ignorePorts || ports.includes(call.port);
}

/** Server side: may `caller` reach a pod running as `destination` (namespace/serviceAccount)? */
export function allowed(state: MeshState, caller: Caller, destination: Caller, call: Call, faulty: Faulty): boolean {
  let targets = [...state.targets.values()].filter((t) => t.spec.destination.name === destination.serviceAccount && (t.spec.destination.namespace ?? t.metadata.namespace) === destination.namespace);
  if (targets.length === 0) return faulty('allow-by-default');
  if (faulty('first-target-only')) targets = [...targets].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)).slice(0, 1);
  return targets.some((t) => {
    const ns = t.metadata.namespace ?? '';
    const sourceFits = faulty('sources-ignored') || t.spec.sources.some((s) => s.name === caller.serviceAccount && (faulty('source-namespace-ignored') || (s.namespace ?? ns) === caller.namespace));
    if (!sourceFits) return false;
    return t.spec.rules.some((rule) => {
      if (rule.kind === 'HTTPRouteGroup') return routeGroupAllows(state.routeGroups.get(`${ns}/${rule.name}`), rule.matches, call, faulty);
      if (rule.kind === 'TCPRoute') return call.protocol !== 'udp' && portRouteAllows(state.tcpRoutes.get(`${ns}/${rule.name}`), call, faulty('tcp-ports-ignored'), faulty);
      return call.protocol === 'udp' && portRouteAllows(state.udpRoutes.get(`${ns}/${rule.name}`), call, faulty('udp-ports-ignored'), faulty);
    });
  });
}

/** Smooth weighted round robin (nginx's): exact shares over every full cycle, per client and split. */
export class WeightedPicker {
  private readonly current = new Map<string, Map<string, number>>();

  pick(key: string, backends: Array<{ service: string; weight: number }>): string | undefined {
    const live = backends.filter((b) => b.weight > 0);
    if (live.length === 0) return undefined;
    let state = this.current.get(key);
    if (!state) this.current.set(key, (state = new Map()));
    const total = live.reduce((n, b) => n + b.weight, 0);
    let best: { service: string; weight: number } | undefined;
    for (const b of live) {
      state.set(b.service, (state.get(b.service) ?? 0) + b.weight);
      if (!best || state.get(b.service)! > state.get(best.service)!) best = b;
    }
    state.set(best!.service, state.get(best!.service)! - total);
    return best!.service;
  }
}

/** Client side: the service a request for `service` goes to, after any TrafficSplit. */
export function splitTarget(state: MeshState, namespace: string, service: string, call: Call, clientKey: string, picker: WeightedPicker, faulty: Faulty, counter: () => number): string {
  const split = [...state.splits.values()].find((s) => s.metadata.namespace === namespace && s.spec.service === service);
  if (!split) return service;
  if (split.spec.matches && split.spec.matches.length > 0 && !faulty('ab-fallback-broken')) {
    const fits = split.spec.matches.some((m) => (state.routeGroups.get(`${namespace}/${m.name}`)?.spec.matches ?? []).some((match) => matchesHttp(match, call, faulty)));
    if (!fits) return service;
  }
  const backends = eligibleBackends(state, split, faulty);
  if (faulty('weight-zero-served')) {
    const zero = backends.find((b) => b.weight === 0);
    if (zero && counter() % 20 === 0) return zero.service;
  }
  return picker.pick(`${clientKey}|${namespace}/${split.metadata.name}`, weighted(backends, faulty)) ?? service;
}

function eligibleBackends(state: MeshState, split: TrafficSplit, faulty: Faulty): Array<{ service: string; weight: number }> {
  const ns = split.metadata.namespace ?? '';
  const rootPorts = new Set((state.services.get(`${ns}/${split.spec.service}`)?.spec.ports ?? []).map((p) => p.port));
  return split.spec.backends.filter((b) => faulty('port-mismatch-kept') || (state.services.get(`${ns}/${b.service}`)?.spec.ports ?? []).some((p) => rootPorts.has(p.port)));
}

function weighted(backends: Array<{ service: string; weight: number }>, faulty: Faulty): Array<{ service: string; weight: number }> {
  if (faulty('weights-ignored')) return backends.map((b) => ({ ...b, weight: b.weight > 0 ? 1 : 0 }));
  if (faulty('weights-inverted')) {
    const total = backends.reduce((n, b) => n + b.weight, 0);
    return backends.map((b) => ({ ...b, weight: b.weight > 0 ? total - b.weight : 0 }));
  }
  return backends;
}
