// Cloud-provider figures. `conformal run cloud` against the embedded default, whole process (goal
// < 5 s on 2 cores), with the node-initialisation and load-balancer latencies the suite measures;
// the same for upstream's cloud-controller-manager on a real kube-apiserver when CI built them
// (CONFORMAL_CCM_PEER, CONFORMAL_KUBE_APISERVER, CONFORMAL_ETCD); and the reference cloud's start
// to a settled cluster, in this process (its CPU covers the API server's share). Reports only.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packagePath } from '../src/core/paths.js';
import { startKubeServer } from '../src/kube/index.js';
import { startReferenceCloud } from '../src/reference/cloud/index.js';
import { distribution, figure, heading } from './stats.js';

const SETTLE_RUNS = Number(process.env.CONFORMAL_CLOUD_BENCH_SETTLE_RUNS ?? 10);

const run = promisify(execFile);
const cli = packagePath('bin', 'conformal.js');
const RUNS = Number(process.env.CONFORMAL_CLOUD_BENCH_RUNS ?? 5);
const LATENCIES = ['node_initialisation_seconds', 'load_balancer_ingress_seconds'] as const;

interface Measured {
  wall: number;
  cpu: number;
  summary: string;
  latencies: Record<string, number[]>;
}

/** One whole `conformal run cloud` under /usr/bin/time: wall and CPU seconds, and the suite's own measurements. */
async function measureRun(args: readonly string[]): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), 'conformal-cloud-bench-'));
  try {
    const timing = join(dir, 'time.txt');
    const result = await run('/usr/bin/time', ['-f', '%e %U %S', '-o', timing, process.execPath, cli, 'run', 'cloud', '-q', '--report-dir', join(dir, 'report'), ...args], { maxBuffer: 64 * 1024 * 1024 }).catch((error: { stdout?: string }) => error);
    const [wall, user, system] = (await readFile(timing, 'utf8')).trim().split('\n').at(-1)!.split(' ').map(Number);
    const results = JSON.parse(await readFile(join(dir, 'report', 'artifacts', 'results.json'), 'utf8')) as { results: Array<{ attempts?: Array<{ measurements?: Record<string, number> }> }> };
    const latencies: Record<string, number[]> = {};
    for (const name of LATENCIES) latencies[name] = results.results.flatMap((r) => (r.attempts ?? []).flatMap((a) => (a.measurements?.[name] === undefined ? [] : [a.measurements[name]!])));
    const summary = String(result.stdout ?? '').trim().split('\n').find((line) => line.includes(' passed, ')) ?? '';
    return { wall: wall!, cpu: user! + system!, summary, latencies };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function report(label: string, runs: Measured[], goalSeconds?: number): void {
  const walls = distribution(runs.map((r) => r.wall));
  figure(`${label}: whole process, median of ${runs.length}`, walls.p50, 's', goalSeconds ? `(goal < ${goalSeconds} s: ${(walls.p50 / goalSeconds).toFixed(2)}x)` : '');
  figure(`${label}: CPU (user+system), median`, distribution(runs.map((r) => r.cpu)).p50, 's');
  for (const name of LATENCIES) {
    const samples = runs.flatMap((r) => r.latencies[name] ?? []);
    if (samples.length) figure(`${label}: ${name} p50 (${samples.length} samples)`, distribution(samples).p50, 's');
  }
  if (runs[0]?.summary) process.stdout.write(`  ${runs[0].summary}\n`);
}

async function upstream(): Promise<Measured | undefined> {
  const ccm = process.env.CONFORMAL_CCM_PEER;
  const apiserver = process.env.CONFORMAL_KUBE_APISERVER;
  const etcd = process.env.CONFORMAL_ETCD;
  if (!ccm || !apiserver || !etcd) {
    process.stdout.write('  (set CONFORMAL_CCM_PEER, CONFORMAL_KUBE_APISERVER and CONFORMAL_ETCD to measure upstream\'s CCM too)\n');
    return undefined;
  }
  const { startUpstreamCluster } = await import('../test/support/upstream-cloud.js');
  const cluster = await startUpstreamCluster({ ccm, apiserver, etcd });
  try {
    const dir = await mkdtemp(join(tmpdir(), 'conformal-cloud-bench-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, cluster.kubeconfig);
    const measured = await measureRun(['--kubeconfig', kubeconfig, '--cloud-control', cluster.cloudControlUrl]);
    await rm(dir, { recursive: true, force: true });
    return measured;
  } finally {
    await cluster.close();
  }
}

export async function benchCloud(): Promise<void> {
  heading('cloud');
  process.stdout.write(`  ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  const runs: Measured[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measureRun([]));
  report('conformal run cloud, embedded reference', runs, 5);
  const real = await upstream();
  if (real) report("upstream CCM (fake cloud) on kube-apiserver", [real]);
  await benchSettle();
}



async function settleOnce(): Promise<{ wallMs: number; cpuMs: number }> {
  const server = await startKubeServer();
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const cloud = await startReferenceCloud({ kubeconfig: server.kubeconfig });
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    await cloud.close();
    return { wallMs, cpuMs: (used.user + used.system) / 1000 };
  } finally {
    await server.close();
  }
}

async function benchSettle(): Promise<void> {
  heading(`cloud: reference cloud start to settled (2 standing nodes; load average ${loadavg()[0]!.toFixed(2)})`);
  const first = await settleOnce();
  figure('first start in the process, wall', first.wallMs, 'ms');
  figure('first start in the process, CPU', first.cpuMs, 'ms', '(goal: well under 1000 ms)');
  const runs = [];
  for (let i = 0; i < SETTLE_RUNS; i++) runs.push(await settleOnce());
  const wall = distribution(runs.map((r) => r.wallMs));
  const cpu = distribution(runs.map((r) => r.cpuMs));
  figure(`later starts (${SETTLE_RUNS}), wall p50`, wall.p50, 'ms');
  figure(`later starts (${SETTLE_RUNS}), wall max`, wall.max, 'ms');
  figure(`later starts (${SETTLE_RUNS}), CPU p50`, cpu.p50, 'ms');
  figure(`later starts (${SETTLE_RUNS}), CPU max`, cpu.max, 'ms');
}
