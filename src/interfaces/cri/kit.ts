// Helpers CRI tests share: configs with unique names, create-and-register-in-ledger helpers,
// waits with deadlines, assertions that raise ConformanceError with the key point first.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConformanceError } from '../../core/errors.js';
import { waitFor } from '../../core/deadline.js';
import type { TestContext } from '../../core/test.js';
import { grpc, grpcCodeName, isGrpcCode } from '../../transport/grpc.js';
import type { CriEnv } from './env.js';
import type { Container, ContainerConfig, ContainerState, ContainerStatus, Image, PodSandboxConfig, PodSandboxStatus } from './types.js';

export type CriContext = TestContext<CriEnv>;

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceError(message);
}

export function checkEqual<T>(actual: T, expected: T, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new ConformanceError(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Runs an RPC the CRI marks optional; UNIMPLEMENTED ends the test as "not supported". */
export async function optionalRpc<T>(ctx: CriContext, rpc: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isGrpcCode(error, grpc.status.UNIMPLEMENTED)) ctx.notSupported(`${rpc} answered UNIMPLEMENTED: ${(error as Error).message}`);
    throw error;
  }
}

export function rt<Res>(ctx: CriContext, method: string, request: object): Promise<Res> {
  return ctx.env.client.runtime<Res>(method, request, ctx.signal);
}

export function img<Res>(ctx: CriContext, method: string, request: object): Promise<Res> {
  return ctx.env.client.image<Res>(method, request, ctx.signal);
}

export function podConfig(ctx: CriContext, extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  const name = ctx.unique('pod');
  const logDirectory = join(ctx.env.workDir, 'logs', name);
  mkdirSync(logDirectory, { recursive: true });
  return {
    metadata: { name, uid: ctx.unique('uid'), namespace: 'conformal', attempt: 0 },
    logDirectory,
    linux: {},
    ...extra,
    labels: { ...ctx.env.runLabel, ...(extra.labels ?? {}) },
  };
}

export interface Pod {
  readonly id: string;
  readonly config: PodSandboxConfig;
}

/** Cleanup: stop and remove a sandbox; one the test already removed is fine (some runtimes answer NOT_FOUND). */
export async function removePod(ctx: CriContext, podSandboxId: string, signal: AbortSignal): Promise<void> {
  for (const method of ['StopPodSandbox', 'RemovePodSandbox']) {
    try {
      await ctx.env.client.runtime(method, { podSandboxId }, signal);
    } catch (error) {
      if (!isGrpcCode(error, grpc.status.NOT_FOUND)) throw error;
    }
  }
}

/** RunPodSandbox; the ledger stops and removes the sandbox. */
export async function runPod(ctx: CriContext, extra: Partial<PodSandboxConfig> = {}): Promise<Pod> {
  const config = podConfig(ctx, extra);
  const { podSandboxId } = await rt<{ podSandboxId: string }>(ctx, 'RunPodSandbox', { config, runtimeHandler: ctx.env.runtimeHandler });
  check(podSandboxId, 'RunPodSandbox returned an empty pod_sandbox_id');
  ctx.ledger.add(`pod sandbox ${config.metadata.name} (${podSandboxId})`, (signal) => removePod(ctx, podSandboxId, signal));
  return { id: podSandboxId, config };
}

/** Pulls an image (a no-op for runtimes that have it) and returns the image ref. */
export async function pull(ctx: CriContext, image: string, pod?: Pod): Promise<string> {
  const { imageRef } = await img<{ imageRef: string }>(ctx, 'PullImage', { image: { image }, ...(pod ? { sandboxConfig: pod.config } : {}) });
  return imageRef;
}

export function containerConfig(ctx: CriContext, extra: Partial<ContainerConfig> = {}): ContainerConfig {
  const name = ctx.unique('ctr');
  return {
    metadata: { name, attempt: 0 },
    image: { image: ctx.env.images.busybox },
    command: ['sleep', '3600'],
    logPath: `${name}.log`,
    linux: {},
    ...extra,
    // KeyValue.value is bytes on the wire (wire-compatible with the older string field).
    ...(extra.envs ? { envs: extra.envs.map((kv) => ({ key: kv.key, value: Buffer.from(String(kv.value)) as unknown as string })) } : {}),
    labels: { ...ctx.env.runLabel, ...(extra.labels ?? {}) },
  };
}

/** CreateContainer (pulling its image first); the ledger removes it. */
export async function createContainer(ctx: CriContext, pod: Pod, extra: Partial<ContainerConfig> = {}): Promise<{ id: string; config: ContainerConfig }> {
  const config = containerConfig(ctx, extra);
  await pull(ctx, config.image.image, pod);
  const { containerId } = await rt<{ containerId: string }>(ctx, 'CreateContainer', { podSandboxId: pod.id, config, sandboxConfig: pod.config });
  check(containerId, 'CreateContainer returned an empty container_id');
  ctx.ledger.add(`container ${config.metadata.name} (${containerId})`, async (signal) => {
    try {
      await ctx.env.client.runtime('RemoveContainer', { containerId }, signal);
    } catch (error) {
      if (!isGrpcCode(error, grpc.status.NOT_FOUND)) throw error;
    }
  });
  return { id: containerId, config };
}

/** Create + start: the common case. */
export async function runContainer(ctx: CriContext, pod: Pod, extra: Partial<ContainerConfig> = {}): Promise<{ id: string; config: ContainerConfig }> {
  const container = await createContainer(ctx, pod, extra);
  await rt(ctx, 'StartContainer', { containerId: container.id });
  return container;
}

export interface RunningContainer {
  readonly pod: Pod;
  readonly container: { id: string; config: ContainerConfig };
}

/** A fresh pod with one started container in it: the starting point of most container tests. */
export async function runPodWithContainer(ctx: CriContext, extra: Partial<ContainerConfig> = {}): Promise<RunningContainer> {
  const pod = await runPod(ctx);
  return { pod, container: await runContainer(ctx, pod, extra) };
}

/** StopContainer with a 1 s grace period, so tests of stopped containers do not wait out busybox's sleep. */
export async function stopContainer(ctx: CriContext, containerId: string): Promise<void> {
  await rt(ctx, 'StopContainer', { containerId, timeout: 1 });
}

export async function containerStatus(ctx: CriContext, containerId: string): Promise<ContainerStatus> {
  const { status } = await rt<{ status: ContainerStatus | null }>(ctx, 'ContainerStatus', { containerId });
  check(status, `ContainerStatus(${containerId}) returned no status`);
  return status;
}

export async function sandboxStatus(ctx: CriContext, podSandboxId: string): Promise<PodSandboxStatus> {
  const { status } = await rt<{ status: PodSandboxStatus | null }>(ctx, 'PodSandboxStatus', { podSandboxId });
  check(status, `PodSandboxStatus(${podSandboxId}) returned no status`);
  return status;
}

export function waitForState(ctx: CriContext, containerId: string, state: ContainerState, timeoutMs = 20_000): Promise<ContainerStatus> {
  let last = '';
  return waitFor(
    async () => {
      const status = await containerStatus(ctx, containerId);
      last = status.state;
      return status.state === state ? status : undefined;
    },
    { signal: ctx.signal, description: `container ${containerId} reaching ${state}`, lastSeen: () => (last ? `state ${last}` : 'no status yet'), timeoutMs },
  );
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function execSync(ctx: CriContext, containerId: string, cmd: string[], timeoutSeconds = 10): Promise<ExecResult> {
  const response = await ctx.env.client.runtime<{ stdout: Buffer; stderr: Buffer; exitCode: number }>('ExecSync', { containerId, cmd, timeout: timeoutSeconds }, ctx.signal, (timeoutSeconds + 20) * 1000);
  return { stdout: response.stdout.toString(), stderr: response.stderr.toString(), exitCode: response.exitCode };
}

/**
 * Waits until a file in the container has content (read with ExecSync `cat`, polled with backoff);
 * on timeout the error names the file and what the last read returned.
 */
export async function waitForFileContent(ctx: CriContext, containerId: string, path: string, what: string, timeoutMs = 20_000): Promise<string> {
  let last: ExecResult | undefined;
  return waitFor(
    async () => {
      last = await execSync(ctx, containerId, ['cat', path]);
      return last.exitCode === 0 && last.stdout.trim() ? last.stdout.trim() : undefined;
    },
    {
      signal: ctx.signal,
      description: `${what} (${path} in container ${containerId})`,
      lastSeen: () => (last ? `cat ${path} exited ${last.exitCode}${last.stderr.trim() ? `: ${last.stderr.trim().slice(0, 120)}` : last.stdout.trim() ? '' : ', file empty'}` : undefined),
      timeoutMs,
    },
  );
}

/** Runs a shell script in the container and expects exit 0; returns trimmed stdout. */
export async function shell(ctx: CriContext, containerId: string, script: string): Promise<string> {
  const result = await execSync(ctx, containerId, ['sh', '-c', script]);
  check(result.exitCode === 0, `sh -c ${JSON.stringify(script)} exited ${result.exitCode}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

export async function listContainers(ctx: CriContext, filter: object): Promise<Container[]> {
  const { containers } = await rt<{ containers: Container[] }>(ctx, 'ListContainers', { filter });
  return containers;
}

export async function imageStatus(ctx: CriContext, image: string): Promise<Image | null> {
  const { image: found } = await img<{ image: Image | null }>(ctx, 'ImageStatus', { image: { image } });
  return found;
}

/** Expects a gRPC error with one of `codes` (never OK). */
export async function expectRpcError(what: string, call: () => Promise<unknown>, codes: readonly grpc.status[]): Promise<void> {
  try {
    await call();
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code !== undefined && codes.includes(code)) return;
    throw new ConformanceError(`${what}: expected ${codes.map(grpcCodeName).join(' or ')}, got ${grpcCodeName(code)}: ${(error as Error).message}`, { cause: error });
  }
  throw new ConformanceError(`${what}: expected ${codes.map(grpcCodeName).join(' or ')}, got OK`);
}

/** One parsed line of a CRI-format container log. */
export interface CriLogEntry {
  timestamp: string;
  stream: 'stdout' | 'stderr';
  tag: 'F' | 'P';
  content: string;
}

const CRI_LOG_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) (F|P) (.*)$/;

/** Parses a CRI log; a line not in the format is a conformance failure naming it. */
export function parseCriLog(text: string): CriLogEntry[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const match = CRI_LOG_LINE.exec(line);
      if (!match) throw new ConformanceError(`log line is not in the CRI format "<RFC3339Nano> <stdout|stderr> <F|P> <content>": ${JSON.stringify(line)}`);
      return { timestamp: match[1]!, stream: match[2] as 'stdout' | 'stderr', tag: match[3] as 'F' | 'P', content: match[4]! };
    });
}
