// The reference chained plugin (type conformal-ref-meta): runs after conformal-ref in a list, takes
// the prevResult, adds its configured DNS settings and passes everything else through. It creates
// nothing, so DEL, GC and STATUS succeed; CHECK verifies its DNS entries are still in prevResult.
import { atLeast } from '../../interfaces/cni/versions.js';
import { fromAnyVersion, toVersion, type Dns } from './results.js';
import { CniError, Code, versionAnswer, type Request } from './skel.js';

function configuredDns(request: Request): Dns {
  const dns = request.config.dns as Dns | undefined;
  return { nameservers: [...(dns?.nameservers ?? [])], ...(dns?.search ? { search: [...dns.search] } : {}) };
}

function chainedPrevResult(request: Request) {
  if (!atLeast(request.cniVersion, '0.3.0')) throw new CniError(Code.IncompatibleVersion, `a chained plugin needs version 0.3.0 or later, got ${request.cniVersion}`);
  if (request.config.prevResult === undefined) throw new CniError(Code.InvalidConfig, 'conformal-ref-meta must follow another plugin: no prevResult');
  return fromAnyVersion(request.config.prevResult);
}

export async function metaMain(request: Request): Promise<unknown> {
  switch (request.command) {
    case 'VERSION':
      return versionAnswer(request);
    case 'ADD': {
      const prev = chainedPrevResult(request);
      const ours = configuredDns(request);
      if (request.fault === 'chain-drops-prev-result') return toVersion({ interfaces: [], ips: [], routes: [], dns: ours }, request.cniVersion);
      const nameservers = [...new Set([...(prev.dns?.nameservers ?? []), ...(ours.nameservers ?? [])])];
      const routes = request.fault === 'chain-drops-routes' ? [] : prev.routes;
      return toVersion({ ...prev, routes, dns: { ...prev.dns, ...ours, nameservers } }, request.cniVersion);
    }
    case 'CHECK': {
      const prev = chainedPrevResult(request);
      for (const server of configuredDns(request).nameservers ?? []) {
        if (!prev.dns?.nameservers?.includes(server)) throw new CniError(Code.CheckFailed, `prevResult lost nameserver ${server} that conformal-ref-meta added`);
      }
      return undefined;
    }
    case 'DEL':
    case 'GC':
    case 'STATUS':
      return undefined;
  }
}
