// Pods kubelet left in the runtime (a test that failed before deleting its pod): stopped and
// removed through CRI while the runtime still runs, so it tears their networks down (CNI DEL) and
// unmounts their root filesystems itself.
import { CriClient } from '../../../src/interfaces/cri/client.js';
import type { PodSandbox } from '../../../src/interfaces/cri/types.js';

/** Stops and removes every pod sandbox; returns the errors met (best effort, bounded by `signal`). */
export async function removeAllPodSandboxes(endpoint: string, signal: AbortSignal): Promise<string[]> {
  const client = new CriClient({ runtimeEndpoint: endpoint, callTimeoutMs: 15_000 });
  const errors: string[] = [];
  try {
    const { items } = await client.runtime<{ items?: PodSandbox[] }>('ListPodSandbox', {}, signal);
    for (const pod of items ?? []) {
      for (const method of ['StopPodSandbox', 'RemovePodSandbox']) {
        await client.runtime(method, { podSandboxId: pod.id }, signal).catch((error: unknown) => errors.push(`${method} ${pod.id}: ${(error as Error).message}`));
      }
    }
  } catch (error) {
    errors.push(`ListPodSandbox: ${(error as Error).message}`);
  } finally {
    client.close();
  }
  return errors;
}
