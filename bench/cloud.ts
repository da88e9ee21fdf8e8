// Benchmark of the embedded cloud target: conformal's in-memory API server with the reference
// cloud on it, from startReferenceCloud to a settled cluster (standing nodes registered,
// initialised, routed). Both run in this process, as `conformal run cloud` runs them, so the CPU
// figure covers the API server's share too. Goal: well under 1 s of CPU. Reports only.
import { loadavg } from 'node:os';
import { startKubeServer } from '../src/kube/index.js';
import { startReferenceCloud } from '../src/reference/cloud/index.js';
import { distribution, figure, heading } from './stats.js';

const RUNS = Number(process.env.CONFORMAL_CLOUD_BENCH_RUNS ?? 10);

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

export async function benchCloud(): Promise<void> {
  heading(`cloud: reference cloud start to settled (2 standing nodes; load average ${loadavg()[0]!.toFixed(2)})`);
  const first = await settleOnce();
  figure('first start in the process, wall', first.wallMs, 'ms');
  figure('first start in the process, CPU', first.cpuMs, 'ms', '(goal: well under 1000 ms)');
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await settleOnce());
  const wall = distribution(runs.map((r) => r.wallMs));
  const cpu = distribution(runs.map((r) => r.cpuMs));
  figure(`later starts (${RUNS}), wall p50`, wall.p50, 'ms');
  figure(`later starts (${RUNS}), wall max`, wall.max, 'ms');
  figure(`later starts (${RUNS}), CPU p50`, cpu.p50, 'ms');
  figure(`later starts (${RUNS}), CPU max`, cpu.max, 'ms');
}
