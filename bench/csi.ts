// CSI figures from issue 2: whole-process time of `conformal run csi` against the embedded
// reference (goal < 1 s on 2 cores; csi-sanity needs 0.37–0.65 s for 67 specs against host-path),
// and the reference driver's CreateVolume throughput with 16 concurrent clients over a unix
// socket (goal >= 10k ops/s).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setMaxListeners } from 'node:events';
import { promisify } from 'node:util';
import { packagePath } from '../src/core/paths.js';
import { CHANNEL_OPTIONS, grpc, loadProto, lookup, unary } from '../src/transport/grpc.js';
import { CSI_PROTO_PATH } from '../src/reference/csi/server.js';
import { distribution, figure, heading } from './stats.js';

const run = promisify(execFile);

async function wholeProcess(): Promise<void> {
  const samples: number[] = [];
  let summary = '';
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const { stdout } = await run(process.execPath, [packagePath('bin', 'conformal.js'), 'run', 'csi', '-q'], { maxBuffer: 16 * 1024 * 1024 });
    samples.push(performance.now() - started);
    summary = stdout.trim().split('\n').find((line) => line.includes(' passed, ')) ?? '';
  }
  const d = distribution(samples);
  figure('conformal run csi, whole process, median of 5', d.p50 / 1000, 's', `(goal < 1 s: ${(d.p50 / 1000).toFixed(2)}× of goal)`);
  figure('conformal run csi, whole process, fastest', Math.min(...samples) / 1000, 's');
  process.stdout.write(`  ${summary}\n`);
}

/** The standalone reference (`conformal reference csi`) in its own process, as csi-sanity or a CO would use it. */
async function startStandaloneReference(socket: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [packagePath('bin', 'conformal.js'), 'reference', 'csi', '--endpoint', `unix://${socket}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the reference did not start within 15 s')), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('serving')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the reference exited with ${code}`)));
  });
  return child;
}

/** user+system CPU seconds a process has used, from /proc (Linux). */
async function processCpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
}

async function createVolumeThroughput(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conformal-bench-csi-'));
  const socket = join(dir, 'csi.sock');
  const server = await startStandaloneReference(socket);
  const root = loadProto(CSI_PROTO_PATH);
  const Controller = lookup<grpc.ServiceClientConstructor>(root, 'csi.v1.Controller');
  const clients = 16;
  // A distinct channel per client (grpc-js would otherwise share one connection between them).
  const channels = Array.from({ length: clients }, (_, i) => new Controller(`unix://${socket}`, grpc.credentials.createInsecure(), { ...CHANNEL_OPTIONS, 'conformal.bench.client': i }));
  const signal = new AbortController().signal;
  setMaxListeners(100, signal); // shared by the 16 clients' calls
  const durationMs = 5000;
  const latencies: number[] = [];
  const capabilities = [{ mount: {}, accessMode: { mode: 'SINGLE_NODE_WRITER' } }];
  let ops = 0;
  try {
    // Warm-up: connect every channel and let the JIT settle.
    for (let round = 0; round < 50; round++) {
      await Promise.all(channels.map((client, i) => unary(client, 'CreateVolume', { name: `warm-${round}-${i}`, volumeCapabilities: capabilities }, signal)));
    }
    const serverCpuBefore = await processCpuSeconds(server.pid!);
    const clientCpuBefore = process.cpuUsage();
    const deadline = performance.now() + durationMs;
    await Promise.all(
      channels.map(async (client, c) => {
        for (let n = 0; performance.now() < deadline; n++) {
          const started = performance.now();
          await unary(client, 'CreateVolume', { name: `bench-${c}-${n}`, capacityRange: { requiredBytes: 1 << 20 }, volumeCapabilities: capabilities }, signal);
          latencies.push(performance.now() - started);
          ops++;
        }
      }),
    );
    const serverCpu = (await processCpuSeconds(server.pid!)) - serverCpuBefore;
    const clientUsage = process.cpuUsage(clientCpuBefore);
    const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;
    const perSecond = ops / (durationMs / 1000);
    const d = distribution(latencies);
    figure('reference CreateVolume, 16 clients, unix socket', Math.round(perSecond), 'ops/s', `(goal >= 10000: ${(perSecond / 10_000).toFixed(2)}× of goal)`);
    figure('  latency p50', d.p50, 'ms');
    figure('  latency p99', d.p99, 'ms');
    figure('  server CPU per call', (serverCpu / ops) * 1e6, 'µs', `(server busy ${Math.round((serverCpu / (durationMs / 1000)) * 100)} % of a core)`);
    figure('  client CPU per call', (clientCpu / ops) * 1e6, 'µs', `(client busy ${Math.round((clientCpu / (durationMs / 1000)) * 100)} % of a core)`);
    process.stdout.write('  (server: `conformal reference csi` in its own process; clients: grpc-js in this one)\n');
  } finally {
    for (const client of channels) client.close();
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchCsi(): Promise<void> {
  heading('csi: whole suite against the embedded reference');
  await wholeProcess();
  heading('csi: reference driver throughput');
  await createVolumeThroughput();
}
