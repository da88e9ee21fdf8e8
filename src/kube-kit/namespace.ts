// A namespace per test, named uniquely and labelled with the run, so one test's leftovers never
// meet another's and the leak check can find them.
import type { KubeConfig, V1Namespace } from '@kubernetes/client-node';
import type { Ledger } from '../core/ledger.js';
import { createTracked } from './objects.js';
import { runLabels } from './run-labels.js';

export interface NamespaceContext {
  readonly ledger: Ledger;
  readonly signal: AbortSignal;
  readonly test: { readonly id: string };
  unique(base: string): string;
}

export async function createTestNamespace(kc: KubeConfig, ctx: NamespaceContext, runId: string): Promise<string> {
  const name = ctx.unique('conformal');
  const body: V1Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
  await createTracked(kc, ctx.ledger, body, runLabels(runId, ctx.test.id), ctx.signal);
  return name;
}
