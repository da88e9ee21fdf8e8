// Short commands the harness runs (mount, kubectl, iptables-save): argv arrays, a deadline, and
// stderr in the error.
import { execFile as execFileCb } from 'node:child_process';
import { promisify } from 'node:util';
import { HarnessError } from '../../../src/core/errors.js';

const execFile = promisify(execFileCb);

export interface ExecOptions {
  readonly timeoutMs?: number;
  readonly input?: string;
}

/** Runs argv[0] with the rest as arguments; resolves with stdout, rejects with stderr in the message. */
export async function execArgv(argv: readonly string[], signal: AbortSignal, options: ExecOptions = {}): Promise<string> {
  const [command, ...args] = argv;
  try {
    const child = execFile(command!, args, { signal, timeout: options.timeoutMs ?? 30_000, maxBuffer: 32 * 1024 * 1024 });
    child.child.stdin?.on('error', () => {});
    child.child.stdin?.end(options.input);
    return (await child).stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new HarnessError(`${argv.join(' ')} failed${stderr ? `: ${stderr.slice(-2000)}` : ''}`, { cause: error });
  }
}
