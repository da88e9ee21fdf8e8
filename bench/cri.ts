// CRI figures from issue 4: whole-suite wall time against the embedded reference (and against a
// real runtime when CONFORMAL_CRI_BENCH_ENDPOINT names one, e.g. a containerd started by hand;
// goal for containerd < 60 s on 2 cores) and lifecycle latency percentiles for both.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { packagePath } from '../src/core/paths.js';
import { figure, heading } from './stats.js';

const run = promisify(execFile);
const cli = packagePath('bin', 'conformal.js');

async function suiteWallTime(label: string, args: string[], goalSeconds?: number): Promise<void> {
  const started = performance.now();
  const result = await run(process.execPath, [cli, 'run', 'cri', '-q', ...args], { maxBuffer: 64 * 1024 * 1024 }).catch((error: { stdout?: string }) => error);
  const seconds = (performance.now() - started) / 1000;
  figure(`conformal run cri against ${label}, whole process`, seconds, 's', goalSeconds ? `(goal < ${goalSeconds} s)` : '');
  const summary = String(result.stdout ?? '').trim().split('\n').find((line) => line.includes(' passed, '));
  if (summary) process.stdout.write(`  ${summary}\n`);
}

async function lifecycle(label: string, args: string[]): Promise<void> {
  const { stdout } = await run(process.execPath, [cli, 'bench', 'cri', '--iterations', '20', ...args], { maxBuffer: 16 * 1024 * 1024 });
  process.stdout.write(`  lifecycle latency against ${label}:\n${stdout.replace(/^/gm, '    ')}`);
}

export async function benchCri(): Promise<void> {
  heading('cri');
  await suiteWallTime('the embedded reference', []);
  await lifecycle('the embedded reference', []);
  const endpoint = process.env.CONFORMAL_CRI_BENCH_ENDPOINT;
  if (!endpoint) {
    process.stdout.write('  (set CONFORMAL_CRI_BENCH_ENDPOINT=unix:///path/containerd.sock to measure a real runtime too)\n');
    return;
  }
  await suiteWallTime(endpoint, ['--runtime-endpoint', endpoint], 60);
  await lifecycle(endpoint, ['--runtime-endpoint', endpoint]);
}
