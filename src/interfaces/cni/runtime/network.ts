// The harness acting as a CNI runtime over one network configuration: ADD in list order stopping
// at the first error, DEL in reverse with the cached final result, CHECK in order (never when
// disabled, never for an attachment that was not added), GC over every plugin continuing past
// errors, STATUS, VERSION. Operations on one attachment never overlap; GC is exclusive.
import { HarnessError } from '../../../core/errors.js';
import { hasCheck, hasChaining, hasGcAndStatus } from '../versions.js';
import type { CachedAttachment } from './cache.js';
import { ResultCache } from './cache.js';
import { derivePluginRequest, type JsonObject, type NetworkList } from './config.js';
import { invokePlugin, PluginFailedError, requireJsonResult, type Attachment, type CniCommand, type PluginOutcome } from './invoke.js';
import { NetworkLocks } from './locks.js';

export interface RuntimeSettings {
  readonly cniPath: readonly string[];
  readonly capabilityArgs?: Readonly<JsonObject>;
  readonly pluginTimeoutMs: number;
  readonly cacheDir: string;
  /** argv every plugin runs under (see ExecRequest.launcher). */
  readonly launcher?: readonly string[];
}

export interface OperationOptions {
  readonly signal: AbortSignal;
  /** Overrides the request version (per-version tests); defaults to the list's chosen version. */
  readonly cniVersion?: string;
  readonly capabilityArgs?: Readonly<JsonObject>;
}

export interface AddOutcome {
  /** The final result (the last plugin's output). */
  readonly result: unknown;
  /** Every plugin's outcome in order; steps[i].json is plugin i's result. */
  readonly steps: readonly PluginOutcome[];
}

/** Both GC key spellings: the 1.1.0 tag's and main's (libcni sends both). */
export const GC_KEYS = ['cni.dev/valid-attachments', 'cni.dev/attachments'] as const;

export class CniRuntime {
  readonly #cache: ResultCache;
  readonly #locks: NetworkLocks;

  constructor(
    readonly network: NetworkList,
    readonly settings: RuntimeSettings,
    locks = new NetworkLocks(),
  ) {
    this.#cache = new ResultCache(settings.cacheDir);
    this.#locks = locks;
  }

  /**
   * The same network (same name, so the same attachments) with its plugins configured otherwise:
   * it shares this runtime's result cache and locks, so the serialisation rules hold across both.
   */
  withPlugins(plugins: readonly JsonObject[]): CniRuntime {
    return new CniRuntime({ ...this.network, plugins }, this.settings, this.#locks);
  }

  #invoke(index: number, command: CniCommand, attachment: Attachment | undefined, stdin: JsonObject, signal: AbortSignal): Promise<PluginOutcome> {
    const type = this.network.plugins[index]!.type as string;
    return invokePlugin({ type, command, attachment, cniPath: this.settings.cniPath, stdin: JSON.stringify(stdin), signal, timeoutMs: this.settings.pluginTimeoutMs, launcher: this.settings.launcher });
  }

  #request(index: number, version: string, options: OperationOptions, prevResult?: unknown, extra?: JsonObject): JsonObject {
    return derivePluginRequest(this.network, index, {
      cniVersion: version,
      capabilityArgs: options.capabilityArgs ?? this.settings.capabilityArgs,
      prevResult,
      extra,
    });
  }

  #serialise<T>(attachment: Attachment, task: () => Promise<T>): Promise<T> {
    return this.#locks.gc.shared(() => this.#locks.perAttachment.run(`${attachment.containerID}/${attachment.ifname}`, task));
  }

  /** Attachments added and not yet deleted (the leak check lists them). */
  cachedAttachments(): CachedAttachment[] {
    return this.#cache.list(this.network.name);
  }

  cached(attachment: Attachment): CachedAttachment | undefined {
    return this.#cache.get(this.network.name, attachment.containerID, attachment.ifname);
  }

  /** Runs ADD through the chain; throws PluginFailedError (with every step) at the first failure. */
  add(attachment: Attachment, options: OperationOptions): Promise<AddOutcome> {
    return this.#serialise(attachment, async () => {
      const version = options.cniVersion ?? this.network.cniVersion;
      if (this.network.plugins.length > 1 && !hasChaining(version)) {
        throw new HarnessError(`version ${version} has no chaining; network ${this.network.name} has ${this.network.plugins.length} plugins`);
      }
      const steps: PluginOutcome[] = [];
      let prevResult: unknown;
      for (let i = 0; i < this.network.plugins.length; i++) {
        const outcome = await this.#invoke(i, 'ADD', attachment, this.#request(i, version, options, prevResult), options.signal);
        steps.push(outcome);
        if (outcome.exitCode !== 0) throw Object.assign(new PluginFailedError(outcome), { steps });
        requireJsonResult(outcome);
        prevResult = outcome.json;
      }
      this.#cache.put({ network: this.network.name, containerID: attachment.containerID, ifname: attachment.ifname, netns: attachment.netns, cniVersion: version, result: prevResult });
      return { result: prevResult, steps };
    });
  }

  /** DEL in reverse order with the cached final result as prevResult (versions that have it). */
  del(attachment: Attachment, options: OperationOptions): Promise<PluginOutcome[]> {
    return this.#serialise(attachment, async () => {
      const cached = this.cached(attachment);
      const version = options.cniVersion ?? cached?.cniVersion ?? this.network.cniVersion;
      const prevResult = cached && hasCheck(version) ? cached.result : undefined;
      const steps: PluginOutcome[] = [];
      for (let i = this.network.plugins.length - 1; i >= 0; i--) {
        const outcome = await this.#invoke(i, 'DEL', attachment, this.#request(i, version, options, prevResult), options.signal);
        steps.push(outcome);
        if (outcome.exitCode !== 0) throw Object.assign(new PluginFailedError(outcome), { steps });
      }
      this.#cache.remove(this.network.name, attachment.containerID, attachment.ifname);
      return steps;
    });
  }

  /** Why the runtime must not CHECK this attachment now, or undefined when it may. */
  checkRefusal(attachment: Attachment): string | undefined {
    if (this.network.disableCheck) return 'the network sets disableCheck';
    const cached = this.cached(attachment);
    if (!cached) return 'the attachment was never added or was deleted';
    if (!hasCheck(cached.cniVersion)) return `version ${cached.cniVersion} has no CHECK`;
    return undefined;
  }

  /**
   * CHECK in list order with the cached result (or `prevResult` when a test supplies a modified one).
   * Refuses (HarnessError) when the rules forbid a CHECK.
   */
  check(attachment: Attachment, options: OperationOptions & { prevResult?: unknown }): Promise<PluginOutcome[]> {
    return this.#serialise(attachment, async () => {
      const refusal = this.checkRefusal(attachment);
      if (refusal) throw new HarnessError(`runtime must not CHECK ${attachment.containerID}/${attachment.ifname}: ${refusal}`);
      const cached = this.cached(attachment)!;
      const steps: PluginOutcome[] = [];
      for (let i = 0; i < this.network.plugins.length; i++) {
        const outcome = await this.#invoke(i, 'CHECK', attachment, this.#request(i, cached.cniVersion, options, options.prevResult ?? cached.result), options.signal);
        steps.push(outcome);
        if (outcome.exitCode !== 0) throw Object.assign(new PluginFailedError(outcome), { steps });
      }
      return steps;
    });
  }

  /**
   * GC with the still-valid attachments, over every plugin, continuing past errors. `keys` picks
   * which key spellings carry the list (both by default). Returns every outcome; undefined when
   * the network disables GC or its version has none.
   */
  gc(valid: readonly Attachment[], options: OperationOptions & { keys?: readonly string[] }): Promise<PluginOutcome[] | undefined> {
    return this.#locks.gc.exclusive(async () => {
      const version = options.cniVersion ?? this.network.cniVersion;
      if (this.network.disableGC || !hasGcAndStatus(version)) return undefined;
      const list = valid.map((a) => ({ containerID: a.containerID, ifname: a.ifname }));
      const extra = Object.fromEntries((options.keys ?? GC_KEYS).map((key) => [key, list]));
      const outcomes: PluginOutcome[] = [];
      for (let i = 0; i < this.network.plugins.length; i++) {
        outcomes.push(await this.#invoke(i, 'GC', undefined, this.#request(i, version, options, undefined, extra), options.signal));
      }
      return outcomes;
    });
  }

  /** STATUS through the chain, stopping at the first failure (as libcni does). */
  async status(options: OperationOptions): Promise<PluginOutcome[]> {
    const version = options.cniVersion ?? this.network.cniVersion;
    const outcomes: PluginOutcome[] = [];
    for (let i = 0; i < this.network.plugins.length; i++) {
      const outcome = await this.#invoke(i, 'STATUS', undefined, this.#request(i, version, options), options.signal);
      outcomes.push(outcome);
      if (outcome.exitCode !== 0) break;
    }
    return outcomes;
  }

  /** VERSION of plugin `index`, with only CNI_COMMAND set. */
  version(index: number, inputVersion: string, signal: AbortSignal): Promise<PluginOutcome> {
    return this.#invoke(index, 'VERSION', undefined, { cniVersion: inputVersion }, signal);
  }

  /** Raw invocation of plugin `index` with a hand-made stdin and env, for protocol tests. */
  raw(index: number, command: CniCommand, attachment: Attachment | undefined, stdin: string, signal: AbortSignal, envOverrides?: Record<string, string | undefined>): Promise<PluginOutcome> {
    const type = this.network.plugins[index]!.type as string;
    return invokePlugin({ type, command, attachment, cniPath: this.settings.cniPath, stdin, envOverrides, signal, timeoutMs: this.settings.pluginTimeoutMs });
  }

  /** The request object the runtime would send to plugin `index` (for tests that alter it). */
  request(index: number, options: OperationOptions, prevResult?: unknown): JsonObject {
    return this.#request(index, options.cniVersion ?? this.network.cniVersion, options, prevResult);
  }
}
