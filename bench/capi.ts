// Cluster API figures. A MachineDeployment of 100 / 1,000 / 10,000 replicas on the embedded
// default (in-memory API server, reference providers and core controllers, in this process) until
// every Machine is Running: time, API requests per second, peak memory (goal: 1,000 in < 30 s on
// 2 cores); and `conformal run capi` on the embedded default, whole process (goal < 10 s), with its
// CPU time and the cost per test that ran. Reports only.
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packagePath } from '../src/core/paths.js';
import { startKubeServer } from '../src/kube/index.js';
import { RefKinds, startReferenceCapi } from '../src/reference/capi/index.js';
import { distribution, figure, heading } from './stats.js';

const SIZES = (process.env.CONFORMAL_CAPI_BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const RUNS = Number(process.env.CONFORMAL_CAPI_BENCH_RUNS ?? 3);
const SCALE_TIMEOUT_MS = Number(process.env.CONFORMAL_CAPI_BENCH_TIMEOUT_MS ?? 300_000);
const CORE = { group: 'cluster.x-k8s.io', version: 'v1beta2' };
const run = promisify(execFile);

/** One MachineDeployment of `replicas` from 0 to all Running, in a fresh server and reference. */
async function scale(replicas: number): Promise<void> {
  const server = await startKubeServer();
  const capi = await startReferenceCapi({ kubeconfig: server.kubeconfig });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  try {
    const kc = server.kubeConfig();
    const custom = kc.makeApiClient(CustomObjectsApi);
    const namespace = 'bench';
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
    const create = (k: { group: string; version: string; kind: string; plural: string }, body: Record<string, unknown>) =>
      custom.createNamespacedCustomObject({ ...k, namespace, body: { apiVersion: `${k.group}/${k.version}`, kind: k.kind, ...body } });
    const ref = (k: { group: string; kind: string }, name: string) => ({ apiGroup: k.group, kind: k.kind, name });
    await create(RefKinds.infraCluster, { metadata: { name: 'c' }, spec: {} });
    await create({ ...CORE, kind: 'Cluster', plural: 'clusters' }, { metadata: { name: 'c' }, spec: { infrastructureRef: ref(RefKinds.infraCluster, 'c') } });
    await create(RefKinds.infraMachineTemplate, { metadata: { name: 'w' }, spec: { template: { spec: {} } } });
    await create(RefKinds.bootstrapConfigTemplate, { metadata: { name: 'w' }, spec: { template: { spec: {} } } });
    const labels = { 'cluster.x-k8s.io/deployment-name': 'w' };
    const requestsBefore = capi.requests();
    const started = Date.now();
    await create({ ...CORE, kind: 'MachineDeployment', plural: 'machinedeployments' }, {
      metadata: { name: 'w' },
      spec: { clusterName: 'c', replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { clusterName: 'c', infrastructureRef: ref(RefKinds.infraMachineTemplate, 'w'), bootstrap: { configRef: ref(RefKinds.bootstrapConfigTemplate, 'w') } } } },
    });
    let ready = 0;
    let polls = 0;
    while (ready < replicas && Date.now() - started < SCALE_TIMEOUT_MS) {
      await new Promise((r) => setTimeout(r, 200));
      polls++;
      const md = (await custom.getNamespacedCustomObject({ ...CORE, plural: 'machinedeployments', namespace, name: 'w' })) as { status?: { readyReplicas?: number } };
      ready = md.status?.readyReplicas ?? 0;
    }
    const seconds = (Date.now() - started) / 1000;
    const requests = capi.requests() - requestsBefore + polls;
    const label = `MachineDeployment of ${replicas.toLocaleString('en')}`;
    if (ready < replicas) figure(`${label}: Running after ${seconds.toFixed(0)} s (gave up)`, ready, 'machines');
    else figure(`${label}: all Running`, seconds, 's', replicas === 1000 ? `(goal < 30 s: ${(seconds / 30).toFixed(2)}x)` : '');
    figure(`${label}: API requests per second (controllers)`, requests / seconds, '/s', `(${requests} requests)`);
    figure(`${label}: peak RSS (API server + controllers)`, peak / 2 ** 20, 'MiB');
  } finally {
    clearInterval(sampler);
    await capi.close();
    await server.close();
  }
}

interface WholeRun {
  readonly wall: number;
  /** user + system, every thread. */
  readonly cpu: number;
  /** Tests that ran (passed or failed); skipped ones cost nothing. */
  readonly ran: number;
  readonly load: number;
}

/** One whole `conformal run capi` under /usr/bin/time: wall and CPU seconds, and how many tests ran. */
async function wholeRun(): Promise<WholeRun> {
  const dir = await mkdtemp(join(tmpdir(), 'conformal-capi-bench-'));
  try {
    const timing = join(dir, 'time.txt');
    const load = loadavg()[0]!;
    await run('/usr/bin/time', ['-f', '%e %U %S', '-o', timing, process.execPath, packagePath('bin', 'conformal.js'), 'run', 'capi', '-q', '--no-html-report', '--report-dir', join(dir, 'report')], { maxBuffer: 64 * 1024 * 1024 }).catch((error: unknown) => error);
    const [wall, user, system] = (await readFile(timing, 'utf8')).trim().split('\n').at(-1)!.split(' ').map(Number);
    const { summary } = JSON.parse(await readFile(join(dir, 'report', 'artifacts', 'results.json'), 'utf8')) as { summary: { passed: number; failed: number } };
    return { wall: wall!, cpu: user! + system!, ran: summary.passed + summary.failed, load };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchCapi(): Promise<void> {
  heading('capi');
  process.stdout.write(`  ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  const runs: WholeRun[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await wholeRun());
  const wall = distribution(runs.map((r) => r.wall)).p50;
  const cpu = distribution(runs.map((r) => r.cpu)).p50;
  const ran = runs[0]!.ran;
  const loads = runs.map((r) => r.load.toFixed(1)).join(', ');
  figure(`conformal run capi, embedded reference: whole process, median of ${RUNS}`, wall, 's', `(goal < 10 s: ${(wall / 10).toFixed(2)}x; 1-min load ${loads})`);
  figure('conformal run capi: CPU (user+system, all threads), median', cpu, 's');
  // Other tests are added all the time: what one costs says more than the total.
  figure(`conformal run capi: per test that ran (${ran})`, (wall / ran) * 1000, 'ms wall', `${((cpu / ran) * 1000).toFixed(0)} ms CPU`);
  for (const size of SIZES) await scale(size);
}
