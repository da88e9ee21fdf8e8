// Delegation to an IPAM plugin found through CNI_PATH: same environment, the same stdin, its
// stderr passed through, its stdout read as a result or an error object.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { givenEnvironment } from './given-env.js';
import { CniError, Code, type Command, type Request } from './skel.js';

const DELEGATE_TIMEOUT_MS = 20_000;

/** Faults whose plugin finds its delegate only through CNI_PATH, for one command. */
const NEEDS_CNI_PATH: Partial<Record<string, Command>> = { 'check-needs-cni-path': 'CHECK', 'status-needs-cni-path': 'STATUS' };

function locate(type: string, request: Request): string {
  // Without CNI_PATH (optional per the spec text) the plugin's own directory is searched.
  const ownDirectory = request.fault && NEEDS_CNI_PATH[request.fault] === request.command ? [] : [dirname(process.argv[1] ?? '.')];
  const path = request.path.length > 0 ? request.path : ownDirectory;
  for (const dir of path) {
    const candidate = join(dir, type);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next directory
    }
  }
  throw new CniError(Code.InvalidConfig, `IPAM plugin "${type}" not found in CNI_PATH ${path.join(':')}`);
}

/** Runs the delegate; returns its parsed stdout (undefined when empty); throws its error object as CniError. */
export function delegate(type: string, command: Command, request: Request): unknown {
  const binary = locate(type, request);
  const child = spawnSync(binary, [], {
    input: request.stdinText,
    env: { ...givenEnvironment(), CNI_COMMAND: command },
    encoding: 'utf8',
    timeout: DELEGATE_TIMEOUT_MS,
    maxBuffer: 1024 * 1024,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  if (child.error) throw new CniError(Code.DelegateFailed, `IPAM plugin ${type} ${command}: ${child.error.message}`);
  const stdout = child.stdout.trim();
  let parsed: unknown;
  try {
    parsed = stdout === '' ? undefined : JSON.parse(stdout);
  } catch {
    throw new CniError(Code.DelegateFailed, `IPAM plugin ${type} ${command} printed non-JSON output`, stdout.slice(0, 200));
  }
  if (child.status !== 0) {
    const err = parsed as { code?: unknown; msg?: unknown; details?: unknown } | undefined;
    if (typeof err?.code === 'number') throw new CniError(err.code, `IPAM plugin ${type}: ${String(err.msg)}`, typeof err.details === 'string' ? err.details : undefined);
    throw new CniError(Code.DelegateFailed, `IPAM plugin ${type} ${command} exited ${child.status ?? child.signal}`);
  }
  return parsed;
}
