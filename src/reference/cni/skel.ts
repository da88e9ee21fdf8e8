// The reference plugins' skeleton: reads the CNI environment and stdin, validates them the way the
// spec text says (strict), and prints results or error objects on stdout. Kept to node: imports
// so each plugin execution starts fast. All of a call's IO goes through io() (io.ts): the
// process's own, or the call a resident worker serves.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isSpecVersion, LATEST_VERSION, SPEC_VERSIONS, atLeast } from '../../interfaces/cni/versions.js';
import { isFaultName, type FaultName } from './faults.js';
import { io } from './io.js';

export type Command = 'ADD' | 'DEL' | 'CHECK' | 'VERSION' | 'STATUS' | 'GC';
const COMMANDS: readonly Command[] = ['ADD', 'DEL', 'CHECK', 'VERSION', 'STATUS', 'GC'];

/** Spec error codes used by the reference (0-99 reserved); 100+ are the reference's own. */
export const Code = {
  IncompatibleVersion: 1,
  UnsupportedField: 2,
  UnknownContainer: 3,
  InvalidEnv: 4,
  IoFailure: 5,
  DecodeFailure: 6,
  InvalidConfig: 7,
  TryAgainLater: 11,
  NotAvailable: 50,
  InterfaceExists: 100,
  AddressUnavailable: 101,
  CheckFailed: 102,
  NetnsUnusable: 103,
  DelegateFailed: 104,
  LinkFailed: 105,
} as const;

export class CniError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly details?: string,
  ) {
    super(message);
  }
}

export interface Request {
  readonly command: Command;
  readonly containerID: string;
  readonly netns: string;
  readonly ifname: string;
  readonly args: string;
  readonly path: readonly string[];
  /** stdin text as received, forwarded verbatim to delegates. */
  readonly stdinText: string;
  readonly config: Record<string, unknown>;
  readonly cniVersion: string;
  readonly fault: FaultName | undefined;
}

const CONTAINER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const NAME = CONTAINER_ID;

const REQUIRED_ENV: Record<Command, readonly string[]> = {
  ADD: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  CHECK: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  DEL: ['CNI_CONTAINERID', 'CNI_IFNAME'],
  GC: ['CNI_PATH'],
  STATUS: [],
  VERSION: [],
};

function ifnameProblem(ifname: string): string | undefined {
  if (ifname.length > 15) return 'longer than 15 characters';
  if (ifname === '.' || ifname === '..') return 'is . or ..';
  if (/[/:\s]/.test(ifname)) return 'contains /, : or whitespace';
  return undefined;
}

function readStdin(): string {
  try {
    return io().stdin().toString('utf8');
  } catch (error) {
    throw new CniError(Code.IoFailure, `cannot read stdin: ${(error as Error).message}`);
  }
}

/** Parses and validates everything; throws CniError with the spec code. */
export function parseRequest(env: NodeJS.ProcessEnv, stdinText: string, fault: FaultName | undefined): Request {
  const command = env.CNI_COMMAND ?? '';
  const envCode = fault === 'env-wrong-code' ? Code.InvalidConfig : Code.InvalidEnv;
  if (command === '') throw new CniError(envCode, 'required env variables [CNI_COMMAND] missing');
  if (!(COMMANDS as readonly string[]).includes(command)) throw new CniError(envCode, `unknown CNI_COMMAND: ${command}`);
  const cmd = command as Command;
  const missing = REQUIRED_ENV[cmd].filter((name) => !env[name]);
  if (missing.length > 0) throw new CniError(envCode, `required env variables [${missing.join(',')}] missing`);
  const containerID = env.CNI_CONTAINERID ?? '';
  if (containerID !== '' && !CONTAINER_ID.test(containerID)) throw new CniError(envCode, `invalid CNI_CONTAINERID ${JSON.stringify(containerID)}: must match ${CONTAINER_ID.source}`);
  const ifname = env.CNI_IFNAME ?? '';
  const problem = ifname === '' ? undefined : ifnameProblem(ifname);
  if (problem) throw new CniError(envCode, `invalid CNI_IFNAME ${JSON.stringify(ifname)}: ${problem}`);

  let config: unknown;
  try {
    config = stdinText.trim() === '' && cmd === 'VERSION' ? {} : JSON.parse(stdinText);
  } catch (error) {
    throw new CniError(Code.DecodeFailure, `cannot decode network configuration: ${(error as Error).message}`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new CniError(Code.DecodeFailure, 'network configuration must be a JSON object');
  const conf = config as Record<string, unknown>;
  const rawVersion = conf.cniVersion ?? '0.1.0';
  const base = { command: cmd, containerID, netns: env.CNI_NETNS ?? '', ifname, args: env.CNI_ARGS ?? '', path: (env.CNI_PATH ?? '').split(':').filter(Boolean), stdinText, config: conf, fault };
  if (cmd === 'VERSION') return { ...base, cniVersion: typeof conf.cniVersion === 'string' ? conf.cniVersion : LATEST_VERSION };
  if (!isSpecVersion(rawVersion) && fault !== 'accepts-any-version') {
    throw new CniError(Code.IncompatibleVersion, `incompatible CNI versions; config is ${JSON.stringify(rawVersion)}, plugin supports [${SPEC_VERSIONS.join(' ')}]`);
  }
  const cniVersion = isSpecVersion(rawVersion) ? rawVersion : LATEST_VERSION;
  if (typeof conf.name !== 'string' || !NAME.test(conf.name)) throw new CniError(Code.InvalidConfig, `invalid network name ${JSON.stringify(conf.name)}: must match ${NAME.source}`);
  if (cmd === 'CHECK' && !atLeast(cniVersion, '0.4.0')) throw new CniError(Code.IncompatibleVersion, `config version ${cniVersion} does not allow CHECK`);
  if ((cmd === 'GC' || cmd === 'STATUS') && !atLeast(cniVersion, '1.1.0')) throw new CniError(Code.IncompatibleVersion, `config version ${cniVersion} does not allow ${cmd}`);
  return { ...base, cniVersion };
}

/** Name of the file, next to the plugin's link in CNI_PATH, that selects a fault-injected variant. */
export const FAULT_FILE = 'conformal-ref-fault';

/** The variant this installation runs: read from FAULT_FILE beside the path the plugin was executed by (the link). */
export function installedFault(): FaultName | undefined {
  try {
    const name = readFileSync(join(dirname(io().self), FAULT_FILE), 'utf8').trim();
    return isFaultName(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The error object a plugin prints for `error`, and where (stderr only for the error-on-stderr fault). */
export function errorOutput(error: unknown, cniVersion: string | undefined, fault: FaultName | undefined): { stream: 'stdout' | 'stderr'; text: string } {
  const cniError = error instanceof CniError ? error : new CniError(999, `internal error: ${(error as Error)?.message ?? String(error)}`);
  const object = { cniVersion: cniVersion && isSpecVersion(cniVersion) ? cniVersion : LATEST_VERSION, code: fault === 'error-code-as-string' ? String(cniError.code) : cniError.code, msg: cniError.message, ...(cniError.details ? { details: cniError.details } : {}) };
  return { stream: fault === 'error-on-stderr' ? 'stderr' : 'stdout', text: `${JSON.stringify(object)}\n` };
}

/** Writes all of `text` to the call's stdout or stderr at once. */
export function write(stream: 'stdout' | 'stderr', text: string): void {
  io().write(stream, Buffer.from(text));
}

/** Prints the error object and sets exit code 1. */
export function reportError(error: unknown, cniVersion: string | undefined, fault: FaultName | undefined): void {
  const { stream, text } = errorOutput(error, cniVersion, fault);
  write(stream, text);
  io().setExitCode(1);
}

export function printJson(value: unknown): void {
  write('stdout', `${JSON.stringify(value)}\n`);
}

/** Answers VERSION: echoes the requested version when supported (as the spec text says). */
export function versionAnswer(request: Request): Record<string, unknown> {
  const echoed = isSpecVersion(request.cniVersion) ? request.cniVersion : LATEST_VERSION;
  if (request.fault === 'version-no-supported') return { cniVersion: echoed };
  return { cniVersion: echoed, supportedVersions: [...SPEC_VERSIONS] };
}

/** Runs a plugin main: reads stdin once, validates, calls the handler, prints its output or the error. */
export async function runPlugin(handler: (request: Request) => Promise<unknown>): Promise<void> {
  let fault: FaultName | undefined;
  let version: string | undefined;
  try {
    fault = installedFault();
    const stdinText = readStdin();
    version = peekVersion(stdinText);
    const request = parseRequest(io().env, stdinText, fault);
    version = request.cniVersion;
    const output = await handler(request);
    // Only the interface plugin (not its IPAM plugin): the runtime sees a bad result, not a failed delegate.
    if (fault === 'add-prints-non-json' && request.command === 'ADD' && basename(io().self) === 'conformal-ref') write('stdout', `added ${request.ifname}\n`);
    else if (output !== undefined) printJson(output);
  } catch (error) {
    reportError(error, version, fault);
  }
}

function peekVersion(stdinText: string): string | undefined {
  try {
    const v = (JSON.parse(stdinText) as Record<string, unknown>).cniVersion;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
