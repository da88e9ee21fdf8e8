// ExecSync (stdout, stderr, exit codes, timeout) and the streaming RPCs Exec, Attach and
// PortForward: their URLs must serve a stream that really works.
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, checkEqual, execSync, expectRpcError, rt, runContainer, runPod, runPodWithContainer, stopContainer } from '../../src/interfaces/cri/kit.js';
import { forwardOnce, runRemoteCommand } from '../../src/interfaces/cri/streaming-client.js';
import { grpc } from '../../src/transport/grpc.js';
import { spec } from './spec.js';

export const execTests = [
  defineTest<CriEnv>({
    id: 'cri.exec-sync.stdout-stderr',
    title: 'ExecSync returns stdout and stderr separately',
    spec: spec('RuntimeService.ExecSync', 'runs a command synchronously and returns its stdout and stderr'),
    profile: 'core',
    operations: ['ExecSync'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      const result = await execSync(ctx, container.id, ['sh', '-c', 'echo to-stdout; echo to-stderr >&2']);
      checkEqual(result.stdout, 'to-stdout\n', 'stdout');
      checkEqual(result.stderr, 'to-stderr\n', 'stderr');
      checkEqual(result.exitCode, 0, 'exit code');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.exec-sync.exit-code',
    title: 'ExecSync reports a non-zero exit code',
    spec: spec('ExecSyncResponse', 'exit_code is the exit code of the command'),
    profile: 'core',
    operations: ['ExecSync'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      for (const code of [1, 42]) {
        const result = await execSync(ctx, container.id, ['sh', '-c', `exit ${code}`]);
        checkEqual(result.exitCode, code, `exit code of sh -c "exit ${code}"`);
      }
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.exec-sync.timeout',
    title: 'ExecSync gives up on a command that outlives its timeout',
    spec: spec('ExecSyncRequest', 'timeout in seconds; the command is stopped when it expires'),
    profile: 'core',
    operations: ['ExecSync'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      const started = Date.now();
      let outcome: string;
      try {
        const result = await execSync(ctx, container.id, ['sleep', '8'], 1);
        outcome = `exit code ${result.exitCode}`;
        check(result.exitCode !== 0, 'ExecSync of sleep 8 with timeout 1 reported success');
      } catch (error) {
        outcome = `error ${(error as Error).message}`;
      }
      const elapsed = Date.now() - started;
      ctx.measure('exec_sync_timeout_ms', elapsed);
      check(elapsed < 6_000, `ExecSync with timeout 1s returned after ${elapsed} ms (${outcome})`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.exec-sync.not-running',
    tags: ['Feature:RequestValidation'],
    title: 'ExecSync in a container that is not running fails',
    spec: spec('RuntimeService.ExecSync', 'commands run in a running container'),
    profile: 'extended',
    operations: ['ExecSync'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      await stopContainer(ctx, container.id);
      let result;
      try {
        result = await execSync(ctx, container.id, ['echo', 'should-not-run']);
      } catch {
        return;
      }
      check(false, `ExecSync in an exited container succeeded: exit ${result.exitCode}, stdout ${JSON.stringify(result.stdout)}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.streaming.exec',
    title: 'Exec returns a URL whose stream runs the command',
    spec: spec('RuntimeService.Exec', 'returns a streaming URL; the command runs when the URL is used'),
    profile: 'core',
    tags: ['Feature:Streaming'],
    operations: ['Exec'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      const { url } = await rt<{ url: string }>(ctx, 'Exec', { containerId: container.id, cmd: ['sh', '-c', 'echo streamed-out; echo streamed-err >&2'], stdout: true, stderr: true });
      check(/^https?:\/\//.test(url), `Exec URL ${JSON.stringify(url)} is not http(s)`);
      const output = await runRemoteCommand(url, ctx.signal);
      checkEqual(output.stdout, 'streamed-out\n', 'stdout through the Exec stream');
      checkEqual(output.stderr, 'streamed-err\n', 'stderr through the Exec stream');
      checkEqual(output.exitCode, 0, 'exit status through the Exec stream');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.streaming.exec-exit-code',
    title: 'An Exec stream reports the command exit code',
    spec: spec('RuntimeService.Exec', 'the stream ends with the exit status of the command'),
    profile: 'core',
    tags: ['Feature:Streaming'],
    operations: ['Exec'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      const { url } = await rt<{ url: string }>(ctx, 'Exec', { containerId: container.id, cmd: ['sh', '-c', 'exit 7'], stdout: true, stderr: true });
      const output = await runRemoteCommand(url, ctx.signal);
      checkEqual(output.exitCode, 7, 'exit code reported on the Exec stream');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.streaming.exec-stdin',
    title: 'An Exec stream carries stdin to the command',
    spec: spec('ExecRequest', 'stdin: stream standard input to the command'),
    profile: 'core',
    tags: ['Feature:Streaming'],
    operations: ['Exec'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      const { url } = await rt<{ url: string }>(ctx, 'Exec', { containerId: container.id, cmd: ['cat'], stdin: true, stdout: true, stderr: true });
      const output = await runRemoteCommand(url, ctx.signal, { stdin: 'through-stdin\n', until: (out) => out.includes('through-stdin') });
      check(output.stdout.includes('through-stdin'), `cat did not echo stdin: ${JSON.stringify(output.stdout)}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.streaming.exec-invalid',
    title: 'Exec without any stream requested is rejected',
    spec: spec('ExecRequest', 'one of stdin, stdout or stderr must be true'),
    profile: 'extended',
    tags: ['Feature:Streaming'],
    operations: ['Exec'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      await expectRpcError('Exec with no streams', () => rt(ctx, 'Exec', { containerId: container.id, cmd: ['echo'], stdin: false, stdout: false, stderr: false }), [grpc.status.INVALID_ARGUMENT, grpc.status.UNKNOWN]);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.streaming.attach-invalid',
    title: 'Attach without any stream requested is rejected',
    spec: spec('AttachRequest', 'one of stdin, stdout and stderr MUST be true'),
    profile: 'extended',
    tags: ['Feature:Streaming'],
    operations: ['Attach'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      await expectRpcError('Attach with no streams', () => rt(ctx, 'Attach', { containerId: container.id, stdin: false, stdout: false, stderr: false }), [grpc.status.INVALID_ARGUMENT, grpc.status.UNKNOWN]);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.streaming.attach',
    title: 'Attach returns a URL connected to the container process',
    spec: spec('RuntimeService.Attach', 'returns a streaming URL attached to the running container process'),
    profile: 'core',
    tags: ['Feature:Streaming'],
    operations: ['Attach'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx, { command: ['cat'], stdin: true });
      const { url } = await rt<{ url: string }>(ctx, 'Attach', { containerId: container.id, stdin: true, stdout: true, stderr: true });
      const output = await runRemoteCommand(url, ctx.signal, { stdin: 'attached-line\n', until: (out) => out.includes('attached-line') });
      check(output.stdout.includes('attached-line'), `attached cat did not echo stdin: ${JSON.stringify(output.stdout)}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.streaming.port-forward',
    title: 'PortForward returns a URL that reaches a server in the pod',
    spec: spec('RuntimeService.PortForward', 'returns a streaming URL forwarding to a port of the sandbox'),
    profile: 'core',
    tags: ['Feature:Streaming'],
    operations: ['PortForward'],
    async run(ctx) {
      const pod = await runPod(ctx);
      const marker = ctx.unique('served');
      await runContainer(ctx, pod, { command: ['sh', '-c', `mkdir -p /tmp/www && echo ${marker} > /tmp/www/index.html && httpd -f -p 8080 -h /tmp/www`] });
      const { url } = await rt<{ url: string }>(ctx, 'PortForward', { podSandboxId: pod.id, port: [8080] });
      // The server may need a moment to listen; retry within the test deadline.
      let last = '';
      for (let attempt = 0; attempt < 20; attempt++) {
        const fresh = attempt === 0 ? url : (await rt<{ url: string }>(ctx, 'PortForward', { podSandboxId: pod.id, port: [8080] })).url;
        const { received, error } = await forwardOnce(fresh, 8080, 'GET /index.html HTTP/1.0\r\n\r\n', ctx.signal, (text) => text.includes(marker));
        if (received.includes(marker)) return;
        last = `received ${JSON.stringify(received.slice(0, 200))}, error ${JSON.stringify(error)}`;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      check(false, `no HTTP answer through the port-forward stream: ${last}`);
    },
  }),
];
