// The libcni/skel behaviours the compatible profile accepts, worded once so the up-front probes
// (session.ts) and the tests (suites/cni) report each the same way, and the report lists it once.
import type { CniRuntime } from './runtime/network.js';

export const deviation = {
  errorWithoutVersion: (type: string) => `${type}: error objects carry no cniVersion (Go types.Error behaviour, cni#827)`,
  requiresCniPath: (type: string) => `${type} requires CNI_PATH (libcni/skel behaviour)`,
  versionNotEchoed: (type: string, answered: string, input: string) => `${type} VERSION answered cniVersion ${answered} for input ${input} (libcni/skel prints its own current version)`,
};

export const asWarning = (message: string) => `compatible profile: ${message}`;

/**
 * Cheap probes that change nothing: an ADD missing CNI_CONTAINERID (rejected before any work) shows
 * whether error objects carry cniVersion; a DEL of an unknown container without CNI_PATH shows
 * whether CNI_PATH is required. Returns the deviations found, for the run's warnings.
 */
export async function probeDeviations(runtime: CniRuntime, signal: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  const stdin = JSON.stringify(runtime.request(0, { signal }));
  const probeAttachment = { containerID: 'conformal-probe', ifname: 'eth0' };
  // Independent (the ADD is rejected before it touches anything): both at once.
  const [add, del] = await Promise.all([
    runtime.raw(0, 'ADD', probeAttachment, stdin, signal, { CNI_CONTAINERID: undefined }),
    runtime.raw(0, 'DEL', probeAttachment, stdin, signal, { CNI_PATH: undefined }),
  ]);
  if (add.exitCode !== 0 && add.error && add.error.cniVersion === undefined) found.push(deviation.errorWithoutVersion(add.type));
  if (del.exitCode !== 0 && del.error?.code === 4 && del.error.msg.includes('CNI_PATH')) found.push(deviation.requiresCniPath(del.type));
  return found;
}
