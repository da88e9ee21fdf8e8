// One plugin invocation: find the binary in CNI_PATH, build its environment (the harness's own
// environment minus any CNI_* variables, plus the request's), run it, and read its stdout as a
// result or an error object. stderr is kept for logs and never parsed as a result.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ConformanceError, ConfigError } from '../../../core/errors.js';
import { errorSchema, type CniErrorObject } from '../schemas.js';
import { execPlugin, type ExecOutcome } from './exec.js';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION' | 'STATUS' | 'GC';

export interface Attachment {
  readonly containerID: string;
  readonly ifname: string;
  /** Path of the network namespace; absent for DEL after the namespace is gone. */
  readonly netns?: string;
  /** CNI_ARGS, e.g. "IgnoreUnknown=1;IP=198.18.0.9". */
  readonly args?: string;
}

export interface InvokeRequest {
  readonly type: string;
  readonly command: CniCommand;
  readonly attachment?: Attachment;
  readonly cniPath: readonly string[];
  readonly stdin: string;
  /** Variables to set (string) or remove (undefined) after the standard ones, for env-validation tests. */
  readonly envOverrides?: Readonly<Record<string, string | undefined>>;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** argv the plugin runs under (see ExecRequest.launcher). */
  readonly launcher?: readonly string[];
}

export interface PluginOutcome extends ExecOutcome {
  readonly type: string;
  readonly command: CniCommand;
  /** stdout parsed as JSON, when it is JSON. */
  readonly json?: unknown;
  /** The error object from stdout (or stderr when stdout is empty, as libcni falls back). */
  readonly error?: CniErrorObject;
  /** The error object was found only on stderr. */
  readonly errorOnStderr?: boolean;
}

/** The executable named `type` in the first CNI_PATH directory that has it. */
export function findPlugin(type: string, cniPath: readonly string[]): string {
  for (const dir of cniPath) {
    const candidate = join(dir, type);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new ConfigError(`plugin "${type}" is not an executable in CNI path ${cniPath.join(delimiter) || '(empty)'}`, { field: 'cniPath' });
}

/** The harness environment without CNI_* variables, so the plugin sees only what the request sets. */
export function baseEnvironment(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !e[0].startsWith('CNI_')));
}

export function buildEnvironment(request: Pick<InvokeRequest, 'command' | 'attachment' | 'cniPath' | 'envOverrides'>): Record<string, string> {
  const env = baseEnvironment();
  env.CNI_COMMAND = request.command;
  const a = request.attachment;
  if (a) {
    env.CNI_CONTAINERID = a.containerID;
    env.CNI_IFNAME = a.ifname;
    if (a.netns !== undefined) env.CNI_NETNS = a.netns;
    if (a.args !== undefined) env.CNI_ARGS = a.args;
  }
  env.CNI_PATH = request.cniPath.join(delimiter);
  for (const [key, value] of Object.entries(request.envOverrides ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function invokePlugin(request: InvokeRequest): Promise<PluginOutcome> {
  const binary = findPlugin(request.type, request.cniPath);
  const outcome = await execPlugin({ binary, env: buildEnvironment(request), stdin: request.stdin, signal: request.signal, timeoutMs: request.timeoutMs, launcher: request.launcher });
  const json = parseJson(outcome.stdout);
  const base = { ...outcome, type: request.type, command: request.command, json };
  if (outcome.exitCode === 0) return base;
  const fromStdout = errorSchema.safeParse(json);
  if (fromStdout.success) return { ...base, error: fromStdout.data };
  if (outcome.stdout.trim() === '') {
    const fromStderr = errorSchema.safeParse(parseJson(outcome.stderr));
    if (fromStderr.success) return { ...base, error: fromStderr.data, errorOnStderr: true };
  }
  return base;
}

/** A plugin failed where the runtime needed success. Keeps the outcome for reports. */
export class PluginFailedError extends ConformanceError {
  readonly outcome: PluginOutcome;
  constructor(outcome: PluginOutcome) {
    super(`${outcome.type} ${outcome.command} failed: ${describeOutcome(outcome)}`);
    this.outcome = outcome;
  }
}

/** "exit 1, code 4: required env variables [CNI_NETNS] missing" plus stdout/stderr when unparsed. */
export function describeOutcome(outcome: PluginOutcome): string {
  const exit = outcome.signal ? `killed by ${outcome.signal}` : `exit ${outcome.exitCode}`;
  if (outcome.error) return `${exit}, code ${outcome.error.code}: ${outcome.error.msg}${outcome.errorOnStderr ? ' (error JSON on stderr only)' : ''}`;
  const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…` : s);
  return `${exit}; stdout ${JSON.stringify(clip(outcome.stdout))}; stderr ${JSON.stringify(clip(outcome.stderr))}`;
}

/** The first bytes a plugin printed, quoted, for messages. */
export function firstBytes(text: string, limit = 80): string {
  return JSON.stringify(text.length > limit ? `${text.slice(0, limit)}…` : text);
}

/**
 * A successful ADD must print its result as a JSON object (SPEC.md "Success"); without this the
 * tests reading the result would fail with raw TypeErrors instead of naming the rule.
 */
export function requireJsonResult(outcome: PluginOutcome): void {
  const json = outcome.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) return;
  const what = outcome.stdout.trim() === '' ? 'stdout is empty' : json === undefined ? `stdout is not JSON: ${firstBytes(outcome.stdout)}` : `stdout is JSON but not an object: ${firstBytes(outcome.stdout)}`;
  throw new ConformanceError(`${outcome.type} ${outcome.command} exited 0 but ${what}; SPEC.md "Success": the plugin must print its result as a JSON object on stdout`);
}
