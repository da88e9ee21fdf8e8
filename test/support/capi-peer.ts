// Runs upstream Cluster API as a peer (docs/capi/upstream.md): the core manager, CAPD (whose
// inMemory backend of DevCluster/DevMachine needs no Docker) and, when asked, the kubeadm bootstrap
// (CABPK) and control plane (KCP) managers, built by .ci/setup/81-capi-peer.sh, as child processes
// against any API server. Installs upstream's CRDs from the Go module cache with their conversion
// webhooks pointed at the managers' loopback webhook servers (upstream's patches/webhook_in_*.yaml
// name a Service instead), serves a self-signed certificate from --webhook-cert-dir, waits until
// every manager reports ready, keeps their logs.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml } from 'yaml';
import { RawKubeClient, type KubeEndpoint } from '../../bench/kube-client.js';
import { deadlineSignal } from '../../src/core/deadline.js';
import { HarnessError } from '../../src/core/errors.js';
import { CLUSTERCTL_LABEL } from '../../src/interfaces/capi/well-known.js';
import { kubeconfigYaml } from '../../src/kube/kubeconfig.js';
import { servingCertificate } from '../../src/kube/tls.js';
import { startChild } from './child.js';
import { freePorts } from '../../bench/free-ports.js';
import { requireTool } from './real-tools.js';

export interface CapiPeerOptions {
  /** CONFORMAL_CAPI_CORE and CONFORMAL_CAPI_DOCKER. */
  readonly coreBinary: string;
  readonly dockerBinary: string;
  /** CONFORMAL_CAPI_KUBEADM_BOOTSTRAP and CONFORMAL_CAPI_KUBEADM_CONTROL_PLANE: run when given. */
  readonly kubeadmBootstrapBinary?: string;
  readonly kubeadmControlPlaneBinary?: string;
  /**
   * CONFORMAL_CAPI_CONFIG: core's config/ directory, then CAPD's, then CABPK's and KCP's (needed
   * only when their binaries are given), ':'-separated.
   */
  readonly config: string;
  /** The management cluster's API server (the in-memory one or kube-apiserver), as reached from here: the CRDs are created through it. */
  readonly endpoint: KubeEndpoint;
  /**
   * Where the managers run when not on this host's loopback, e.g. inside a one-node cluster's
   * network and mount namespaces, where kube-apiserver calls their conversion webhooks on that
   * namespace's 127.0.0.1.
   */
  readonly placement?: ManagerPlacement;
  /** How long to wait for CRDs and both managers (default 120 s). */
  readonly startTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface ManagerPlacement {
  /** Wraps each manager's argv (the process must be the manager once started: nsenter without --fork execs it). */
  wrap(argv: readonly string[]): string[];
  /** The kubeconfig the managers use there (also for `conformal run capi --kubeconfig` run there). */
  readonly kubeconfigPath: string;
  /** Whether http://127.0.0.1:PORT/readyz answers 200 where the managers run. */
  ready(port: number, signal: AbortSignal): Promise<boolean>;
}

export interface CapiPeerTools {
  readonly peer: Pick<CapiPeerOptions, 'coreBinary' | 'dockerBinary' | 'kubeadmBootstrapBinary' | 'kubeadmControlPlaneBinary' | 'config'>;
  /** CONFORMAL_KUBE_APISERVER and CONFORMAL_ETCD, for the real management cluster. */
  readonly apiserver: string;
  readonly etcd: string;
}

/**
 * The peer's binaries and config directories and a real API server's, by requireTool's rule:
 * undefined (skip) locally when one is missing, an error under CI=true. With `kubeadm`, the kubeadm
 * bootstrap and control plane managers and their two config directories are needed too.
 */
export function capiPeerTools({ kubeadm = false } = {}): CapiPeerTools | undefined {
  const coreBinary = requireTool('CONFORMAL_CAPI_CORE');
  const dockerBinary = requireTool('CONFORMAL_CAPI_DOCKER');
  const kubeadmBinaries = kubeadm ? [requireTool('CONFORMAL_CAPI_KUBEADM_BOOTSTRAP'), requireTool('CONFORMAL_CAPI_KUBEADM_CONTROL_PLANE')] : [];
  // ':'-separated directories: when one is missing requireTool skips (fails under CI) as for a tool.
  const dirs = process.env.CONFORMAL_CAPI_CONFIG?.split(':');
  const config = dirs && dirs.length >= (kubeadm ? 4 : 2) && dirs.every((d) => existsSync(d)) ? dirs.join(':') : requireTool('CONFORMAL_CAPI_CONFIG');
  const apiserver = requireTool('CONFORMAL_KUBE_APISERVER');
  const etcd = requireTool('CONFORMAL_ETCD');
  if (!coreBinary || !dockerBinary || kubeadmBinaries.some((b) => !b) || !config || !apiserver || !etcd) return undefined;
  const [kubeadmBootstrapBinary, kubeadmControlPlaneBinary] = kubeadmBinaries;
  return { peer: { coreBinary, dockerBinary, config, ...(kubeadm ? { kubeadmBootstrapBinary, kubeadmControlPlaneBinary } : {}) }, apiserver, etcd };
}

export interface CapiPeer {
  /** The kubeconfig the managers use (also for `conformal run capi --kubeconfig`). */
  readonly kubeconfigPath: string;
  /** Every manager's output so far (the last 2 MiB each), for failure messages. */
  logs(): string;
  close(): Promise<void>;
}

interface Manager {
  readonly name: string;
  readonly healthPort: number;
  readonly output: string;
  exited(): boolean;
  close(): Promise<void>;
}

/**
 * Upstream's CRDs from one config/ directory, each with the conversion webhook its kustomize patch
 * enables (patches/webhook_in_<plural>.yaml), pointed at https://127.0.0.1:PORT/convert.
 */
export function upstreamCrds(configDir: string, webhookPort: number, caBundle: string): Record<string, any>[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const bases = join(configDir, 'crd', 'bases');
  // The labels kustomize adds (the contract labels cluster.x-k8s.io/<contract>: <versions>, the provider
  // label), then the one clusterctl init adds to every component it installs (clusterctl's
  // addCommonLabels; its provider label is the same <type>-<name> as kustomize's).
  const labels = { ...kustomizeLabels(join(configDir, 'default', 'kustomization.yaml')), ...kustomizeLabels(join(configDir, 'crd', 'kustomization.yaml')), [CLUSTERCTL_LABEL]: '' };
  return readdirSync(bases).filter((f) => f.endsWith('.yaml')).sort().map((file) => {
    const crd = parseYaml(readFileSync(join(bases, file), 'utf8'));
    crd.metadata.labels = { ...crd.metadata.labels, ...labels };
    const patch = join(configDir, 'crd', 'patches', `webhook_in_${crd.spec.names.plural}.yaml`);
    if (existsSync(patch)) {
      const reviewVersions = parseYaml(readFileSync(patch, 'utf8'))?.spec?.conversion?.webhook?.conversionReviewVersions ?? ['v1'];
      crd.spec.conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: reviewVersions, clientConfig: { url: `https://127.0.0.1:${webhookPort}/convert`, caBundle } } };
    }
    return crd;
  });
}

function kustomizeLabels(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const doc = parseYaml(readFileSync(file, 'utf8')) as { labels?: { pairs?: Record<string, string> }[]; commonLabels?: Record<string, string> };
  return Object.assign({}, doc.commonLabels, ...(doc.labels ?? []).map((l) => l.pairs ?? {}));
}

function startManager(name: string, argv: string[], env: NodeJS.ProcessEnv, healthPort: number): Manager {
  const [binary, ...args] = argv;
  const child = startChild(binary!, args, { ...process.env, ...env });
  return { name, healthPort, get output() { return child.output(); }, exited: child.exited, close: child.stop };
}

/** controller-runtime's readiness endpoint (the webhook server's check included) answers 200. */
async function ready(port: number, signal: AbortSignal): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal });
    return res.status === 200;
  } catch {
    return false;
  }
}

interface Provider {
  readonly name: string;
  readonly binary: string;
  readonly configDir: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** The managers to run, in CONFORMAL_CAPI_CONFIG's order: core, CAPD, then CABPK and KCP when given. */
function providers(options: CapiPeerOptions): Provider[] {
  const dirs = options.config.split(':');
  const wanted: Array<[string, string | undefined, NodeJS.ProcessEnv?]> = [
    ['core', options.coreBinary],
    // CAPD's inMemory backend listens for the workload clusters' fake API servers on POD_IP.
    ['docker', options.dockerBinary, { POD_IP: '127.0.0.1' }],
    ['kubeadm-bootstrap', options.kubeadmBootstrapBinary],
    ['kubeadm-control-plane', options.kubeadmControlPlaneBinary],
  ];
  const list: Provider[] = [];
  wanted.forEach(([name, binary, env], i) => {
    if (!binary) return;
    const configDir = dirs[i];
    if (!configDir) throw new HarnessError(`CONFORMAL_CAPI_CONFIG must name ${i + 1} directories (core, CAPD, CABPK, KCP) to run ${name}, got "${options.config}"`);
    list.push({ name, binary, configDir, ...(env ? { env } : {}) });
  });
  return list;
}

export async function startCapiPeer(options: CapiPeerOptions): Promise<CapiPeer> {
  const wanted = providers(options);
  const dir = mkdtempSync(join(tmpdir(), 'conformal-capi-'));
  const { endpoint } = options;
  const { placement } = options;
  const kubeconfigPath = placement?.kubeconfigPath ?? join(dir, 'kubeconfig');
  if (!placement) writeFileSync(kubeconfigPath, kubeconfigYaml(endpoint.url, endpoint.token, endpoint.caCert), { mode: 0o600 });
  const wrap = placement?.wrap ?? ((argv: readonly string[]) => [...argv]);
  const isReady = placement?.ready ?? ready;
  // --webhook-cert-dir: tls.crt is its own CA (IP SAN 127.0.0.1), given to the API server as caBundle.
  const { cert, key } = await servingCertificate();
  writeFileSync(join(dir, 'tls.crt'), cert);
  writeFileSync(join(dir, 'tls.key'), key, { mode: 0o600 });
  const caBundle = Buffer.from(cert).toString('base64');
  const managers: Manager[] = [];
  const client = new RawKubeClient(endpoint, 8);
  const close = async () => {
    await Promise.all(managers.map((m) => m.close()));
    rmSync(dir, { recursive: true, force: true });
  };
  const logs = () => managers.map((m) => `==== ${m.name}\n${m.output}`).join('\n');
  const deadline = deadlineSignal(options.startTimeoutMs ?? 120_000, 'Cluster API CRDs and managers to be ready', options.signal);
  try {
    // Every port at once (webhook, health, diagnostics per manager): ports probed one at a time can come back twice.
    const ports = await freePorts(3 * wanted.length);
    const port = (i: number, which: 0 | 1 | 2) => ports[3 * i + which]!;
    const crds = wanted.flatMap((p, i) => upstreamCrds(p.configDir, port(i, 0), caBundle));
    for (const crd of crds) {
      const created = await client.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
      if (created.code !== 201) throw new HarnessError(`creating CRD ${crd.metadata.name}: ${created.code} ${JSON.stringify(created.body).slice(0, 500)}`);
    }
    // Managers build their REST mappings at start: every version of every CRD must be served first.
    for (const crd of crds) {
      for (const version of crd.spec.versions.filter((v: { served: boolean }) => v.served)) {
        const path = `/apis/${crd.spec.group}/${version.name}/${crd.spec.names.plural}`;
        while ((await client.request('GET', `${path}?limit=1`)).code !== 200) {
          if (deadline.signal.aborted) throw new HarnessError(`${path} not served in time`, { cause: deadline.signal.reason });
          await sleep(200);
        }
      }
    }
    wanted.forEach((p, i) => {
      const args = [
        `--kubeconfig=${kubeconfigPath}`,
        '--leader-elect=false',
        `--webhook-cert-dir=${dir}`,
        `--webhook-port=${port(i, 0)}`,
        `--health-addr=127.0.0.1:${port(i, 1)}`,
        `--diagnostics-address=127.0.0.1:${port(i, 2)}`,
        '--insecure-diagnostics',
        '--v=2',
      ];
      managers.push(startManager(p.name, wrap([p.binary, ...args]), p.env ?? {}, port(i, 1)));
    });
    for (;;) {
      if (deadline.signal.aborted) throw new HarnessError(`Cluster API managers not ready in time; their output ends:\n${logs().slice(-6000)}`, { cause: deadline.signal.reason });
      const gone = managers.find((m) => m.exited());
      if (gone) throw new HarnessError(`the Cluster API ${gone.name} manager exited before it was ready; its output ends:\n${gone.output.slice(-6000)}`);
      const states = await Promise.all(managers.map((m) => isReady(m.healthPort, deadline.signal)));
      if (states.every(Boolean)) break;
      await sleep(500);
    }
    options.signal?.addEventListener('abort', () => void close(), { once: true });
    return { kubeconfigPath, logs, close };
  } catch (error) {
    await close();
    throw error;
  } finally {
    deadline.dispose();
  }
}
