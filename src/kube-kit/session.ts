// What every Kubernetes-API suite's session does around its own discovery: open the cluster, keep
// what must be closed (the target, an embedded reference) and close it all, newest first, when the
// session ends or fails to open; report the implementation the same way; check leaks by run label.
import type { Logger, OpenContext, Session } from '../core/plugin.js';
import type { ImplementationInfo } from '../core/results.js';
import { findLeaks, type LeakKind } from './leak-check.js';
import type { KubeTargetOptions } from './options.js';
import { openKubeTarget, type KubeTarget } from './target.js';

export interface KubeSessionParts<Env> {
  readonly env: Env;
  readonly capabilities: ReadonlySet<string>;
  readonly warnings: readonly string[];
  /** Why the target lacks a claim capability, where discovery found out (Session.claimNotes). */
  readonly claimNotes?: ReadonlyMap<string, string>;
  /** Name when testing a cluster (the embedded run names its reference). */
  readonly name: string;
  readonly details: Readonly<Record<string, string>>;
}

export interface KubeSessionSetup {
  readonly target: KubeTarget;
  /** Registers something to close with the session (closed newest first, also if opening fails). */
  onClose(close: () => Promise<void>): void;
}

/** Opens a Kubernetes-API session: `build` discovers; everything it registered is closed on failure. */
export async function openKubeSession<Env>(
  options: KubeTargetOptions & { readonly referenceFault?: string },
  context: OpenContext,
  reference: { readonly name: string; readonly leakKinds: readonly LeakKind[] },
  build: (setup: KubeSessionSetup) => Promise<KubeSessionParts<Env>>,
): Promise<Session<Env>> {
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const target = await openKubeTarget(options, context.signal, context.log);
    closers.push(() => target.close());
    const parts = await build({ target, onClose: (close) => closers.push(close) });
    const implementation: ImplementationInfo = {
      name: target.embedded ? reference.name : parts.name,
      version: target.version,
      endpoint: target.embedded ? 'embedded reference' : target.server,
      embeddedReference: target.embedded,
      details: { apiServer: target.server, ...parts.details, ...(options.referenceFault ? { fault: options.referenceFault } : {}) },
    };
    return {
      env: parts.env,
      capabilities: parts.capabilities,
      warnings: parts.warnings,
      ...(parts.claimNotes ? { claimNotes: parts.claimNotes } : {}),
      implementation,
      leakCheck: (signal) => findLeaks(target.kc, context.runId, reference.leakKinds, signal),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** An embedded reference's own chatter is detail, not run output. */
export const referenceLog = (log: Logger) => ({ info: (m: string) => log.debug(m), warn: (m: string) => log.debug(m), debug: (m: string) => log.debug(m) });
