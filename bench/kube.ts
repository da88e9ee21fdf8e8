// Benchmark of the in-memory Kubernetes API server (run as users run it: `conformal kube serve`
// in its own process) and, when CONFORMAL_KUBE_APISERVER and CONFORMAL_ETCD are set, a real
// kube-apiserver with etcd in the same run. Figures: creates per second, listing 10k objects,
// watch event latency with 100 watchers, memory per 10k objects. Goals: >= 5k creates/s,
// watch p99 < 10 ms on 2 cores. Reports only; never asserts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packagePath } from '../src/core/paths.js';
import { RawKubeClient, type KubeEndpoint } from './kube-client.js';
import { LoadClient } from './kube-load.js';
import { startRealApiServer } from './kube-real-apiserver.js';
import { distribution, figure, heading } from './stats.js';

const OBJECTS = Number(process.env.CONFORMAL_KUBE_BENCH_OBJECTS ?? 10_000);
const CONCURRENCY = 32;
/** Creates before the measured ones, in another namespace: the rate of a warm server is measured, not its JIT warm-up. */
const WARMUP = Number(process.env.CONFORMAL_KUBE_BENCH_WARMUP ?? 5_000);
const WATCHERS = 100;
const WATCHED_EVENTS = 300;

interface Target extends KubeEndpoint {
  name: string;
  pids: number[];
  close(): Promise<void>;
}

async function rssKiB(pids: number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return total;
}

/** CPU seconds (user + system) the processes have used: robust to other load on the machine. */
async function cpuSeconds(pids: number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

async function startOurs(): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'conformal-kube-bench-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const child: ChildProcess = spawn(process.execPath, [packagePath('bin', 'conformal.js'), 'kube', 'serve', '--kubeconfig-out', kubeconfig], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('conformal kube serve did not start in 20 s')), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('Kubernetes API server at')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`conformal kube serve exited ${code}`)));
  });
  const config = parse(await readFile(kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  const cluster = config.clusters[0]!.cluster;
  return {
    name: 'in-memory (conformal kube serve)',
    url: cluster.server,
    token: config.users[0]!.user.token,
    caCert: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
    pids: [child.pid!],
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Creates through the lean load client, requests prepared before the clock starts. */
async function createMany(load: LoadClient, namespace: string, count: number): Promise<number> {
  const requests = Array.from({ length: count }, (_, i) => load.prepare('POST', `/api/v1/namespaces/${namespace}/configmaps`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, labels: { bench: 'yes' } }, data: { index: String(i), payload: 'x'.repeat(64) } })));
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const r = await load.send(requests[i]!);
      if (r.code !== 201) throw new Error(`create cm-${i}: ${r.code} ${r.body.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - started) / 1000;
}

async function measure(target: Target): Promise<void> {
  heading(`kube: ${target.name}`);
  const client = new RawKubeClient(target, CONCURRENCY);
  const load = new LoadClient(target, CONCURRENCY);
  try {
    for (const ns of ['bench', 'bench-watch', 'bench-warmup']) {
      const r = await client.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      if (r.code !== 201) throw new Error(`namespace ${ns}: ${r.code}`);
    }
    if (WARMUP > 0) {
      const warmup = await createMany(load, 'bench-warmup', WARMUP);
      figure(`warm-up creates (${WARMUP} ConfigMaps, not measured below)`, Math.round(WARMUP / warmup), 'creates/s', '(a freshly started server)');
      // Removed again, so the list below and the memory figure see the same store as without warm-up.
      const removed = await client.request('DELETE', '/api/v1/namespaces/bench-warmup/configmaps');
      if (removed.code !== 200) throw new Error(`deleting the warm-up ConfigMaps: ${removed.code}`);
    }
    const rssBefore = await rssKiB(target.pids);
    const cpuBefore = await cpuSeconds(target.pids);
    const clientBefore = process.cpuUsage();
    const seconds = await createMany(load, 'bench', OBJECTS);
    const cpu = (await cpuSeconds(target.pids)) - cpuBefore;
    const clientUsage = process.cpuUsage(clientBefore);
    figure(`creates (${OBJECTS} ConfigMaps, ${CONCURRENCY} in flight)`, Math.round(OBJECTS / seconds), 'creates/s', '(goal >= 5000; client in this process)');
    figure('server CPU per create', Math.round((cpu / OBJECTS) * 1e6), 'µs', `(=> ${Math.round(OBJECTS / Math.max(cpu, 0.01))} creates per server CPU-second)`);
    // Client and server share the two cores: whichever needs more CPU per create sets the pace.
    figure('client CPU per create', Math.round((clientUsage.user + clientUsage.system) / OBJECTS), 'µs', '(this process: the lean keep-alive HTTPS load client)');
    const rssAfter = await rssKiB(target.pids);
    figure(`memory for ${OBJECTS} objects (RSS growth)`, Math.round((rssAfter - rssBefore) / 1024), 'MiB', `(RSS now ${Math.round(rssAfter / 1024)} MiB)`);

    const listTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const r = await client.request('GET', '/api/v1/namespaces/bench/configmaps');
      listTimes.push(performance.now() - started);
      if (r.code !== 200 || r.body.items.length !== OBJECTS) throw new Error(`list answered ${r.code} with ${r.body?.items?.length} items`);
    }
    figure(`list of ${OBJECTS} objects, p50 of 5`, distribution(listTimes).p50, 'ms');

    const sent = new Map<string, number>();
    const latencies: number[] = [];
    const watchers: { close(): void }[] = [];
    for (let i = 0; i < WATCHERS; i++) {
      // Only the name is needed: finding it in the raw line keeps 100 streams' parsing off the clock.
      const stream = await load.watch('/api/v1/namespaces/bench-watch/configmaps?watch=true&resourceVersion=0', (line) => {
        const received = performance.now();
        const m = /"name":"(w-\d+)"/.exec(line);
        const at = m ? sent.get(m[1]!) : undefined;
        if (at !== undefined && line.startsWith('{"type":"ADDED"')) latencies.push(received - at);
      });
      watchers.push(stream);
    }
    try {
      for (let i = 0; i < WATCHED_EVENTS; i++) {
        const name = `w-${i}`;
        const request = load.prepare('POST', '/api/v1/namespaces/bench-watch/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }));
        sent.set(name, performance.now());
        const r = await load.send(request);
        if (r.code !== 201) throw new Error(`create ${name}: ${r.code}`);
      }
      const deadline = Date.now() + 30_000;
      while (latencies.length < WATCHERS * WATCHED_EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      for (const w of watchers) w.close();
    }
    const d = distribution(latencies);
    figure(`watch latency p50 (${WATCHERS} watchers, ${WATCHED_EVENTS} creates)`, d.p50, 'ms', '(create sent -> event received)');
    figure('watch latency p99', d.p99, 'ms', '(goal < 10)');
    figure('watch events delivered', latencies.length, 'events', `of ${WATCHERS * WATCHED_EVENTS}`);
  } finally {
    load.close();
    client.close();
  }
}

export async function benchKube(): Promise<void> {
  // The figures depend on what else the machine runs; say so next to them.
  process.stdout.write(`\nkube: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start\n`);
  const ours = await startOurs();
  try {
    await measure(ours);
  } finally {
    await ours.close();
  }
  const apiserver = process.env.CONFORMAL_KUBE_APISERVER;
  const etcd = process.env.CONFORMAL_ETCD;
  if (!apiserver || !etcd || !existsSync(apiserver) || !existsSync(etcd)) {
    process.stdout.write('  (real kube-apiserver not measured: set CONFORMAL_KUBE_APISERVER and CONFORMAL_ETCD, see .ci/setup/80-go-peers.sh and .ci/setup/30-kube.sh)\n');
    return;
  }
  const real = await startRealApiServer(apiserver, etcd);
  try {
    await measure({ ...real, name: 'real kube-apiserver v1.37 + etcd (loopback, --unsafe-no-fsync)' });
  } finally {
    await real.close();
  }
}
