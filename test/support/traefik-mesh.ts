// Runs Traefik Mesh (github.com/traefik/mesh v1.4.8, built by .ci/setup/82-traefik-mesh.sh) against
// any Kubernetes API server as local processes: the mesh controller, one Traefik v2 proxy as the
// whole data plane, and a small forward proxy standing in for what a cluster gives the mesh (DNS for
// `svc.ns.traefik.mesh` and kube-proxy for the shadow Services that point at the proxy). See
// docs/smi/traefik-mesh.md.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe } from 'vitest';
import { RawKubeClient, type KubeEndpoint } from '../../bench/kube-client.js';
import { startRealApiServer } from '../../bench/kube-real-apiserver.js';
import { deadlineSignal, waitFor } from '../../src/core/deadline.js';
import { HarnessError } from '../../src/core/errors.js';
import { startKubeServer } from '../../src/kube/index.js';
import { kubeconfigYaml } from '../../src/kube/kubeconfig.js';
import { startChild, type Child } from './child.js';
import { freePorts } from '../../bench/free-ports.js';
import { repeatedCiRun, requireTool } from './real-tools.js';

/** The SMI versions Traefik Mesh 1.4 lists and watches (smi-sdk-go v0.4.1). */
export const TRAEFIK_MESH_SMI = {
  access: 'access.smi-spec.io/v1alpha2',
  specs: 'specs.smi-spec.io/v1alpha3',
  split: 'split.smi-spec.io/v1alpha3',
} as const;

/** Entry points the proxy opens; the controller is told the same limits. */
export const HTTP_ENTRYPOINTS = 4;
export const TCP_ENTRYPOINTS = 2;
export const UDP_ENTRYPOINTS = 2;
const MIN_HTTP = 5000;
const MIN_TCP = 10000;
const MIN_UDP = 15000;

export interface TraefikMeshOptions {
  /** CONFORMAL_TRAEFIK_MESH: the controller. */
  readonly meshBinary: string;
  /** CONFORMAL_TRAEFIK: the Traefik v2 proxy. */
  readonly traefikBinary: string;
  /** CONFORMAL_TRAEFIK_MESH_CRDS: a directory of SMI CRD YAML files (upstream's integration-test set). */
  readonly crdDir: string;
  readonly endpoint: KubeEndpoint;
  /** ACL mode: default deny, TrafficTargets allow by source pod IP. */
  readonly acl: boolean;
  /** The namespace the controller keeps its shadow Services in (default traefik-mesh). */
  readonly namespace?: string;
  readonly signal?: AbortSignal;
  /** Bound for CRDs, controller and proxy to become ready (default 90 s). */
  readonly startTimeoutMs?: number;
}

export interface TraefikMesh {
  /**
   * Where pods send mesh traffic: an HTTP forward proxy on 127.0.0.1. A request in proxy form for
   * `http://<svc>.<ns>.traefik.mesh:<port>/…` goes to the Traefik entry point for that Service port,
   * from the caller's own source address (so the ACL sees the calling pod).
   */
  readonly trafficProxy: { host: string; port: number };
  /** The controller's API (configuration, topology, readiness). */
  readonly controllerUrl: string;
  /** The namespace the controller keeps its shadow Services in. */
  readonly namespace: string;
  /** The proxy's entry points ("http-5000", "tcp-10000", "udp-15000" …) and the loopback port each listens on. */
  readonly entrypoints: ReadonlyMap<string, number>;
  /** Traefik's own API (/api/rawdata, /ping). */
  readonly proxyApiUrl: string;
  /** Waits until the proxy runs a configuration for which `accept` holds (it polls the controller). */
  waitForProxyConfig(what: string, accept: (rawdata: ProxyRawData) => boolean, timeoutMs?: number): Promise<ProxyRawData>;
  /** Both processes' output so far (the last 2 MiB each). */
  logs(): string;
  close(): Promise<void>;
}

export interface ProxyRawData {
  routers?: Record<string, { rule?: string; service?: string; middlewares?: string[]; status?: string; entryPoints?: string[] }>;
  services?: Record<string, unknown>;
  middlewares?: Record<string, unknown>;
}

/** The CRDs in `crdDir`, created (an existing one is kept) and waited for until each served version lists. */
export async function installSmiCrds(kube: RawKubeClient, crdDir: string, signal: AbortSignal): Promise<void> {
  const lists: string[] = [];
  for (const file of readdirSync(crdDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(crdDir, file), 'utf8'))) {
      const crd = doc.toJS() as { kind?: string; spec?: { group: string; names: { plural: string }; versions: { name: string; served: boolean }[] } } | null;
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      const res = await kube.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
      // upstream's smi-split.yaml holds the TrafficSplit CRD twice; the second is the same object.
      if (res.code !== 201 && res.code !== 409) throw new HarnessError(`installing a CRD from ${file} answered ${res.code}: ${JSON.stringify(res.body)}`);
      for (const v of crd.spec.versions.filter((x) => x.served)) lists.push(`/apis/${crd.spec.group}/${v.name}/${crd.spec.names.plural}`);
    }
  }
  for (const path of lists) {
    await waitFor(async () => ((await kube.request('GET', path)).code === 200 ? true : undefined), { signal, description: `${path} to be served` });
  }
}

/**
 * Resolves `<svc>.<ns>.traefik.mesh:<port>` (or `.maesh`) to the proxy's entry point for that
 * Service port: the controller gives the i-th port of a Service the entry point http-(5000+i).
 */
async function entrypointFor(kube: RawKubeClient, host: string, port: number, entrypoints: ReadonlyMap<string, number>): Promise<number | string> {
  const match = /^([a-z0-9-]+)\.([a-z0-9-]+)\.(?:traefik\.mesh|maesh)$/.exec(host);
  if (!match) return `${host} is not a mesh name (<service>.<namespace>.traefik.mesh)`;
  const svc = await kube.request('GET', `/api/v1/namespaces/${match[2]}/services/${match[1]}`);
  if (svc.code !== 200) return `Service ${match[2]}/${match[1]} answered ${svc.code}`;
  const ports = (svc.body?.spec?.ports ?? []) as { port: number }[];
  const index = ports.findIndex((p) => p.port === port);
  if (index < 0) return `Service ${match[2]}/${match[1]} has no port ${port}`;
  const listen = entrypoints.get(`http-${MIN_HTTP + index}`);
  return listen ?? `no entry point http-${MIN_HTTP + index}`;
}

/** The forward proxy pods and the Traefik proxy send mesh-name requests to. */
function startTrafficProxy(kube: RawKubeClient, entrypoints: ReadonlyMap<string, number>): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      let target: URL;
      try {
        target = new URL(req.url ?? '');
      } catch {
        res.writeHead(400).end('conformal traffic proxy: only proxy-form requests (http://svc.ns.traefik.mesh/...)');
        return;
      }
      const entry = await entrypointFor(kube, target.hostname, Number(target.port || 80), entrypoints);
      if (typeof entry === 'string') {
        res.writeHead(502, { 'x-conformal-traffic-proxy': 'unresolved' }).end(`conformal traffic proxy: ${entry}`);
        return;
      }
      // The caller's own address stays the source, as kube-proxy's DNAT keeps it.
      const upstream = request(
        { host: '127.0.0.1', port: entry, method: req.method, path: `${target.pathname}${target.search}`, headers: req.headers, localAddress: req.socket.remoteAddress, agent: false },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (error) => {
        if (!res.headersSent) res.writeHead(502, { 'x-conformal-traffic-proxy': 'upstream' });
        res.end(`conformal traffic proxy: ${error.message}`);
      });
      req.pipe(upstream);
    })().catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(`conformal traffic proxy: ${error.message}`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function httpOk(url: string): Promise<string | undefined> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return res.ok ? await res.text() : undefined;
}

/** Controller flags: those of upstream's own integration deployment, its API on loopback unless `apiHost` says otherwise. */
export function meshControllerArgs(kubeconfigPath: string, namespace: string, apiPort: number, acl: boolean, apiHost = '127.0.0.1'): string[] {
  return [
    `--kubeconfig=${kubeconfigPath}`,
    '--logLevel=DEBUG',
    '--defaultMode=http',
    `--namespace=${namespace}`,
    `--apiHost=${apiHost}`,
    `--apiPort=${apiPort}`,
    `--limitHTTPPort=${HTTP_ENTRYPOINTS}`,
    `--limitTCPPort=${TCP_ENTRYPOINTS}`,
    `--limitUDPPort=${UDP_ENTRYPOINTS}`,
    ...(acl ? ['--acl'] : []),
  ];
}

/** Proxy flags: upstream's proxy DaemonSet arguments, every entry point on its own loopback port. */
export function meshProxyArgs(controllerUrl: string, apiPort: number, entrypoints: ReadonlyMap<string, number>): string[] {
  const args: string[] = [];
  for (const [name, port] of entrypoints) {
    if (name.startsWith('udp-')) args.push(`--entryPoints.${name}.address=127.0.0.1:${port}/udp`);
    else args.push(`--entryPoints.${name}.address=127.0.0.1:${port}`, `--entryPoints.${name}.forwardedHeaders.insecure=true`);
  }
  return [
    ...args,
    `--entryPoints.traefik.address=127.0.0.1:${apiPort}`,
    `--providers.http.endpoint=${controllerUrl}/api/configuration/current`,
    '--providers.http.pollInterval=200ms',
    '--providers.http.pollTimeout=2s',
    '--api.dashboard=false',
    '--api.insecure',
    '--ping',
    '--log.level=DEBUG',
    // No calls home from a test run.
    '--global.checkNewVersion=false',
    '--global.sendAnonymousUsage=false',
  ];
}

export async function startTraefikMesh(options: TraefikMeshOptions): Promise<TraefikMesh> {
  const namespace = options.namespace ?? 'traefik-mesh';
  const dir = mkdtempSync(join(tmpdir(), 'conformal-traefik-mesh-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfigYaml(options.endpoint.url, options.endpoint.token, options.endpoint.caCert), { mode: 0o600 });
  const kube = new RawKubeClient(options.endpoint, 8);
  const children: Child[] = [];
  let traffic: Server | undefined;
  const logs = () => children.map((c, i) => `==== ${i === 0 ? 'mesh controller' : 'traefik proxy'}\n${c.output()}`).join('\n');
  const close = async () => {
    for (const child of [...children].reverse()) await child.stop();
    if (traffic) await new Promise((resolve) => traffic!.close(resolve));
    kube.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = deadlineSignal(options.startTimeoutMs ?? 90_000, 'Traefik Mesh to start', options.signal);
  try {
    const ns = await kube.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    if (ns.code !== 201 && ns.code !== 409) throw new HarnessError(`creating namespace ${namespace} answered ${ns.code}: ${JSON.stringify(ns.body)}`);
    await installSmiCrds(kube, options.crdDir, deadline.signal);

    const names = [
      ...Array.from({ length: HTTP_ENTRYPOINTS }, (_, i) => `http-${MIN_HTTP + i}`),
      ...Array.from({ length: TCP_ENTRYPOINTS }, (_, i) => `tcp-${MIN_TCP + i}`),
      ...Array.from({ length: UDP_ENTRYPOINTS }, (_, i) => `udp-${MIN_UDP + i}`),
      'readiness',
    ];
    const ports = await freePorts(names.length + 2);
    const entrypoints = new Map(names.map((name, i) => [name, ports[i]!] as const));
    const [controllerPort, proxyApiPort] = ports.slice(names.length) as [number, number];
    const controllerUrl = `http://127.0.0.1:${controllerPort}`;
    const proxyApiUrl = `http://127.0.0.1:${proxyApiPort}`;

    traffic = await startTrafficProxy(kube, entrypoints);
    const trafficPort = (traffic.address() as AddressInfo).port;

    // In-cluster settings would win over --kubeconfig (k8s.NewClient checks them first).
    const { KUBERNETES_SERVICE_HOST: _h, KUBERNETES_SERVICE_PORT: _p, ...env } = process.env;
    children.push(startChild(options.meshBinary, meshControllerArgs(kubeconfigPath, namespace, controllerPort, options.acl), env));
    await waitFor(() => httpOk(`${controllerUrl}/api/status/readiness`).catch(() => undefined), {
      signal: deadline.signal,
      description: 'the mesh controller to report ready',
      lastSeen: () => children[0]!.output().slice(-2000),
    });
    // Traefik's HTTP client honours HTTP_PROXY: TrafficSplit backends (http://<backend>.<ns>.traefik.mesh:<port>) go through the traffic proxy.
    const proxyEnv = { ...env, HTTP_PROXY: `http://127.0.0.1:${trafficPort}`, http_proxy: `http://127.0.0.1:${trafficPort}`, NO_PROXY: '', no_proxy: '' };
    children.push(startChild(options.traefikBinary, meshProxyArgs(controllerUrl, proxyApiPort, entrypoints), proxyEnv));
    const rawdata = async () => JSON.parse((await httpOk(`${proxyApiUrl}/api/rawdata`)) ?? 'null') as ProxyRawData | null;
    const waitForProxyConfig = (what: string, accept: (data: ProxyRawData) => boolean, timeoutMs = 30_000) => {
      const wait = deadlineSignal(timeoutMs, `the Traefik proxy to run ${what}`, options.signal);
      return waitFor(
        async () => {
          const data = await rawdata().catch(() => null);
          return data && accept(data) ? data : undefined;
        },
        { signal: wait.signal, description: `the Traefik proxy to run ${what}`, lastSeen: () => children.map((c) => c.output().slice(-1500)).join('\n---\n') },
      ).finally(() => wait.dispose());
    };
    // The controller's default configuration always has the readiness router: its presence means the proxy polled the controller.
    await waitForProxyConfig('the controller configuration', (data) => Boolean(data.routers?.['readiness@http']));
    options.signal?.addEventListener('abort', () => void close(), { once: true });
    return { trafficProxy: { host: '127.0.0.1', port: trafficPort }, controllerUrl, namespace, entrypoints, proxyApiUrl, waitForProxyConfig, logs, close };
  } catch (error) {
    const output = logs();
    await close();
    if (error instanceof Error) error.message += `\n${output.slice(-6000)}`;
    throw error;
  } finally {
    deadline.dispose();
  }
}

/** The Traefik Mesh binaries and CRDs (.ci/setup/82-traefik-mesh.sh), or undefined when missing locally. */
export function traefikMeshTools(): Pick<TraefikMeshOptions, 'meshBinary' | 'traefikBinary' | 'crdDir'> | undefined {
  const meshBinary = requireTool('CONFORMAL_TRAEFIK_MESH');
  const traefikBinary = requireTool('CONFORMAL_TRAEFIK');
  const crdDir = requireTool('CONFORMAL_TRAEFIK_MESH_CRDS');
  return meshBinary && traefikBinary && crdDir ? { meshBinary, traefikBinary, crdDir } : undefined;
}

export interface ApiServerUnderTest {
  readonly endpoint: KubeEndpoint;
  close(): Promise<void>;
}

/**
 * Calls `define` for conformal's in-memory API server and for a real kube-apiserver with etcd
 * (.ci/setup/80-go-peers.sh and 30-kube.sh). The real side proves the peer, not the Node version: once per CI run.
 */
export function onBothApiServers(title: string, enabled: boolean, define: (serverName: string, start: () => Promise<ApiServerUnderTest>) => void): void {
  const apiserver = requireTool('CONFORMAL_KUBE_APISERVER');
  const etcd = requireTool('CONFORMAL_ETCD');
  describe.skipIf(!enabled)(`${title}, in-memory API server`, () => {
    define('the in-memory API server', async () => {
      const server = await startKubeServer();
      return { endpoint: server, close: () => server.close() };
    });
  });
  describe.skipIf(!enabled || !apiserver || !etcd || repeatedCiRun)(`${title}, real API server`, () => {
    define('a real kube-apiserver', async () => {
      const server = await startRealApiServer(apiserver!, etcd!);
      return { endpoint: server, close: () => server.close() };
    });
  });
}
