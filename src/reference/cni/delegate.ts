// Delegation to an IPAM plugin found through CNI_PATH: same environment, the same stdin, its
// stderr passed through, its stdout read as a result or an error object. With the config option
// `ipamInProcess: true`, a delegate that is the reference's own IPAM executable runs inside this
// process instead (same code, same store and lock, same output read the same way), which saves a
// process start per call; any other IPAM plugin is still executed. The plugin's own path and
// environment are those of the call (io.ts).
import { accessSync, constants, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { givenEnvironment } from './given-env.js';
import { io } from './io.js';
import { CniError, Code, errorOutput, write, type Command, type Request } from './skel.js';

const DELEGATE_TIMEOUT_MS = 20_000;

/** The launcher of the reference IPAM plugin, beside this plugin's own launcher (bin/). */
export const OWN_IPAM_LAUNCHER = 'conformal-cni-ref-ipam.cjs';
/** The resident launcher (bin/), which the embedded run links each plugin's name to. */
export const RESIDENT_LAUNCHER = 'conformal-cni-launcher.pl';
const OWN_IPAM_TYPE = 'conformal-ref-ipam';

/** Faults whose plugin finds its delegate only through CNI_PATH, for one command. */
const NEEDS_CNI_PATH: Partial<Record<string, Command>> = { 'check-needs-cni-path': 'CHECK', 'status-needs-cni-path': 'STATUS' };

/** What a delegate left: its exit status and stdout (stderr goes straight to ours). */
interface DelegateOutput {
  readonly status: number | null;
  readonly signal?: NodeJS.Signals | null;
  readonly stdout: string;
  /** It could not be run (or was stopped by the timeout). */
  readonly failure?: string;
}

function locate(type: string, request: Request): string {
  // Without CNI_PATH (optional per the spec text) the plugin's own directory is searched.
  const ownDirectory = request.fault && NEEDS_CNI_PATH[request.fault] === request.command ? [] : [dirname(io().self || '.')];
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

/**
 * Whether `binary` is the reference IPAM launcher shipped beside `self`, this plugin's launcher
 * (links followed), or, where the plugins are links to the resident launcher (an embedded run),
 * the link named conformal-ref-ipam to that same launcher.
 */
export function isOwnIpam(binary: string, self: string = io().self): boolean {
  try {
    const real = realpathSync(binary);
    const shipped = dirname(realpathSync(self));
    return real === join(shipped, OWN_IPAM_LAUNCHER) || (basename(binary) === OWN_IPAM_TYPE && real === join(shipped, RESIDENT_LAUNCHER));
  } catch {
    return false;
  }
}

function execute(binary: string, command: Command, request: Request): DelegateOutput {
  // Loaded here: a call that executes nothing (VERSION, a rejected request, in-process IPAM) skips it.
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  // Its stderr is read and passed on: a call a resident worker serves has no stderr of its own to inherit.
  const child = spawnSync(binary, [], {
    input: request.stdinText,
    env: { ...givenEnvironment(io().env), CNI_COMMAND: command },
    encoding: 'utf8',
    timeout: DELEGATE_TIMEOUT_MS,
    maxBuffer: 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.stderr) write('stderr', child.stderr);
  return { status: child.status, signal: child.signal, stdout: child.stdout ?? '', ...(child.error ? { failure: child.error.message } : {}) };
}

/** The reference IPAM's code run here on the same request: what its process would have printed. */
async function inProcess(command: Command, request: Request): Promise<DelegateOutput> {
  const { ipamMain } = await import('./ipam.js');
  try {
    const output = await ipamMain({ ...request, command });
    return { status: 0, stdout: output === undefined ? '' : JSON.stringify(output) };
  } catch (error) {
    const { stream, text } = errorOutput(error, request.cniVersion, request.fault);
    if (stream === 'stderr') write('stderr', text);
    return { status: 1, stdout: stream === 'stdout' ? text : '' };
  }
}

/** Reads a delegate's output: its result, or its error object thrown as CniError. */
function interpret(type: string, command: Command, output: DelegateOutput): unknown {
  if (output.failure) throw new CniError(Code.DelegateFailed, `IPAM plugin ${type} ${command}: ${output.failure}`);
  const stdout = output.stdout.trim();
  let parsed: unknown;
  try {
    parsed = stdout === '' ? undefined : JSON.parse(stdout);
  } catch {
    throw new CniError(Code.DelegateFailed, `IPAM plugin ${type} ${command} printed non-JSON output`, stdout.slice(0, 200));
  }
  if (output.status !== 0) {
    const err = parsed as { code?: unknown; msg?: unknown; details?: unknown } | undefined;
    if (typeof err?.code === 'number') throw new CniError(err.code, `IPAM plugin ${type}: ${String(err.msg)}`, typeof err.details === 'string' ? err.details : undefined);
    throw new CniError(Code.DelegateFailed, `IPAM plugin ${type} ${command} exited ${output.status ?? output.signal}`);
  }
  return parsed;
}

/** Runs the delegate; returns its parsed stdout (undefined when empty); throws its error object as CniError. */
export async function delegate(type: string, command: Command, request: Request): Promise<unknown> {
  const binary = locate(type, request);
  const inside = request.config.ipamInProcess === true && isOwnIpam(binary);
  return interpret(type, command, inside ? await inProcess(command, request) : execute(binary, command, request));
}
