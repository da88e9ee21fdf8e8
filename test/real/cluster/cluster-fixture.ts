// The cluster a test file runs against: its tools from the CONFORMAL_* variables, started before the
// describe block's tests and stopped after them, with every log printed when a test fails, and the
// last test, which checks that teardown leaves nothing on the host.
import { execFile as execFileCb } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startCluster, type Cluster, type ClusterOptions, type ClusterTools } from '../../support/cluster/cluster.js';
import type { PodNetwork } from '../../support/cluster/cni.js';
import type { CriRuntime } from '../../support/cluster/runtime.js';
import { requireTool } from '../../support/real-tools.js';

const execFile = promisify(execFileCb);

/** The cluster's tools from their CONFORMAL_* variables; undefined (skip) locally when one is missing, a failure under CI. */
export function clusterToolsFromEnv(): ClusterTools | undefined {
  const tools = {
    etcd: requireTool('CONFORMAL_ETCD'),
    apiserver: requireTool('CONFORMAL_KUBE_APISERVER'),
    controllerManager: requireTool('CONFORMAL_KUBE_CONTROLLER_MANAGER'),
    scheduler: requireTool('CONFORMAL_KUBE_SCHEDULER'),
    kubelet: requireTool('CONFORMAL_KUBELET'),
    kubectl: requireTool('CONFORMAL_KUBECTL'),
    busybox: requireTool('CONFORMAL_BUSYBOX'),
    cniBinDir: requireTool('CONFORMAL_CNI_PLUGINS_DIR'),
  };
  return Object.values(tools).every((value) => value !== undefined) ? (tools as ClusterTools) : undefined;
}

/** Starts the cluster before the describe block's tests, prints every log when one fails, stops it after them. */
export function useCluster(tools: () => ClusterTools, runtime: () => CriRuntime, network?: PodNetwork, options: Pick<ClusterOptions, 'cloudProvider' | 'clusterDns'> = {}): () => Cluster {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster({ tools: tools(), runtime: runtime(), network, ...options });
    process.stdout.write(`cluster started (ms): ${JSON.stringify(cluster.startTimes)}\n`);
  }, 150_000);
  afterEach((context) => {
    // An `it.fails` check fails on purpose: its logs say nothing new.
    if (context.task.result?.state === 'fail' && !context.task.fails && cluster) process.stderr.write(`${cluster.logs()}\n--- ${cluster.runtime.name} ---\n${cluster.runtime.log().slice(-3000)}\n`);
  });
  afterAll(async () => {
    await cluster?.stop();
  }, 120_000);
  return () => {
    if (!cluster) throw new Error('the cluster did not start');
    return cluster;
  };
}

/** The last test: the leftovers check sees the running cluster (`components` among it), and nothing once it is stopped. */
export function teardownCheck(cluster: () => Cluster, components: readonly string[], beforeStop?: () => Promise<void>, { ranPods = true } = {}): void {
  it('leaves nothing on the host after teardown', async () => {
    const c = cluster();
    // The check is not blind: on the running cluster it sees the components, the namespace, the cgroup and the state dir.
    const running = (await c.leftovers()).join('\n');
    for (const expected of [...components, `network namespace ${c.namespaces.netnsName}`, `state dir ${c.stateDir}`, 'cgroup /sys/fs/cgroup/']) expect(running).toContain(expected);
    // What the test started beside the cluster goes first, in order, so the cluster's last resort (SIGKILL) does not have to take it.
    await beforeStop?.();
    await c.stop();
    process.stdout.write(`cluster stopped (ms): ${JSON.stringify(c.stopTimes)}\n`);
    // What the runtime and kubelet wrote to /run, /var/lib and /var/log went to the state dir, under names leftovers() looks for on the host.
    // A cluster that ran no pod wrote nothing there.
    if (ranPods) expect(c.ownHostPaths().length).toBeGreaterThan(0);
    expect(await c.leftovers()).toEqual([]);
  }, 120_000);
}

/** One row of what a suite must report: its status, and for a failure or skip the text its reason must contain. */
export interface ExpectedSuiteRow {
  readonly status: string;
  readonly because?: RegExp;
}

/**
 * Runs `conformal run <argv…> --report-dir …` inside the cluster's namespaces (kube-apiserver listens
 * there only; nsenter --mount starts it in /, hence the absolute path), prints its time and counts, and
 * answers every difference from `expected` (status by test id, and each reason) with the CLI's output.
 */
export async function suiteMismatches(c: Cluster, argv: readonly string[], reportDir: string, expected: Readonly<Record<string, ExpectedSuiteRow>>, timeoutMs: number): Promise<{ mismatches: string[]; output: string }> {
  const repo = join(import.meta.dirname ?? '.', '../../..');
  const started = Date.now();
  const [command, ...args] = c.namespaces.enter([process.execPath, join(repo, 'bin', 'conformal.js'), 'run', ...argv, '--report-dir', reportDir]);
  const run = await execFile(command!, args, { cwd: repo, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs }).catch((error: { stdout?: string; stderr?: string }) => error);
  process.stdout.write(`${argv[0]} suite on the one-node cluster: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const output = `--- CLI output ---\n${String(run.stdout ?? '').slice(-6000)}\n--- CLI stderr ---\n${String(run.stderr ?? '').slice(-2000)}`;
  const resultsFile = join(reportDir, 'artifacts', 'results.json');
  expect(existsSync(resultsFile), output).toBe(true);
  const results = (JSON.parse(readFileSync(resultsFile, 'utf8')) as { results: Array<{ id: string; status: string; reason?: string }> }).results;
  const count = (status: string) => results.filter((r) => r.status === status).length;
  process.stdout.write(`${argv[0]} suite results: ${results.length} tests, ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped\n`);
  const mismatches = results.filter((r) => expected[r.id]?.status !== r.status).map((r) => `${r.id}: expected ${expected[r.id]?.status ?? '(no row)'}, got ${r.status} — ${r.reason ?? ''}`);
  for (const id of Object.keys(expected)) if (!results.some((r) => r.id === id)) mismatches.push(`${id}: expected but not run`);
  for (const [id, row] of Object.entries(expected)) {
    const result = results.find((r) => r.id === id);
    if (row.because && result && !row.because.test(result.reason ?? '')) mismatches.push(`${id}: its reason does not say ${row.because}: ${result.reason ?? ''}`);
  }
  return { mismatches, output };
}
