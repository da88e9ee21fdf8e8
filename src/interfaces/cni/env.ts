// What a CNI test body gets as ctx.env: the runtime over the configured network, namespaces, the
// profile, and helpers that register everything they create in the test's ledger.
import type { LedgerHandle } from '../../core/ledger.js';
import type { TestContext } from '../../core/test.js';
import { asWarning } from './deviations.js';
import type { CniProfile } from './options.js';
import type { NetnsProvider, Namespace } from './netns.js';
import type { NetworkList } from './runtime/config.js';
import type { Attachment } from './runtime/invoke.js';
import type { AddOutcome, CniRuntime, OperationOptions } from './runtime/network.js';

export interface CniEnv {
  readonly runtime: CniRuntime;
  readonly network: NetworkList;
  readonly profile: CniProfile;
  readonly netns: NetnsProvider | undefined;
  /** Versions every plugin of the chain advertises (VERSION), ascending. */
  readonly versions: readonly string[];
  readonly concurrentAdds: number;
  /** A field and value the first plugin does not support (capability config.unsupported-field). */
  readonly unsupportedField: { readonly key: string; readonly value: unknown } | undefined;
  /** Records a compatible-profile deviation: logged for the test and listed in the report's warnings. */
  deviation(ctx: TestContext<CniEnv>, message: string): void;
  /** A fresh namespace (removed by the ledger) and an attachment in it. */
  attachment(ctx: TestContext<CniEnv>, ifname?: string): Promise<{ attachment: Attachment; ns: Namespace }>;
  /** ADD through the runtime; registers a DEL in the ledger (runs before the namespace is removed). */
  add(ctx: TestContext<CniEnv>, attachment: Attachment, options?: Partial<OperationOptions>): Promise<AddOutcome>;
  /** DEL through the runtime as a test step; the ledger's DEL for it is released once it succeeds. */
  del(ctx: TestContext<CniEnv>, attachment: Attachment, options?: Partial<OperationOptions>): Promise<void>;
  /** Removes a test's namespace early (DEL with the namespace gone). */
  removeNamespace(ctx: TestContext<CniEnv>, ns: Namespace): Promise<void>;
}

export class CniTestEnv implements CniEnv {
  readonly #warnings: string[];
  /** Ledger handles by attachment/namespace key, so a test step can release what it removed itself. */
  readonly #handles = new Map<string, LedgerHandle>();

  constructor(
    readonly runtime: CniRuntime,
    readonly profile: CniProfile,
    readonly netns: NetnsProvider | undefined,
    readonly versions: readonly string[],
    readonly concurrentAdds: number,
    warnings: string[],
    readonly unsupportedField: { readonly key: string; readonly value: unknown } | undefined = undefined,
  ) {
    this.#warnings = warnings;
  }

  get network(): NetworkList {
    return this.runtime.network;
  }

  deviation(ctx: TestContext<CniEnv>, message: string): void {
    const line = asWarning(message);
    ctx.log(line);
    if (!this.#warnings.includes(line)) this.#warnings.push(line);
  }

  async attachment(ctx: TestContext<CniEnv>, ifname = 'eth0'): Promise<{ attachment: Attachment; ns: Namespace }> {
    if (!this.netns) throw new Error('no namespace provider (the test should require capability privileges.netns)');
    const provider = this.netns;
    const ns = await provider.take(ctx.signal);
    ctx.log(`network namespace ${ns.name} (CNI_NETNS ${ns.path})`);
    this.#handles.set(`ns:${ns.name}`, ctx.ledger.add(`network namespace ${ns.name}`, (signal) => provider.release(ns, signal)));
    return { attachment: { containerID: ctx.unique('ctr'), ifname, netns: ns.path }, ns };
  }

  async add(ctx: TestContext<CniEnv>, attachment: Attachment, options: Partial<OperationOptions> = {}): Promise<AddOutcome> {
    // Every ADD is eventually followed by a DEL, even when the ADD failed (spec lifecycle rule).
    const key = `att:${attachment.containerID}/${attachment.ifname}`;
    if (!this.#handles.has(key)) {
      this.#handles.set(
        key,
        ctx.ledger.add(`CNI attachment ${attachment.containerID}/${attachment.ifname}`, async (signal) => {
          await this.runtime.del(attachment, { signal, ...(options.cniVersion ? { cniVersion: options.cniVersion } : {}) });
        }),
      );
    }
    return this.runtime.add(attachment, { signal: ctx.signal, ...options });
  }

  async del(ctx: TestContext<CniEnv>, attachment: Attachment, options: Partial<OperationOptions> = {}): Promise<void> {
    await this.runtime.del(attachment, { signal: ctx.signal, ...options });
    const key = `att:${attachment.containerID}/${attachment.ifname}`;
    this.#handles.get(key)?.release();
    this.#handles.delete(key);
  }

  async removeNamespace(ctx: TestContext<CniEnv>, ns: Namespace): Promise<void> {
    await this.netns!.remove(ns, ctx.signal);
    this.#handles.get(`ns:${ns.name}`)?.release();
  }
}
