// After every test has finished: objects carrying this run's label that the cluster still has.
// Objects already being deleted (a deletionTimestamp) are on their way out and are not leaks.
import type { KubeConfig } from '@kubernetes/client-node';
import { raceSignal } from '../core/deadline.js';
import { objectApi } from './objects.js';
import { runSelector } from './run-labels.js';

export interface LeakKind {
  readonly apiVersion: string;
  readonly kind: string;
}

export async function findLeaks(kc: KubeConfig, runId: string, kinds: readonly LeakKind[], signal: AbortSignal): Promise<string[]> {
  const api = objectApi(kc);
  const leaks: string[] = [];
  for (const { apiVersion, kind } of kinds) {
    const list = await raceSignal(api.list(apiVersion, kind, undefined, undefined, undefined, undefined, undefined, runSelector(runId)), signal, `listing ${kind} of run ${runId}`);
    for (const item of list.items) {
      if (item.metadata?.deletionTimestamp) continue;
      const ns = item.metadata?.namespace ? `${item.metadata.namespace}/` : '';
      leaks.push(`${kind} ${ns}${item.metadata?.name}`);
    }
  }
  return leaks;
}
