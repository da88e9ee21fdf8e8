// CSI figures from issue 2: whole-process time of `conformal run csi` against the embedded
// reference (goal < 1 s on 2 cores; csi-sanity needs 0.37–0.65 s for 67 specs against host-path),
// the vendor path beside csi-sanity against one external driver, with the least CPU a Node client
// can spend on the suite (bench/csi-warm-floor.ts), and the reference driver's CreateVolume
// throughput with 16 concurrent clients over a unix socket (goal >= 10k ops/s).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setMaxListeners } from 'node:events';
import { promisify } from 'node:util';
import { packagePath } from '../src/core/paths.js';
import { CHANNEL_OPTIONS, grpc, loadProto, lookup, unary } from '../src/transport/grpc.js';
import { CSI_PROTO_PATH } from '../src/reference/csi/server.js';
import { distribution, figure, heading } from './stats.js';

const run = promisify(execFile);

async function wholeProcess(): Promise<void> {
  // A fresh code-cache directory: the first run starts without a cache (as right after install), the later ones with it.
  const cacheHome = await mkdtemp(join(tmpdir(), 'conformal-bench-cache-'));
  const samples: number[] = [];
  const cpu: number[] = [];
  let summary = '';
  try {
    for (let i = 0; i < 8; i++) {
      const timed = await timedRun([process.execPath, packagePath('bin', 'conformal.js'), 'run', 'csi', '-q'], cacheHome, { ...process.env, XDG_CACHE_HOME: cacheHome });
      samples.push(timed.wall * 1000);
      cpu.push(timed.cpu);
      summary = timed.output.trim().split('\n').find((line) => line.includes(' passed, ')) ?? '';
    }
  } finally {
    await rm(cacheHome, { recursive: true, force: true });
  }
  const [first, ...later] = samples;
  const d = distribution(later);
  figure(`conformal run csi, whole process, Node ${process.versions.node}`, d.p50 / 1000, 's', `median of ${later.length} (goal < 1 s: ${(d.p50 / 1000).toFixed(2)}× of goal); CPU ${distribution(cpu.slice(1)).p50.toFixed(2)} s`);
  figure('  fastest / slowest', Math.min(...later) / 1000, 's', `/ ${(Math.max(...later) / 1000).toFixed(3)} s`);
  figure('  first run, no code cache yet', first! / 1000, 's', `CPU ${cpu[0]!.toFixed(2)} s`);
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

interface LoadResult {
  readonly clients: number;
  readonly ops: number;
  readonly errors: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly firstError?: string;
}

/** Builds bench/csi-load (our Go load client, modules from the Go module proxy) into the tools cache. */
async function buildLoadClient(): Promise<string | undefined> {
  const tools = process.env.CONFORMAL_TOOLS ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'conformal-tools');
  const binary = join(tools, 'bin', 'csi-load');
  try {
    await run('go', ['build', '-trimpath', '-o', binary, '.'], { cwd: packagePath('bench', 'csi-load'), timeout: 300_000 });
    return binary;
  } catch (error) {
    process.stdout.write(`  (Go load client not built: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})\n`);
    return undefined;
  }
}

/** Measures `body` and the server's CPU seconds over it. */
async function withServerCpu<T>(server: ChildProcess, body: () => Promise<T>): Promise<{ value: T; serverCpu: number }> {
  const before = await processCpuSeconds(server.pid!);
  const value = await body();
  return { value, serverCpu: (await processCpuSeconds(server.pid!)) - before };
}

function throughputFigures(label: string, ops: number, seconds: number, serverCpu: number, p50Ms: number, p99Ms: number): void {
  const perSecond = ops / seconds;
  figure(label, Math.round(perSecond), 'ops/s', `(goal >= 10000: ${(perSecond / 10_000).toFixed(2)}× of goal)`);
  figure('  latency p50', p50Ms, 'ms');
  figure('  latency p99', p99Ms, 'ms');
  figure('  server CPU per call', (serverCpu / ops) * 1e6, 'µs', `(server busy ${Math.round((serverCpu / seconds) * 100)} % of a core)`);
}

/** 16 Go clients (grpc-go, one connection each): the load generator costs little, so the figure is the server's. */
async function goClientThroughput(socket: string, server: ChildProcess, binary: string): Promise<void> {
  const { value: stdout, serverCpu } = await withServerCpu(server, async () => {
    // The server CPU window includes the 1 s warm-up; it is subtracted pro rata below.
    const { stdout } = await run(binary, ['-endpoint', `unix://${socket}`, '-clients', '16', '-duration', '5s', '-warmup', '1s'], { timeout: 60_000 });
    return stdout;
  });
  const result = JSON.parse(stdout) as LoadResult;
  if (result.errors > 0) throw new Error(`${result.errors} CreateVolume calls failed: ${result.firstError ?? ''}`);
  const measuredShare = result.seconds / (result.seconds + 1);
  throughputFigures('CreateVolume, 16 Go clients, unix socket', result.ops, result.seconds, serverCpu * measuredShare, result.p50Ms, result.p99Ms);
}

/** The same load from 16 grpc-js channels in this process: on 2 cores the Node client, not the server, is the limit. */
async function nodeClientThroughput(socket: string, server: ChildProcess): Promise<void> {
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
    const clientCpuBefore = process.cpuUsage();
    const { serverCpu } = await withServerCpu(server, async () => {
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
    });
    const clientUsage = process.cpuUsage(clientCpuBefore);
    const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;
    const d = distribution(latencies);
    throughputFigures('CreateVolume, 16 grpc-js clients, unix socket', ops, durationMs / 1000, serverCpu, d.p50, d.p99);
    figure('  client CPU per call', (clientCpu / ops) * 1e6, 'µs', `(client busy ${Math.round((clientCpu / (durationMs / 1000)) * 100)} % of a core)`);
  } finally {
    for (const client of channels) client.close();
  }
}

async function createVolumeThroughput(): Promise<void> {
  const binary = await buildLoadClient();
  for (const client of ['go', 'grpc-js'] as const) {
    if (client === 'go' && !binary) continue;
    // A fresh server per client kind, so neither measurement inherits the other's 80k volumes.
    const dir = await mkdtemp(join(tmpdir(), 'conformal-bench-csi-'));
    const socket = join(dir, 'csi.sock');
    const server = await startStandaloneReference(socket);
    try {
      if (client === 'go') await goClientThroughput(socket, server, binary!);
      else await nodeClientThroughput(socket, server);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
      await rm(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write('  (server: `conformal reference csi` in its own process, as csi-sanity or a CO would use it)\n');
}

/** One timed run of a process under GNU time: wall and user+system CPU seconds of it and its children. */
async function timedRun(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ wall: number; cpu: number; output: string }> {
  const timesFile = join(cwd, 'times');
  const started = performance.now();
  // Failures are results here (a failed spec exits non-zero); only the figures matter.
  const output = await run('/usr/bin/time', ['-f', '%U %S', '-o', timesFile, ...argv], { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 })
    .then((r) => r.stdout + r.stderr)
    .catch((error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`);
  const wall = (performance.now() - started) / 1000;
  const [user, system] = (await readFile(timesFile, 'utf8')).trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall, cpu: user! + system!, output };
}

/**
 * The vendor path: conformal and csi-sanity (CONFORMAL_CSI_SANITY, built by .ci/setup/20-csi.sh)
 * against the same external driver (`conformal reference csi` served alone), alternating, so both
 * see the same load. Per test = the client's CPU over the tests it ran (skips excluded).
 * Both write a JUnit file: csi-sanity --csi.junitfile; conformal --report-dir --no-html-report
 * (junit_01.xml, results.json, started.json, finished.json, build-log.txt). conformal's code cache
 * lives in a directory of this benchmark's own, warmed by one untimed run of each tool first, as on
 * a machine that has run conformal before: the shared cache of the user running the benchmark may
 * be rewritten meanwhile by another conformal build.
 */
async function againstCsiSanity(): Promise<void> {
  const sanity = process.env.CONFORMAL_CSI_SANITY;
  if (!sanity) {
    process.stdout.write('  (skipped: set CONFORMAL_CSI_SANITY to a csi-sanity binary, as .ci/setup/20-csi.sh does)\n');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'conformal-bench-vendor-'));
  const socket = join(dir, 'csi.sock');
  const server = await startStandaloneReference(socket);
  const rounds = 7;
  const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
  const results = { conformal: [] as { wall: number; cpu: number; tests: number }[], sanity: [] as { wall: number; cpu: number; tests: number }[] };
  const conformalRun = async (name: string) => {
    const c = await timedRun([process.execPath, packagePath('bin', 'conformal.js'), 'run', 'csi', '--endpoint', `unix://${socket}`, '-q', '--report-dir', join(dir, name), '--no-html-report'], dir, env);
    const counts = /(\d+) passed, (\d+) failed/.exec(c.output);
    if (!counts) throw new Error(`conformal printed no summary:\n${c.output.slice(-2000)}`);
    return { wall: c.wall, cpu: c.cpu, tests: Number(counts[1]) + Number(counts[2]) };
  };
  const sanityRun = async () => {
    const work = await mkdtemp(join(dir, 'sanity-'));
    const s = await timedRun([sanity, `--csi.endpoint=unix://${socket}`, `--csi.mountdir=${join(work, 'mount')}`, `--csi.stagingdir=${join(work, 'staging')}`, '--csi.testvolumesize=16777216', `--csi.junitfile=${join(work, 'junit.xml')}`, '--ginkgo.no-color'], work);
    const ran = /Ran (\d+) of \d+ Specs/.exec(s.output);
    if (!ran) throw new Error(`csi-sanity printed no summary:\n${s.output.slice(-2000)}`);
    return { wall: s.wall, cpu: s.cpu, tests: Number(ran[1]) };
  };
  const fixed = { oneTest: [] as number[], bareNode: [] as number[] };
  let floor: WarmFloor | undefined;
  try {
    await conformalRun('warm-up'); // writes the code cache
    await sanityRun();
    for (let round = 0; round < rounds; round++) {
      results.conformal.push(await conformalRun(`report-${round}`));
      results.sanity.push(await sanityRun());
      // What no test avoids: starting Node, and conformal's start, connect and reports around one test.
      fixed.bareNode.push((await timedRun([process.execPath, '-e', '0'], dir)).cpu);
      fixed.oneTest.push((await timedRun([process.execPath, packagePath('bin', 'conformal.js'), 'run', 'csi', '--endpoint', `unix://${socket}`, '-q', '--focus', 'csi.identity.get-plugin-info.name-format', '--report-dir', join(dir, `one-${round}`), '--no-html-report'], dir, env)).cpu);
    }
    floor = await warmFloor(socket);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
  const summarise = (samples: { wall: number; cpu: number; tests: number }[]) => ({ wall: distribution(samples.map((x) => x.wall)).p50, cpu: distribution(samples.map((x) => x.cpu)).p50, tests: samples[0]!.tests });
  const c = summarise(results.conformal);
  const s = summarise(results.sanity);
  const perTest = (x: { cpu: number; tests: number }) => (x.cpu / x.tests) * 1000;
  figure(`conformal run csi --endpoint, ${c.tests} tests`, c.wall, 's', `wall, median of ${rounds}; CPU ${c.cpu.toFixed(2)} s`);
  figure(`csi-sanity, ${s.tests} specs`, s.wall, 's', `wall, median of ${rounds}; CPU ${s.cpu.toFixed(2)} s`);
  figure('  client CPU per test, conformal', perTest(c), 'ms', `(csi-sanity ${perTest(s).toFixed(2)} ms; ratio ${(perTest(c) / perTest(s)).toFixed(2)}, goal <= 1)`);
  figure('  wall, conformal / csi-sanity', c.wall / s.wall, '×', `(goal < 1 with ${(c.tests / s.tests).toFixed(1)}× the tests, goal > 2)`);
  process.stdout.write('  (each writes JUnit: conformal --report-dir --no-html-report, csi-sanity --csi.junitfile; code cache warmed by an untimed run)\n');
  // How far down a Node client can go: the goal allows conformal csi-sanity's CPU per test times its own tests.
  const budget = (perTest(s) / 1000) * c.tests;
  const bare = distribution(fixed.bareNode).p50;
  figure('  budget: csi-sanity per test × conformal tests', budget, 's', `of client CPU for ${c.tests} tests`);
  figure('  bare `node -e 0`', bare, 's', 'CPU, median');
  figure('  conformal, one test (start, connect, reports)', distribution(fixed.oneTest).p50, 's', 'CPU, median');
  if (floor) {
    const warm = floor.rounds.slice(-5);
    const warmCpu = distribution(warm.map((r) => r.cpuMs)).p50 / 1000;
    figure('  the suite in one warm process, first round', floor.rounds[0]!.cpuMs / 1000, 's', `CPU (${floor.rounds[0]!.tests} tests)`);
    figure('  the suite in one warm process, last 5 rounds', warmCpu, 's', `CPU, median of rounds ${floor.rounds.length - 4}-${floor.rounds.length}: ${((warmCpu / warm[0]!.tests) * 1000).toFixed(2)} ms per test`);
    figure('  floor: bare node + warm suite', bare + warmCpu, 's', `${((bare + warmCpu) / budget).toFixed(2)}× the budget, before loading any code or warming the JIT`);
  }
}

interface WarmFloor {
  readonly startupCpuMs: number;
  readonly rounds: readonly { cpuMs: number; wallMs: number; tests: number }[];
}

/** bench/csi-warm-floor.ts in a process of its own: the suite's CPU once every function is optimised. */
async function warmFloor(socket: string): Promise<WarmFloor> {
  const { stdout } = await run(process.execPath, [packagePath('dist', 'bench', 'csi-warm-floor.js'), `unix://${socket}`, '12'], { timeout: 300_000 });
  return JSON.parse(stdout) as WarmFloor;
}

export async function benchCsi(): Promise<void> {
  heading('csi: whole suite against the embedded reference');
  await wholeProcess();
  heading('csi: the vendor path, beside csi-sanity against the same external driver');
  await againstCsiSanity();
  heading('csi: reference driver throughput');
  await createVolumeThroughput();
}
