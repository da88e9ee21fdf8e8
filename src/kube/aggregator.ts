// APIService (apiregistration.k8s.io/v1): a group/version served by another server, reached
// through this one, as kube-aggregator does. A request under /apis/<group>/<version> whose
// APIService names a Service is proxied over HTTPS to an ExternalName Service's host at the
// APIService's port (as kube-aggregator's ResolveCluster does), or else to the Service's first
// ready endpoint (as kube-apiserver with --enable-aggregator-routing does: there is no service
// network here to reach a cluster IP through).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeApi } from './api.js';
import { KubeApiError } from './status.js';
import type { KubeObject } from './types.js';

interface ApiServiceSpec {
  group?: string;
  version?: string;
  service?: { namespace?: string; name?: string; port?: number };
  insecureSkipTLSVerify?: boolean;
  caBundle?: string;
  groupPriorityMinimum?: number;
  versionPriority?: number;
}

function read(api: KubeApi, plural: string, name: string, namespace?: string): KubeObject | undefined {
  const served = api.builtin(plural === 'apiservices' ? 'apiregistration.k8s.io' : '', plural);
  try {
    return api.get({ served, name, ...(namespace ? { namespace } : {}), query: new URLSearchParams(), userAgentManager: 'kube-aggregator' });
  } catch (error) {
    if (error instanceof KubeApiError && error.code === 404) return undefined;
    throw error;
  }
}

/** The APIService that hands group/version to another server, if any (a local one serves here). */
export function remoteApiService(api: KubeApi, group: string, version: string): KubeObject | undefined {
  const found = read(api, 'apiservices', `${version}.${group}`);
  return (found?.spec as ApiServiceSpec | undefined)?.service ? found : undefined;
}

/** Groups served through APIServices, for /apis. */
export function aggregatedGroups(api: KubeApi): Array<{ group: string; versions: string[] }> {
  const served = api.builtin('apiregistration.k8s.io', 'apiservices');
  const groups = new Map<string, string[]>();
  for (const item of api.list({ served, query: new URLSearchParams(), userAgentManager: 'kube-aggregator' }).items) {
    const spec = item.spec as ApiServiceSpec;
    if (!spec.service || !spec.group || !spec.version) continue;
    groups.set(spec.group, [...(groups.get(spec.group) ?? []), spec.version]);
  }
  return [...groups].map(([group, versions]) => ({ group, versions }));
}

function endpointOf(api: KubeApi, namespace: string, name: string, port: number): { host: string; port: number } | undefined {
  const service = read(api, 'services', name, namespace);
  const serviceSpec = service?.spec as { type?: string; externalName?: string; ports?: Array<{ port: number; targetPort?: number | string; name?: string }> } | undefined;
  if (serviceSpec?.type === 'ExternalName') return serviceSpec.externalName ? { host: serviceSpec.externalName.replace(/\.$/, ''), port } : undefined;
  const endpoints = read(api, 'endpoints', name, namespace);
  const servicePort = (serviceSpec?.ports ?? []).find((p) => p.port === port);
  for (const subset of (endpoints?.subsets ?? []) as Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ port: number; name?: string }> }>) {
    const address = subset.addresses?.[0];
    const target = subset.ports?.find((p) => !servicePort?.name || p.name === servicePort.name) ?? subset.ports?.[0];
    if (address && target) return { host: address.ip, port: target.port };
  }
  return undefined;
}

/** kube-aggregator answers an unreachable APIService with plain text, not a Status. */
function unavailable(res: ServerResponse): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end('service unavailable\n');
}

/** Forwards the request to the APIService's server and streams its answer back. */
export function proxyToApiService(api: KubeApi, apiService: KubeObject, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const spec = apiService.spec as ApiServiceSpec;
  const endpoint = endpointOf(api, spec.service!.namespace ?? 'default', spec.service!.name ?? '', spec.service!.port ?? 443);
  if (!endpoint) return Promise.resolve(unavailable(res));
  const { host, port } = endpoint;
  const ca = spec.caBundle ? Buffer.from(spec.caBundle, 'base64').toString('utf8') : undefined;
  return new Promise((resolve) => {
    const headers = { ...req.headers };
    // The caller's credentials are for this server; the aggregated one gets the request without them.
    delete headers.authorization;
    headers.host = `${host}:${port}`;
    const upstream = httpsRequest(
      { host, port, method: req.method, path: req.url, headers, rejectUnauthorized: !spec.insecureSkipTLSVerify, ...(ca ? { ca, servername: `${spec.service!.name}.${spec.service!.namespace}.svc` } : {}) },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once('end', () => resolve());
        answer.once('error', () => resolve());
      },
    );
    upstream.once('error', () => {
      unavailable(res);
      resolve();
    });
    req.pipe(upstream);
  });
}
