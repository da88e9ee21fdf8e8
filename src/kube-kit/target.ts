// Opens the cluster a Kubernetes-API suite observes: a kubeconfig (and context), the Pod's own
// service account, or the embedded in-memory API server. Reaching it is checked once, with a
// deadline, so an unreachable cluster ends the run with exit 3 before any test starts.
import { existsSync } from 'node:fs';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { TargetUnreachableError, UsageError } from '../core/errors.js';
import { raceSignal, deadlineSignal } from '../core/deadline.js';
import type { Logger } from '../core/plugin.js';
import { startKubeServerInWorker, type KubeServer } from '../kube/index.js';
import { reuseConnections } from './connections.js';
import type { KubeTargetOptions } from './options.js';

export interface KubeTarget {
  readonly kc: KubeConfig;
  /** The API server's URL, for reports. */
  readonly server: string;
  /** gitVersion from /version. */
  readonly version: string;
  /** True when the run started the in-memory API server itself. */
  readonly embedded: boolean;
  /** kubeconfig YAML of the embedded server, for the reference implementation to be a client of it. */
  readonly embeddedKubeconfig?: string;
  close(): Promise<void>;
}

/** Checks what the options alone can tell, naming the flag. */
export function validateKubeTarget(options: KubeTargetOptions): void {
  if (options.kubeconfig && options.inCluster) throw new UsageError('--kubeconfig and --in-cluster exclude each other', { field: '--in-cluster' });
  if (options.context && !options.kubeconfig) throw new UsageError('--context needs --kubeconfig', { field: '--context' });
  if (options.kubeconfig && !existsSync(options.kubeconfig)) throw new UsageError(`--kubeconfig ${options.kubeconfig}: no such file`, { field: '--kubeconfig' });
}

function loadKubeConfig(options: KubeTargetOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.inCluster) kc.loadFromCluster();
    else kc.loadFromFile(options.kubeconfig!);
  } catch (error) {
    const field = options.inCluster ? '--in-cluster' : '--kubeconfig';
    throw new UsageError(`${field}: cannot read the cluster configuration: ${(error as Error).message}`, { field, cause: error });
  }
  if (options.context) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(options.context)) throw new UsageError(`--context ${options.context} is not in ${options.kubeconfig} (it has: ${names.join(', ') || 'none'})`, { field: '--context' });
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) throw new UsageError(`${options.kubeconfig ?? 'the in-cluster configuration'} names no cluster for its current context`, { field: '--context' });
  return kc;
}

async function probeVersion(kc: KubeConfig, timeoutMs: number, parent: AbortSignal): Promise<string> {
  const server = kc.getCurrentCluster()!.server;
  const deadline = deadlineSignal(timeoutMs, `reaching the Kubernetes API server at ${server}`, parent);
  try {
    const info = await raceSignal(kc.makeApiClient(VersionApi).getCode(), deadline.signal, `GET ${server}/version`);
    return info.gitVersion;
  } catch (error) {
    throw new TargetUnreachableError(server, `the Kubernetes API server at ${server} did not answer /version: ${(error as Error).message}`, { cause: error });
  } finally {
    deadline.dispose();
  }
}

export async function openKubeTarget(options: KubeTargetOptions, signal: AbortSignal, log: Pick<Logger, 'warn'> = { warn: (message) => process.stderr.write(`conformal: ${message}\n`) }): Promise<KubeTarget> {
  validateKubeTarget(options);
  if (options.kubeconfig || options.inCluster) {
    const kc = loadKubeConfig(options);
    const release = reuseConnections(kc);
    const version = await probeVersion(kc, options.connectTimeout, signal).catch((error: unknown) => {
      release();
      throw error;
    });
    return { kc, server: kc.getCurrentCluster()!.server, version, embedded: false, close: async () => release() };
  }
  // On a thread of its own, so the server uses the second core while the suite (and an embedded
  // reference's controllers) run on this one; it is reached over HTTPS either way.
  const server: KubeServer = await startKubeServerInWorker({}, (error) => log.warn(`${error.message}; the tests that follow cannot reach it`));
  try {
    const kc = server.kubeConfig();
    const release = reuseConnections(kc);
    const version = await probeVersion(kc, options.connectTimeout, signal).catch((error: unknown) => {
      release();
      throw error;
    });
    const close = async () => {
      release();
      await server.close();
    };
    return { kc, server: server.url, version, embedded: true, embeddedKubeconfig: server.kubeconfig, close };
  } catch (error) {
    await server.close();
    throw error;
  }
}
