// Container logs: written under the sandbox log directory in the CRI log format, and
// ReopenContainerLog starts a fresh file after rotation.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../src/core/deadline.js';
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, checkEqual, containerStatus, parseCriLog, rt, runPodWithContainer, stopContainer, waitForState, type CriContext } from '../../src/interfaces/cri/kit.js';
import { spec } from './spec.js';

/** A running container that waits on stdin, once its log file exists on the host. */
async function runLoggingContainer(ctx: CriContext): Promise<{ container: { id: string }; path: string }> {
  const { pod, container } = await runPodWithContainer(ctx, { command: ['cat'], stdin: true });
  const path = join(pod.config.logDirectory!, container.config.logPath!);
  await waitFor(async () => (existsSync(path) ? true : undefined), { signal: ctx.signal, description: `log file ${path}` });
  return { container, path };
}

export const logTests = [
  defineTest<CriEnv>({
    id: 'cri.logs.cri-format',
    title: 'Container output is logged to the log path in the CRI log format',
    spec: spec('ContainerConfig.log_path', 'stdout and stderr go to log_directory/log_path, one "<timestamp> <stream> <tag> <line>" entry per line'),
    profile: 'core',
    requires: ['node.local'],
    operations: ['CreateContainer', 'ContainerStatus'],
    async run(ctx) {
      const { pod, container } = await runPodWithContainer(ctx, { command: ['sh', '-c', 'echo first-line; echo error-line >&2; echo second-line'] });
      await waitForState(ctx, container.id, 'CONTAINER_EXITED');
      const expected = join(pod.config.logDirectory!, container.config.logPath!);
      const status = await containerStatus(ctx, container.id);
      checkEqual(status.logPath, expected, 'ContainerStatus.log_path');
      check(existsSync(expected), `no log file at ${expected}`);
      const entries = parseCriLog(readFileSync(expected, 'utf8'));
      const stdout = entries.filter((e) => e.stream === 'stdout').map((e) => e.content);
      const stderr = entries.filter((e) => e.stream === 'stderr').map((e) => e.content);
      checkEqual(stdout, ['first-line', 'second-line'], 'stdout lines in the log');
      checkEqual(stderr, ['error-line'], 'stderr lines in the log');
      check(entries.every((e) => e.tag === 'F'), 'complete lines must be tagged F');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.logs.reopen',
    title: 'ReopenContainerLog starts a new log file after rotation',
    spec: spec('RuntimeService.ReopenContainerLog', 'the runtime reopens the log file so the kubelet can rotate it'),
    profile: 'core',
    requires: ['node.local'],
    operations: ['ReopenContainerLog'],
    async run(ctx) {
      const { container, path } = await runLoggingContainer(ctx);
      renameSync(path, `${path}.1`);
      await rt(ctx, 'ReopenContainerLog', { containerId: container.id });
      check(existsSync(path), `ReopenContainerLog did not create a new file at ${path}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.logs.reopen-error-no-file',
    title: 'A ReopenContainerLog that fails creates no log file',
    spec: spec('RuntimeService.ReopenContainerLog', 'once it returns error, new container log file MUST NOT be created'),
    profile: 'core',
    requires: ['node.local'],
    operations: ['ReopenContainerLog'],
    async run(ctx) {
      const { container, path } = await runLoggingContainer(ctx);
      await stopContainer(ctx, container.id);
      renameSync(path, `${path}.1`);
      try {
        await rt(ctx, 'ReopenContainerLog', { containerId: container.id });
      } catch (error) {
        check(!existsSync(path), `ReopenContainerLog failed (${(error as Error).message}) and still created ${path}`);
        return;
      }
      // Succeeding is allowed for a container that is not running; the rule binds only the failure.
      ctx.log('ReopenContainerLog of an exited container succeeded');
    },
  }),
];
