// Starting the in-memory reference driver (src/reference/csi) for a run with no endpoint, and
// translating the suite's capability names into the reference's switches.
import { startCsiReference } from '../../reference/csi/server.js';
import type { ResolvedCsiOptions } from './resolve.js';

/** Secrets the embedded reference demands on every RPC that carries secrets. */
export const EMBEDDED_SECRETS: Readonly<Record<string, string>> = { 'conformal-secret': 'embedded-reference' };

/** Mutable parameters the embedded reference accepts, used when none are configured. */
export const EMBEDDED_MUTABLE_PARAMETERS: Readonly<Record<string, string>> = { iops: '3000' };

/** The second node the embedded reference's controller knows. */
export const EMBEDDED_OTHER_NODE = 'conformal-node-2';

export interface EmbeddedReference {
  readonly address: string;
  close(): Promise<void>;
}

/** Suite names → reference switches: group.X is group-controller.X there; derived names have no switch. */
export function referenceSwitches(disabled: readonly string[]): string[] {
  return disabled.flatMap((name) => {
    if (name.startsWith('group.')) return [`group-controller.${name.slice('group.'.length)}`];
    if (/^(plugin|controller|node)\.[A-Z_]+$/.test(name)) return [name];
    return [];
  });
}

type ReferenceChoices = Pick<ResolvedCsiOptions, 'referenceDisable' | 'referenceFault'>;

/** The reference's own options for the suite's choices: trimmed capabilities, a fault, real target paths. */
function referenceOptions(endpoint: string, options: ReferenceChoices) {
  const expansion = options.referenceDisable.includes('expansion.ONLINE') ? (options.referenceDisable.includes('expansion.OFFLINE') ? 'NONE' : 'OFFLINE') : 'ONLINE';
  return {
    endpoint,
    disabledCapabilities: referenceSwitches(options.referenceDisable),
    volumeExpansion: expansion,
    otherNodeIds: [EMBEDDED_OTHER_NODE],
    mutableParameterKeys: Object.keys(EMBEDDED_MUTABLE_PARAMETERS),
    // Real target paths, so the suite (and csi-sanity) can check that publishing creates them and unpublishing removes them.
    realPaths: true,
    ...(options.referenceFault ? { fault: options.referenceFault } : {}),
  } as const;
}

/** The reference behind a run with no endpoint; it also demands secrets, so the suite proves it passes them. */
export async function startEmbeddedReference(socketPath: string, options: ReferenceChoices): Promise<EmbeddedReference> {
  return startCsiReference({ ...referenceOptions(`unix://${socketPath}`, options), requiredSecrets: EMBEDDED_SECRETS });
}

/** `conformal reference csi`: the same driver for other tools, without required secrets (csi-sanity sends none by default). */
export async function startStandaloneReference(endpoint: string, options: ReferenceChoices): Promise<EmbeddedReference> {
  return startCsiReference(referenceOptions(endpoint, options));
}
