// Creating objects for a test: each carries the run's labels and is registered in the test's
// ledger before the body goes on, so it is removed even when the test fails.
import { ApiException, KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Ledger } from '../core/ledger.js';
import { raceSignal } from '../core/deadline.js';

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

/** The API server's Status message of a failed call (client-node's ApiException keeps the response body), if it answered one. */
export function statusMessage(error: unknown): string | undefined {
  if (!(error instanceof ApiException)) return undefined;
  try {
    const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    return body && typeof body.message === 'string' ? body.message : undefined;
  } catch {
    return undefined; // not a Status body
  }
}

/**
 * A failed API call as a test reports it: what was done, the HTTP code and the API server's
 * message (client-node's own message starts with the code alone, the body only further down).
 * Anything but an ApiException is returned as it is.
 */
export function apiFailure(what: string, error: unknown): unknown {
  if (!(error instanceof ApiException)) return error;
  const message = statusMessage(error);
  return new Error(`${what}: HTTP ${error.code}${message ? `: ${message}` : ''}`, { cause: error });
}

const objectApis = new WeakMap<KubeConfig, KubernetesObjectApi>();

/**
 * One KubernetesObjectApi per cluster configuration. It keeps the discovery of every apiVersion it
 * has used (asking again for a kind it does not know), which a new one per call fetches again: a GET
 * of /apis/<group>/<version> before every create, list and delete.
 */
export function objectApi(kc: KubeConfig): KubernetesObjectApi {
  let api = objectApis.get(kc);
  if (!api) objectApis.set(kc, (api = KubernetesObjectApi.makeApiClient(kc)));
  return api;
}

/** Creates `object` with `labels` merged in; the ledger deletes it (a 404 then is fine). */
export async function createTracked<T extends KubernetesObject>(kc: KubeConfig, ledger: Ledger, object: T, labels: Record<string, string>, signal: AbortSignal): Promise<T> {
  const api = objectApi(kc);
  const body = { ...object, metadata: { ...object.metadata, labels: { ...object.metadata?.labels, ...labels } } } as T;
  const created = await raceSignal(api.create(body), signal, `creating ${object.kind} ${object.metadata?.name}`);
  const where = created.metadata?.namespace ? `${created.metadata.namespace}/` : '';
  ledger.add(`${object.kind} ${where}${created.metadata?.name}`, async (undoSignal) => {
    await raceSignal(api.delete(created), undoSignal, `deleting ${object.kind} ${created.metadata?.name}`).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  });
  return created;
}
