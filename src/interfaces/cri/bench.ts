// Pod and container lifecycle latency against any CRI runtime: every RPC of a lifecycle timed
// separately, reported as p50/p90/p99 per operation (critest records raw durations only).
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CriEnv } from './env.js';
import type { ContainerConfig, PodSandboxConfig } from './types.js';

export interface OperationStats {
  readonly operation: string;
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentile of sorted samples. */
function rank(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export function summarizeSamples(samples: ReadonlyMap<string, number[]>): OperationStats[] {
  return [...samples].map(([operation, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { operation, count: sorted.length, p50: rank(sorted, 50), p90: rank(sorted, 90), p99: rank(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
  });
}

export interface LifecycleBenchOptions {
  readonly iterations: number;
  readonly parallel: number;
  readonly signal: AbortSignal;
}

/** Runs `iterations` full pod + container lifecycles (`parallel` at a time) and an image lifecycle each. */
export async function benchLifecycle(env: CriEnv, options: LifecycleBenchOptions): Promise<OperationStats[]> {
  const samples = new Map<string, number[]>();
  const timed = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await call();
    const elapsed = performance.now() - started;
    samples.set(operation, [...(samples.get(operation) ?? []), elapsed]);
    return result;
  };
  const rt = <T>(method: string, request: object) => timed(method, () => env.client.runtime<T>(method, request, options.signal));
  const image = env.images.busybox;
  await env.client.image('PullImage', { image: { image } }, options.signal);

  const lifecycle = async (index: number) => {
    const name = `bench-${randomBytes(3).toString('hex')}-${index}`;
    const logDirectory = join(env.workDir, 'bench-logs', name);
    mkdirSync(logDirectory, { recursive: true });
    const podConfig: PodSandboxConfig = { metadata: { name, uid: name, namespace: 'conformal-bench' }, logDirectory, labels: { ...env.runLabel }, linux: {} };
    const { podSandboxId } = await rt<{ podSandboxId: string }>('RunPodSandbox', { config: podConfig, runtimeHandler: env.runtimeHandler });
    try {
      await rt('PodSandboxStatus', { podSandboxId });
      const config: ContainerConfig = { metadata: { name: 'work' }, image: { image }, command: ['sleep', '3600'], logPath: 'work.log', labels: { ...env.runLabel } };
      const { containerId } = await rt<{ containerId: string }>('CreateContainer', { podSandboxId, config, sandboxConfig: podConfig });
      await rt('StartContainer', { containerId });
      await rt('ContainerStatus', { containerId });
      await rt('ExecSync', { containerId, cmd: ['echo', 'bench'], timeout: 10 });
      await rt('StopContainer', { containerId, timeout: 0 });
      await rt('RemoveContainer', { containerId });
    } finally {
      await rt('StopPodSandbox', { podSandboxId });
      await rt('RemovePodSandbox', { podSandboxId });
    }
    if (env.images.scratchRepository) {
      const reference = `${env.images.scratchRepository}:bench-${randomBytes(4).toString('hex')}`;
      const { imageRef } = await timed('PullImage', () => env.client.image<{ imageRef: string }>('PullImage', { image: { image: reference } }, options.signal));
      await timed('ImageStatus', () => env.client.image('ImageStatus', { image: { image: reference } }, options.signal));
      await timed('RemoveImage', () => env.client.image('RemoveImage', { image: { image: imageRef } }, options.signal));
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < options.iterations) await lifecycle(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel) }, worker));
  return summarizeSamples(samples);
}

export function formatStats(stats: readonly OperationStats[]): string {
  const ms = (v: number) => v.toFixed(2).padStart(9);
  const lines = [`${'operation'.padEnd(22)} ${'n'.padStart(5)} ${'p50 ms'.padStart(9)} ${'p90 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'max ms'.padStart(9)}`];
  for (const s of stats) lines.push(`${s.operation.padEnd(22)} ${String(s.count).padStart(5)} ${ms(s.p50)} ${ms(s.p90)} ${ms(s.p99)} ${ms(s.max)}`);
  return lines.join('\n');
}
