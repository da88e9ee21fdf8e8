// Runs the CLI's main() in this process with captured output: fast checks of flag and file errors.
import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main.js';

export async function cliInProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk) => out.push(String(chunk)));
  stderr.on('data', (chunk) => err.push(String(chunk)));
  const code = await main(['node', 'conformal', ...args], { stdout, stderr });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
