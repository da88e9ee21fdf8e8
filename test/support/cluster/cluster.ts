// A one-node Kubernetes cluster for the tests that need a real one: etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler and kubelet with the CRI runtime the caller passes, Debian's
// CNI plugins and conformal's test image registry, all inside namespaces made for it with their state
// under one temp dir; stop() takes every trace away again and leftovers() says what did not go.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { deadlineSignal, raceSignal } from '../../../src/core/deadline.js';
import { HarnessError } from '../../../src/core/errors.js';
import { createCgroup, removeCgroup } from './cgroups.js';
import { writePodNetwork, type PodNetwork } from './cni.js';
import type { Component } from './component.js';
import { APISERVER_PORT, startApiserver, startControllerManager, startEtcd, startScheduler, type ControlPlaneBinaries, type ControlPlaneContext } from './control-plane.js';
import { removeAllPodSandboxes } from './cri-cleanup.js';
import { writeClusterCredentials } from './credentials.js';
import { startClusterImageRegistry, type ClusterImageRegistry } from './image-registry.js';
import { kubectlFor, type Kubectl } from './kubectl.js';
import { startKubelet } from './kubelet.js';
import { hostBaseline, leftovers, ownHostPaths, type ClusterFootprint } from './leftovers.js';
import { createClusterNamespaces, NODE_IP, type ClusterNamespaces } from './namespaces.js';
import { killClusterProcesses, type ClusterMembership } from './processes.js';
import type { CriRuntime, RunningCriRuntime } from './runtime.js';

export interface ClusterTools extends ControlPlaneBinaries {
  readonly kubelet: string;
  readonly kubectl: string;
  /** A static busybox, from which the test images are built. */
  readonly busybox: string;
  /** Debian's CNI plugins (bridge, host-local, loopback). */
  readonly cniBinDir: string;
}

export interface ClusterOptions {
  readonly tools: ClusterTools;
  readonly runtime: CriRuntime;
  /** The pod network's plugins; Debian's bridge when not given. */
  readonly network?: PodNetwork;
  /**
   * 'external': kubelet runs with --cloud-provider=external (its Node stays tainted
   * node.cloudprovider.kubernetes.io/uninitialized, without addresses, until a cloud-controller-manager
   * initialises it) and kube-controller-manager allocates Node pod CIDRs from CLOUD_CLUSTER_CIDR, which
   * a CCM's route controller routes. Unset: no cloud, kubelet reports the node address itself.
   */
  readonly cloudProvider?: 'external';
  /**
   * The name server kubelet gives pods (KubeletConfiguration clusterDNS, domain cluster.local), for a
   * test that runs one inside the cluster's namespaces. Unset: pods get no name server at all.
   */
  readonly clusterDns?: string;
  /** Deadline for the whole start, node Ready included. */
  readonly startTimeoutMs?: number;
}

export interface Cluster {
  readonly nodeName: string;
  readonly stateDir: string;
  /** The kubeconfig every component and kubectl use (a system:masters token); reaches kube-apiserver only inside the namespaces. */
  readonly kubeconfigFile: string;
  readonly namespaces: ClusterNamespaces;
  readonly kubectl: Kubectl;
  readonly images: ClusterImageRegistry;
  readonly runtime: RunningCriRuntime;
  /** How long each step of the start took, in ms. */
  readonly startTimes: Readonly<Record<string, number>>;
  /** How long each teardown step took, in ms (filled by stop()). */
  readonly stopTimes: Readonly<Record<string, number>>;
  /** The tail of every component's log, for a failing test's message. */
  logs(tailChars?: number): string;
  /** Stops everything and removes every trace; idempotent. */
  stop(): Promise<void>;
  /** What of the cluster is still on the host (empty after stop()). */
  leftovers(): Promise<string[]>;
  /** Host paths the cluster wrote behind its masks under names of its own (known once stop() ran); leftovers() checks each is absent from the host. */
  ownHostPaths(): readonly string[];
}

/** The cluster CIDR under cloudProvider 'external': kube-controller-manager hands the node its first /24, the CNI's pod range. */
export const CLOUD_CLUSTER_CIDR = '10.244.0.0/16';

/** Each teardown step's deadline: a step that hangs is reported and the next one runs. */
const TEARDOWN_STEP_TIMEOUT_MS = 30_000;

/** Undoes what start did, in reverse; collects failures instead of stopping at the first. */
class Teardown {
  readonly #steps: Array<{ what: string; run: () => Promise<unknown> | unknown }> = [];
  readonly errors: string[] = [];
  /** How long each step took, in ms. */
  readonly times: Record<string, number> = {};
  add(what: string, run: () => Promise<unknown> | unknown): void {
    this.#steps.push({ what, run });
  }
  async run(): Promise<void> {
    for (const step of this.#steps.splice(0).reverse()) {
      const started = Date.now();
      try {
        await raceSignal(Promise.resolve(step.run()), AbortSignal.timeout(TEARDOWN_STEP_TIMEOUT_MS), step.what);
      } catch (error) {
        this.errors.push(`${step.what}: ${(error as Error).message}`);
      }
      this.times[step.what] = Date.now() - started;
    }
  }
}

/** rm -rf that waits out the moment a dying mount namespace still pins a directory. */
async function removeDir(dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(250);
    }
  }
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { tools } = options;
  const runId = randomBytes(3).toString('hex');
  const name = `conformal-k8s-${runId}`;
  const nodeName = `conformal-node-${runId}`;
  const cgroup = `/${name}`;
  const startTimes: Record<string, number> = {};
  const deadline = deadlineSignal(options.startTimeoutMs ?? 120_000, 'starting the one-node cluster');
  const signal = deadline.signal;
  const teardown = new Teardown();
  const components: Component[] = [];
  const baseline = await hostBaseline(signal);
  const stateDir = mkdtempSync(join(tmpdir(), `${name}-`));
  const membership: ClusterMembership = { namespaceIds: [], cgroup, stateDir };
  const footprint: ClusterFootprint = { stateDir, netnsName: name, membership, baseline, ownHostPaths: [] };
  teardown.add('removing the state dir', () => removeDir(stateDir));
  teardown.add('noting the host paths the cluster wrote behind its masks', () => footprint.ownHostPaths.push(...ownHostPaths(stateDir).filter((path) => !footprint.ownHostPaths.includes(path))));
  let step = Date.now();
  const timed = <T>(what: string, value: T) => {
    startTimes[what] = Date.now() - step;
    step = Date.now();
    return value;
  };
  const logs = (tailChars = 3000) => components.map((c) => `--- ${c.name} ---\n${c.log().slice(-tailChars)}`).join('\n');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await teardown.run();
      if (teardown.errors.length > 0) throw new HarnessError(`tearing the cluster down: ${teardown.errors.join('; ')}`);
    })());

  try {
    const namespaces = timed('namespaces', await createClusterNamespaces(name, stateDir, signal));
    (membership.namespaceIds as string[]).push(namespaces.ids.mnt, namespaces.ids.net);
    teardown.add('removing the namespaces', () => namespaces.remove(AbortSignal.timeout(10_000)));
    createCgroup(cgroup);
    teardown.add(`removing the cgroup ${cgroup}`, () => {
      const left = removeCgroup(cgroup);
      if (left.length > 0) throw new HarnessError(`cgroups still there: ${left.join(', ')}`);
    });
    // Last resort, after every orderly stop: anything left in the namespaces or the cgroup.
    teardown.add('killing what is left in the namespaces and cgroup', async () => {
      const left = await killClusterProcesses(membership, 20_000);
      if (left.length > 0) throw new HarnessError(`still running: ${left.map((p) => `${p.pid} ${p.command}`).join(', ')}`);
    });
    const credentials = await writeClusterCredentials(join(stateDir, 'pki'), `https://${NODE_IP}:${APISERVER_PORT}`, [NODE_IP]);
    const kubectl = kubectlFor(tools.kubectl, credentials.kubeconfigFile, namespaces.enter);
    const context: ControlPlaneContext = { binaries: tools, stateDir, credentials, kubectl, enter: namespaces.enter, ...(options.cloudProvider ? { clusterCidr: CLOUD_CLUSTER_CIDR } : {}) };
    const images = await startClusterImageRegistry({ busybox: tools.busybox, dir: stateDir, enter: namespaces.enter, signal });
    teardown.add('closing the image registry', () => images.close());
    timed('credentials and image registry', undefined);

    const started = (component: Component) => {
      components.push(component);
      teardown.add(`stopping ${component.name}`, () => component.stop());
      return component;
    };
    started(await startEtcd(context, signal));
    started(await startApiserver(context, signal));
    timed('etcd and kube-apiserver', undefined);

    const podNetwork = writePodNetwork(options.network ?? 'debian-bridge', stateDir, tools.cniBinDir);
    const runtimeDir = join(stateDir, 'runtime');
    mkdirSync(runtimeDir, { recursive: true });

    // The controllers and the node come up side by side; each fails with its own name and log. The
    // first failure ends the others' waits, and all three settle before it is thrown, so teardown
    // knows every process that was started.
    const firstFailure = new AbortController();
    const sideBySide = AbortSignal.any([signal, firstFailure.signal]);
    const failFast = <T>(promise: Promise<T>) =>
      promise.catch((error: unknown) => {
        firstFailure.abort(error);
        throw error;
      });
    const [runtime] = await allSettledOrThrow([
      failFast(
        (async () => {
          const runtime = await options.runtime({
            dir: runtimeDir,
            namespaces: { net: namespaces.netnsName, mnt: namespaces.mnt },
            enter: namespaces.enter,
            registryHost: images.host,
            registrySocket: images.socket,
            sandboxImage: images.images.pause!,
            cniConfDir: podNetwork.confDir,
            cniBinDir: podNetwork.binDir,
            signal: sideBySide,
          });
          // Before kubelet stops: pods it left are taken down by the runtime itself (CNI DEL, unmounts).
          teardown.add(`stopping ${runtime.name}`, () => runtime.stop());
          teardown.add(`removing pods left in ${runtime.name}`, async () => {
            const errors = await removeAllPodSandboxes(runtime.endpoint, AbortSignal.timeout(30_000));
            if (errors.length > 0) throw new HarnessError(errors.join('; '));
          });
          const kubelet = started(startKubelet({ binary: tools.kubelet, dir: join(stateDir, 'kubelet'), nodeName, credentials, runtimeEndpoint: runtime.endpoint, cgroupRoot: cgroup, cloudProvider: options.cloudProvider, clusterDns: options.clusterDns, enter: namespaces.enter }));
          await kubelet.until(() => nodeReady(kubectl, nodeName, sideBySide), `node ${nodeName} Ready`, sideBySide);
          return runtime;
        })(),
      ),
      failFast(startControllerManager(context, sideBySide).then(started)),
      failFast(startScheduler(context, sideBySide).then(started)),
    ]);
    timed('runtime, kubelet (node Ready), controllers', undefined);
    // First thing at teardown, while pods may still have shims, runc state and CNI results: their names too.
    teardown.add('noting the host paths the running cluster wrote behind its masks', () => footprint.ownHostPaths.push(...ownHostPaths(stateDir)));
    return {
      nodeName,
      stateDir,
      kubeconfigFile: credentials.kubeconfigFile,
      namespaces,
      kubectl,
      images,
      runtime,
      startTimes,
      stopTimes: teardown.times,
      logs,
      stop,
      leftovers: () => leftovers(footprint, AbortSignal.timeout(30_000)),
      ownHostPaths: () => footprint.ownHostPaths,
    };
  } catch (error) {
    const detail = logs(1500);
    await stop().catch(() => undefined);
    if (error instanceof Error && !(error as { component?: string }).component) error.message += `\n${detail}`;
    throw error;
  } finally {
    deadline.dispose();
  }
}

/** Promise.all that, on a failure, still waits for the others to settle before throwing the first. */
async function allSettledOrThrow<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

interface NodeObject {
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

async function nodeReady(kubectl: Kubectl, nodeName: string, signal: AbortSignal): Promise<true | undefined> {
  const node = await kubectl.json<NodeObject>(['get', 'node', nodeName], signal);
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
}
