// CRD conversion webhooks (spec.conversion.strategy: Webhook): objects are stored in the version
// they were written in (the storage version) and converted by POSTing a ConversionReview to the
// webhook whenever a request names another version, as kube-apiserver does. Only `url` client
// configs are reachable here (a `service` reference needs cluster networking).
import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import { parse as parseYaml } from 'yaml';
import { patchDocument, type KubeApi, type Target, type WriteResult } from './api.js';
import { KubeApiError } from './status.js';
import { apiVersionOf, type KubeObject, type ResourceType } from './types.js';

export interface ConversionWebhook {
  url?: string;
  service?: unknown;
  /** PEM bundle (base64 in the CRD) the webhook's serving certificate must chain to. */
  caBundle?: string;
  /** ConversionReview versions the webhook understands, most preferred first. */
  reviewVersions: string[];
}

/** kube-apiserver's default (and maximum) conversion webhook timeout. */
const TIMEOUT_MS = 30_000;

/** kube-apiserver's wording: a 500 without a reason, naming the version converted from. */
function failure(type: ResourceType, from: string, message: string, cause?: unknown): KubeApiError {
  const error = new KubeApiError(500, '', `conversion webhook for ${from}, Kind=${type.kind} failed: ${message}`);
  if (cause !== undefined) (error as Error & { cause?: unknown }).cause = cause;
  return error;
}

/**
 * kube-apiserver 1.37 converts a custom resource while decoding it from etcd, so a webhook failing
 * on the read of one object surfaces as a storage error on the object's key and revision.
 */
export function conversionReadError(type: ResourceType, stored: KubeObject, error: unknown): unknown {
  if (!(error instanceof KubeApiError)) return error;
  const { namespace, name, resourceVersion } = stored.metadata;
  const key = ['', type.group, type.plural, ...(namespace ? [namespace] : []), name].join('/');
  const storageError = `StorageError: corrupt object, Code: 7, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: object not decodable revision=${resourceVersion}: ${error.message}`;
  // apierrors.NewInternalError: the message says so, the one cause is the error itself.
  const wrapped = new KubeApiError(500, 'InternalError', `Internal error occurred: ${storageError}`, { causes: [{ message: storageError }] });
  (wrapped as Error & { cause?: unknown }).cause = error;
  return wrapped;
}

/** `objects` in `desired` (group/version): those already in it are kept, the others go to the webhook in one review. */
export async function convertObjects(type: ResourceType, objects: KubeObject[], desired: string): Promise<KubeObject[]> {
  const webhook = type.conversion;
  const pending = objects.filter((o) => o.apiVersion !== desired);
  if (!webhook || pending.length === 0) return objects;
  if (!webhook.url) throw failure(type, pending[0]!.apiVersion ?? desired, 'only url client configs are supported by this server');
  const reviewVersion = webhook.reviewVersions.find((v) => v === 'v1' || v === 'v1beta1');
  if (!reviewVersion) throw failure(type, pending[0]!.apiVersion ?? desired, `none of ${JSON.stringify(webhook.reviewVersions)} is a supported ConversionReview version`);
  const from = pending[0]!.apiVersion ?? desired;
  const uid = randomUUID();
  const review = { apiVersion: `apiextensions.k8s.io/${reviewVersion}`, kind: 'ConversionReview', request: { uid, desiredAPIVersion: desired, objects: pending } };
  let answer: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    answer = await post(webhook, JSON.stringify(review));
  } catch (error) {
    throw failure(type, from, `Post "${webhook.url}": ${(error as Error).message}`, error);
  }
  const response = answer?.response;
  if (!response || typeof response !== 'object') throw failure(type, from, 'conversion webhook response was absent');
  if (response.uid !== uid) throw failure(type, from, `expected response uid "${uid}", got "${String(response.uid)}"`);
  if (response.result?.status !== 'Success') throw failure(type, from, String(response.result?.message ?? 'no result'));
  const converted = response.convertedObjects;
  if (!Array.isArray(converted) || converted.length !== pending.length) {
    throw failure(type, from, `returned ${Array.isArray(converted) ? converted.length : 0} objects, expected ${pending.length}`);
  }
  const byOriginal = new Map<KubeObject, KubeObject>();
  pending.forEach((original, i) => byOriginal.set(original, restoreMeta(type, original, converted[i] as KubeObject, desired)));
  return objects.map((o) => byOriginal.get(o) ?? o);
}

/** A webhook may change labels and annotations only: every other metadata field comes from the original, as in kube-apiserver. */
function restoreMeta(type: ResourceType, original: KubeObject, converted: KubeObject, desired: string): KubeObject {
  const from = original.apiVersion ?? desired;
  if (!converted || typeof converted !== 'object') throw failure(type, from, 'converted object is not an object');
  if (converted.apiVersion !== desired) throw failure(type, from, `invalid converted object: expected apiVersion ${desired}, got ${String(converted.apiVersion)}`);
  if (converted.kind !== original.kind) throw failure(type, from, `invalid converted object: expected kind ${original.kind}, got ${String(converted.kind)}`);
  const metadata = { ...original.metadata };
  const given = converted.metadata ?? {};
  if (given.uid !== undefined && given.uid !== original.metadata.uid) throw failure(type, from, 'must not change metadata.uid');
  if (given.labels) metadata.labels = given.labels;
  else delete metadata.labels;
  if (given.annotations) metadata.annotations = given.annotations;
  else delete metadata.annotations;
  return { ...converted, metadata };
}

function post(webhook: ConversionWebhook, body: string): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const ca = webhook.caBundle ? Buffer.from(webhook.caBundle, 'base64').toString('utf8') : undefined;
  return new Promise((resolve, reject) => {
    const req = request(webhook.url!, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': Buffer.byteLength(body) },
      timeout: TIMEOUT_MS,
      ...(ca ? { ca } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) !== 200) return reject(new Error(`status ${res.statusCode}: ${text.slice(0, 200)}`));
        try {
          resolve(JSON.parse(text));
        } catch (error) {
          reject(new Error(`decoding the response: ${(error as Error).message}`, { cause: error }));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A create, update or patch naming a served version other than storage: the body is converted to
 * the storage version through the webhook and written there (the answer is converted back by the caller).
 */
export async function convertedWrite(api: KubeApi, target: Target, method: string, body: unknown, contentType: string): Promise<WriteResult> {
  const { type } = target.served;
  const storageVersion = type.versions.find((v) => v.storage)!;
  const storage: Target = { ...target, served: { type, version: storageVersion } };
  const stored = apiVersionOf(type.group, storageVersion.name);
  const requested = apiVersionOf(type.group, target.served.version.name);
  // Bodies of the wrong version or kind go on unconverted, so the API refuses them as it would anyway.
  const toStorage = async (obj: unknown): Promise<unknown> => {
    const o = obj as KubeObject;
    if (!o || typeof o !== 'object' || o.apiVersion !== requested || o.kind !== type.kind) return obj;
    return (await convertObjects(type, [{ ...o, metadata: o.metadata ?? {} }], stored))[0];
  };
  if (target.subresource === 'scale') return method === 'PATCH' ? api.patch(storage, body as string, contentType) : api.updateScale(storage, body);
  if (method === 'POST') return api.create(storage, await toStorage(body));
  if (method === 'PUT') return api.update(storage, await toStorage(body));
  const text = body as string;
  const media = contentType.split(';')[0]!.trim();
  if (media === 'application/apply-patch+yaml') {
    let config: unknown;
    try {
      config = parseYaml(text);
    } catch {
      return api.patch(target, text, contentType);
    }
    return api.patch(storage, JSON.stringify(await toStorage(config)), contentType);
  }
  for (let attempt = 0; ; attempt++) {
    const current = api.get(storage);
    const [inRequested] = await convertObjects(type, [current], requested);
    const patched = patchDocument(structuredClone(inRequested!), text, contentType, type.builtin);
    try {
      return api.update(storage, await toStorage(patched));
    } catch (error) {
      // Another write came between the read and this one: kube-apiserver retries a patch that carries no resourceVersion of its own.
      if (!(error instanceof KubeApiError && error.code === 409) || attempt >= 4 || text.includes('"resourceVersion"')) throw error;
    }
  }
}
