// An upstream program run for a test: its output kept (the tail), stopped with SIGTERM then
// SIGKILL, and killed if the test worker exits first.
import { spawn, type ChildProcess } from 'node:child_process';

const LOG_LIMIT = 2 * 1024 * 1024;

export interface Child {
  process: ChildProcess;
  output(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

export function startChild(binary: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > LOG_LIMIT) output = output.slice(-LOG_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  child.on('error', (error) => collect(Buffer.from(`\ncannot start ${binary}: ${error.message}\n`)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // A test worker that dies must not leave the process running against the next test's server.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    process: child,
    output: () => output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

