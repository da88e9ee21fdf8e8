// CNI figures: whole-process time of `conformal run cni` against the embedded
// reference, both profiles (goal < 3 s on 2 cores), and what one start of a reference plugin costs
// next to a bare `node -e 0`: a run starts a plugin process for every CNI call and for every
// executed IPAM delegation (about 150), so the start cost times that count is most of a run. The
// floor is taken without NODE_EXTRA_CA_CERTS, as the reference's launchers start Node; when the
// variable is set, a start with it is shown too (Node 20 parses that file at every start).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { packagePath } from '../src/core/paths.js';
import { distribution, figure, heading } from './stats.js';

const run = promisify(execFile);
const GOAL_SECONDS = 3;
const RUNS_PER_PROFILE = 3;
const STARTS = 20;

/** CPU seconds (user+system) of this process's waited-for descendants, from /proc (Linux): fields cutime and cstime. */
async function childrenCpuSeconds(): Promise<number> {
  const fields = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // clock ticks (USER_HZ = 100)
}

/** Wall and CPU seconds of one child process (and everything it started and waited for). */
async function timed(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ wall: number; cpu: number; stdout: string }> {
  const cpuBefore = await childrenCpuSeconds();
  const started = performance.now();
  const child = run(file, [...args], { maxBuffer: 16 * 1024 * 1024, env: options.env ?? process.env });
  child.child.stdin?.end(options.input ?? '');
  const { stdout } = await child;
  const wall = (performance.now() - started) / 1000;
  return { wall, cpu: (await childrenCpuSeconds()) - cpuBefore, stdout };
}

/** The runs compared: both profiles; as root (real namespaces by default) also simulated ones, to show what real namespaces cost. */
function variants(): Record<string, string[]> {
  const runs: Record<string, string[]> = { '--profile compatible': ['--profile', 'compatible'], '--profile strict': ['--profile', 'strict'] };
  if (process.getuid?.() === 0) runs['--profile compatible --simulated-netns'] = ['--profile', 'compatible', '--simulated-netns'];
  return runs;
}

async function wholeProcess(): Promise<void> {
  const runs = variants();
  const samples = Object.fromEntries(Object.keys(runs).map((name) => [name, { wall: [] as number[], cpu: [] as number[] }]));
  // Alternating, so a change of load on a shared machine hits every variant alike.
  for (let i = 0; i < RUNS_PER_PROFILE; i++) {
    for (const [name, args] of Object.entries(runs)) {
      const { wall, cpu, stdout } = await timed(process.execPath, [packagePath('bin', 'conformal.js'), 'run', 'cni', ...args, '-q']);
      if (!/ passed/.test(stdout)) throw new Error(`conformal run cni ${name} printed no summary`);
      samples[name]!.wall.push(wall);
      samples[name]!.cpu.push(cpu);
    }
  }
  for (const [name, { wall, cpu }] of Object.entries(samples)) {
    const w = distribution(wall);
    figure(`run cni ${name}`, w.p50, 's', `median wall of ${w.count} (goal < ${GOAL_SECONDS} s: ${(w.p50 / GOAL_SECONDS).toFixed(2)}× the goal)`);
    figure('  fastest / slowest', Math.min(...wall), 's', `/ ${Math.max(...wall).toFixed(2)} s`);
    figure('  CPU (user+system, plugins included)', distribution(cpu).p50, 's', 'median');
  }
}

/** CPU per start of `file args` with CNI_COMMAND=VERSION and an empty stdin, over STARTS sequential starts. */
async function cpuPerStart(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ cpuMs: number; wallMs: number }> {
  let cpu = 0;
  let wall = 0;
  for (let i = 0; i < STARTS; i++) {
    const sample = await timed(file, args, { env: { ...env, CNI_COMMAND: 'VERSION' } });
    cpu += sample.cpu;
    wall += sample.wall;
  }
  return { cpuMs: (cpu / STARTS) * 1000, wallMs: (wall / STARTS) * 1000 };
}

async function pluginStart(): Promise<void> {
  const { NODE_EXTRA_CA_CERTS: extraCa, ...withoutExtraCa } = process.env;
  const bare = await cpuPerStart(process.execPath, ['-e', '0'], withoutExtraCa);
  const plugin = await cpuPerStart(packagePath('bin', 'conformal-cni-ref.cjs'), []);
  const ipam = await cpuPerStart(packagePath('bin', 'conformal-cni-ref-ipam.cjs'), []);
  figure(`node -e 0, the floor (Node ${process.versions.node})`, bare.cpuMs, 'ms CPU', `${bare.wallMs.toFixed(0)} ms wall, mean of ${STARTS}, without NODE_EXTRA_CA_CERTS`);
  if (extraCa) {
    const withCa = await cpuPerStart(process.execPath, ['-e', '0']);
    figure('node -e 0 with NODE_EXTRA_CA_CERTS', withCa.cpuMs, 'ms CPU', `${(withCa.cpuMs / bare.cpuMs).toFixed(2)}× the floor (the launchers start Node without it)`);
  }
  figure('conformal-ref VERSION', plugin.cpuMs, 'ms CPU', `${plugin.wallMs.toFixed(0)} ms wall (${(plugin.cpuMs / bare.cpuMs).toFixed(2)}× the floor)`);
  figure('conformal-ref-ipam VERSION', ipam.cpuMs, 'ms CPU', `${ipam.wallMs.toFixed(0)} ms wall (${(ipam.cpuMs / bare.cpuMs).toFixed(2)}× the floor)`);
}

export async function benchCni(): Promise<void> {
  heading('cni: the embedded reference');
  process.stdout.write(`  load average ${(await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')} at start\n`);
  await pluginStart();
  await wholeProcess();
  process.stdout.write(`  load average ${(await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')} at end\n`);
}
