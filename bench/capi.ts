// Cluster API figures. A MachineDeployment of 100 / 1,000 / 10,000 replicas on the embedded
// default (in-memory API server, reference providers and core controllers, in this process) until
// every Machine is Running: time, API requests per second, peak memory (goal: 1,000 in < 30 s on
// 2 cores); and `conformal run capi` on the embedded default, whole process (goal < 10 s). Reports only.
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

async function wholeRun(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'conformal-capi-bench-'));
  try {
    const timing = join(dir, 'time.txt');
    await run('/usr/bin/time', ['-f', '%e', '-o', timing, process.execPath, packagePath('bin', 'conformal.js'), 'run', 'capi', '-q', '--report-dir', join(dir, 'report')], { maxBuffer: 64 * 1024 * 1024 }).catch((error: unknown) => error);
    return Number((await readFile(timing, 'utf8')).trim().split('\n').at(-1));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchCapi(): Promise<void> {
  heading('capi');
  process.stdout.write(`  ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  const walls: number[] = [];
  for (let i = 0; i < RUNS; i++) walls.push(await wholeRun());
  const p50 = distribution(walls).p50;
  figure(`conformal run capi, embedded reference: whole process, median of ${RUNS}`, p50, 's', `(goal < 10 s: ${(p50 / 10).toFixed(2)}x)`);
  for (const size of SIZES) await scale(size);
}
