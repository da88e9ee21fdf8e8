// SMI figures. `conformal run smi` against the embedded default, whole process (goal < 10 s on 2
// cores, the 500-request weight checks included), and requests per second through the reference
// data plane (client proxy -> server proxy -> workload, over loopback), HTTP, TCP and UDP, 10 in
// flight, in this process (its CPU covers the API server's share). Reports only.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { packagePath } from '../src/core/paths.js';
import { startKubeServer } from '../src/kube/index.js';
import { startReferenceMesh, type ReferenceMeshHandle, type SendRequest } from '../src/reference/smi/index.js';
import { distribution, figure, heading } from './stats.js';

const run = promisify(execFile);
const cli = packagePath('bin', 'conformal.js');
const RUNS = Number(process.env.CONFORMAL_SMI_BENCH_RUNS ?? 3);
const REQUESTS = Number(process.env.CONFORMAL_SMI_BENCH_REQUESTS ?? 5000);

async function measureRun(): Promise<{ wall: number; cpu: number; summary: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'conformal-smi-bench-'));
  try {
    const timing = join(dir, 'time.txt');
    const result = await run('/usr/bin/time', ['-f', '%e %U %S', '-o', timing, process.execPath, cli, 'run', 'smi', '-q', '--report-dir', join(dir, 'report')], { maxBuffer: 64 * 1024 * 1024 }).catch((error: { stdout?: string }) => error);
    const [wall, user, system] = (await readFile(timing, 'utf8')).trim().split('\n').at(-1)!.split(' ').map(Number);
    const summary = String(result.stdout ?? '').trim().split('\n').find((line) => line.includes(' passed, ')) ?? '';
    return { wall: wall!, cpu: user! + system!, summary };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A server pod and a client pod allowed to talk over HTTP, TCP 9000 and UDP 9100. */
async function workload(kc: ReturnType<Awaited<ReturnType<typeof startKubeServer>>['kubeConfig']>): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const ns = 'bench';
  const objects: Array<KubernetesObject & Record<string, unknown>> = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'server', namespace: ns } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'client', namespace: ns } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'server', namespace: ns, labels: { app: 'server' } }, spec: { serviceAccountName: 'server', containers: [{ name: 's', image: 'x', ports: [{ name: 'http-80', containerPort: 80 }, { name: 'tcp-9000', containerPort: 9000 }, { name: 'udp-9100', containerPort: 9100, protocol: 'UDP' }] }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'server', namespace: ns }, spec: { selector: { app: 'server' }, ports: [{ name: 'http-80', port: 80 }, { name: 'tcp-9000', port: 9000 }, { name: 'udp-9100', port: 9100, protocol: 'UDP' }] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', namespace: ns }, spec: { serviceAccountName: 'client', containers: [{ name: 'c', image: 'x' }] } },
    { apiVersion: 'specs.smi-spec.io/v1alpha4', kind: 'HTTPRouteGroup', metadata: { name: 'all', namespace: ns }, spec: { matches: [{ name: 'any', pathRegex: '.*' }] } },
    { apiVersion: 'specs.smi-spec.io/v1alpha4', kind: 'TCPRoute', metadata: { name: 'tcp', namespace: ns }, spec: { matches: { ports: [] } } },
    { apiVersion: 'specs.smi-spec.io/v1alpha4', kind: 'UDPRoute', metadata: { name: 'udp', namespace: ns }, spec: { matches: { ports: [] } } },
    { apiVersion: 'access.smi-spec.io/v1alpha3', kind: 'TrafficTarget', metadata: { name: 'allow', namespace: ns }, spec: { destination: { kind: 'ServiceAccount', name: 'server', namespace: ns }, sources: [{ kind: 'ServiceAccount', name: 'client', namespace: ns }], rules: [{ kind: 'HTTPRouteGroup', name: 'all' }, { kind: 'TCPRoute', name: 'tcp' }, { kind: 'UDPRoute', name: 'udp' }] } },
  ];
  for (const o of objects) await api.create(o);
}

async function throughput(mesh: ReferenceMeshHandle, request: SendRequest, n: number): Promise<{ rps: number; cpuMsPerRequest: number; failed: number }> {
  // Wait for the policy to be in force before timing.
  for (let i = 0; i < 200 && !(await mesh.send(request)).ok; i++) await new Promise((r) => setTimeout(r, 50));
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next++ < n) if (!(await mesh.send(request)).ok) failed++;
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { rps: n / seconds, cpuMsPerRequest: (used.user + used.system) / 1000 / n, failed };
}

async function benchDataPlane(): Promise<void> {
  heading(`smi: reference data plane, 10 in flight (load average ${loadavg()[0]!.toFixed(2)})`);
  const server = await startKubeServer();
  const mesh = await startReferenceMesh({ kubeconfig: server.kubeconfig });
  try {
    await workload(server.kubeConfig());
    const base = { from: { namespace: 'bench', pod: 'client' }, service: 'server', namespace: 'bench' };
    for (const [label, request, n] of [
      ['HTTP', { ...base, protocol: 'http', port: 80, path: '/' }, REQUESTS],
      ['TCP', { ...base, protocol: 'tcp', port: 9000 }, REQUESTS],
      ['UDP', { ...base, protocol: 'udp', port: 9100 }, REQUESTS],
    ] as const) {
      const t = await throughput(mesh, request as SendRequest, n);
      figure(`${label}: requests per second (${n} requests${t.failed ? `, ${t.failed} failed` : ''})`, t.rps, '/s');
      figure(`${label}: CPU per request`, t.cpuMsPerRequest, 'ms');
    }
  } finally {
    await mesh.close();
    await server.close();
  }
}

export async function benchSmi(): Promise<void> {
  heading('smi');
  process.stdout.write(`  ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measureRun());
  const walls = distribution(runs.map((r) => r.wall));
  figure(`conformal run smi, embedded reference: whole process, median of ${RUNS}`, walls.p50, 's', `(goal < 10 s: ${(walls.p50 / 10).toFixed(2)}x)`);
  figure('conformal run smi: CPU (user+system), median', distribution(runs.map((r) => r.cpu)).p50, 's');
  if (runs[0]?.summary) process.stdout.write(`  ${runs[0].summary}\n`);
  await benchDataPlane();
}
