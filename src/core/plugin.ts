// The contract every interface (CSI, CRI, CNI, SMI, cloud provider, Cluster API) implements.
// The core (catalog, runner, CLI, reporters) knows interfaces only through this.
import type { z } from 'zod';
import type { ImplementationInfo } from './results.js';
import type { RuleLedger } from './rules.js';
import type { TestDefinition } from './test.js';

/** A command-line flag of an interface, mapped onto a key of its options object. */
export interface FlagSpec {
  /** Commander syntax: "--endpoint <url>", "--block", "--parameter <key=value...>". */
  readonly flags: string;
  readonly description: string;
  /** Key in the interface's options (camelCase), e.g. "endpoint". Also the YAML config key. */
  readonly key: string;
  /** Converts the raw flag value; throw UsageError naming the flag on bad input. */
  readonly parse?: (value: string, previous: unknown) => unknown;
  /** For variadic/repeatable flags: collects values. */
  readonly repeatable?: boolean;
  /** Left out of --help: for conformal's own tests (e.g. --reference-fault), still accepted. */
  readonly hidden?: boolean;
}

/**
 * What a capability is, which decides what a test requiring it may be (src/core/profiles.ts):
 * claim = its presence means the implementation claims a conformance profile;
 * feature = optional behaviour of the implementation (discovered or declared);
 * setting = something only the user can supply (no default), named with its flag;
 * environment = where/how the harness runs relative to the target, or a declaration whose default holds.
 */
export type CapabilityKind = 'claim' | 'feature' | 'setting' | 'environment';

/** One of `flags` (found by its long flag) described for another command, e.g. for serving the reference. */
export function describedFlag(flags: readonly FlagSpec[], longFlag: string, description: string): FlagSpec {
  const spec = flags.find((f) => f.flags.split(/[ ,]/).includes(longFlag));
  if (!spec) throw new Error(`no flag ${longFlag}`);
  return { ...spec, description };
}

export interface CapabilityInfo {
  readonly name: string;
  readonly description: string;
  readonly kind: CapabilityKind;
  /** For a setting: the flag that supplies it, e.g. "--other-node-id". */
  readonly flag?: string;
}

/** A conformance profile: core tests of a claimed profile are mandatory, extended ones are named features. */
export interface ProfileDefinition {
  /** Short lower-case name: node, controller, runtime, plugin, check … */
  readonly name: string;
  readonly description: string;
  /** Claim capabilities whose presence means the implementation claims the profile ([] = every implementation does). */
  readonly claimedBy: readonly string[];
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface OpenContext {
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** A scratch directory for this run, removed afterwards. */
  readonly workDir: string;
  /** Short random id of this run; ctx.unique() names carry it, so a leak check can tell this run's objects apart. */
  readonly runId: string;
}

/** One connection to the implementation under test, opened once per run. */
export interface Session<Env> {
  readonly env: Env;
  /** Discovered once per run; tests declare what they require from this set. */
  readonly capabilities: ReadonlySet<string>;
  readonly implementation: ImplementationInfo;
  /** Warnings to surface in the report (e.g. compatibility-profile deviations). */
  readonly warnings?: readonly string[];
  /** Claim capability → why the target lacks it, where the session found out (e.g. the provider implements another contract); added to the skip reasons. */
  readonly claimNotes?: ReadonlyMap<string, string>;
  /**
   * Where one test runs, when the session does not run every test alike: an environment of its own
   * (say, a network no other test uses) and whether it must still run alone. Default: `env` and
   * the test's `serial`.
   */
  placement?(test: TestDefinition<Env>): TestPlacement<Env>;
  /** Called after every test has finished: objects created by this run that the target still has. */
  leakCheck?(signal: AbortSignal): Promise<string[]>;
  close(): Promise<void>;
}

export interface TestPlacement<Env> {
  readonly env: Env;
  /** Runs alone, after the parallel-safe tests. */
  readonly serial: boolean;
  /** Starts before the other parallel-safe tests: it is among the longest, so it does not end the run alone. */
  readonly first?: boolean;
}

export interface ReferenceServer {
  /** Address clients dial, e.g. unix:///tmp/ref.sock. */
  readonly address: string;
  close(): Promise<void>;
}

export interface InterfacePlugin<Env = any, Options = any> {
  /** Short lower-case name used on the command line: csi, cri, cni, smi, cloud, capi. */
  readonly name: string;
  readonly title: string;
  readonly specVersion: string;
  /** The Kubernetes SIG that owns the interface (sig-storage, sig-node, sig-network …): full names start with it, as in Kubernetes e2e. */
  readonly sig: string;
  /** Schema of the interface's options (the `<name>:` section of the YAML config), with defaults. */
  readonly optionsSchema: z.ZodType<Options>;
  readonly flags: readonly FlagSpec[];
  /** Every capability name tests may require, with its kind, for `conformal list`, the coverage docs and the profile rules. */
  readonly capabilityCatalog: readonly CapabilityInfo[];
  /** The conformance profiles of the interface; every test belongs to exactly one (src/core/profiles.ts). */
  readonly profiles: readonly ProfileDefinition[];
  /** The suite: loaded lazily so `conformal --help` stays fast. */
  loadTests(): Promise<readonly TestDefinition<Env>[]>;
  /** The rule ledger: every normative sentence of the spec with its tests or the reason none can (src/core/rules.ts). */
  loadRules?(): Promise<RuleLedger>;
  /**
   * Checks what the options alone can tell (endpoint syntax, flags that exclude each other, files
   * that must be readable) and throws UsageError/ConfigError naming the flag, before anything is
   * written or started. open() may assume it passed.
   */
  validate?(options: Options): void;
  /** Connects to the configured target, or starts the embedded reference when none is given. */
  open(options: Options, context: OpenContext): Promise<Session<Env>>;
  /**
   * Lets `--config FILE` also take the interface's own native config format (a CNI network config,
   * say): given the parsed file, return the conformal config it stands for, or undefined when the
   * file is not in that format (it is then read as conformal's YAML settings).
   */
  adoptConfigFile?(path: string, data: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined;
  /**
   * Flags of `conformal reference <name>` besides --endpoint, described in serving terms; their
   * values reach serveReference() under their keys. `run` flags are not accepted there.
   */
  readonly referenceFlags?: readonly FlagSpec[];
  /**
   * Whether `conformal reference <name>` needs --endpoint (default 'required'). The Kubernetes-API
   * interfaces serve an API server that picks a free loopback port when none is given.
   */
  readonly referenceEndpoint?: 'required' | 'optional';
  /** Serves the in-memory reference implementation standalone (`conformal reference <name>`). */
  serveReference?(options: { endpoint?: string; [key: string]: unknown }, log: Logger): Promise<ReferenceServer>;
}
