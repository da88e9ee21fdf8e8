// The API semantics, independent of HTTP: create/get/list/update/patch/delete on a served
// resource, with resourceVersions, generation, field managers, admission (defaults and
// validation), subresources, finalizers and the garbage collector.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import jsonpatch from 'fast-json-patch';
import mergePatch from 'json-merge-patch';
import { parse as parseYaml } from 'yaml';
import { nowTimestamp, recordUpdate, serverSideApply } from './apply.js';
import { schemaListStrategy } from './crd-schema.js';
import { Controllers, FOREGROUND, ORPHAN } from './controllers.js';
import { crdDefaults, crdStatus, typeFromCrd, validateCrd } from './crd.js';
import type { ListStrategyOf } from './managed-fields.js';
import { generateName, validateName } from './naming.js';
import { Registry, type Served } from './registry.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  distinctFieldErrors,
  expired,
  forbidden,
  invalid,
  KubeApiError,
  notFound,
  STALE_OBJECT,
  unsupportedMediaType,
  type FieldError,
} from './status.js';
import { listStrategy, strategicMergePatch } from './strategic-merge.js';
import { objectKey, Store } from './store.js';
import { apiVersionOf, storageKey, type KubeObject, type ResourceType } from './types.js';
import { goShape, WireDecodeError, wireMessageOf, type Shaped } from './wire.js';

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One request against a resource: what the URL and query string say. */
export interface Target {
  served: Served;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  /** Default field manager (from the User-Agent) when the query has none. */
  userAgentManager: string;
}

export interface WriteResult {
  object: unknown;
  /** 201 for a create, 200 otherwise. */
  code: number;
  warnings: string[];
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

const CORE_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class KubeApi {
  readonly store: Store;
  readonly registry = new Registry();
  private readonly typesByStorage = new Map<string, ResourceType>();

  /** @internal for the controllers: the type stored under a storage key. */
  typeOf(key: string): ResourceType | undefined {
    return this.typesByStorage.get(key);
  }

  private readonly controllers = new Controllers(this);
  private gcQueue: Promise<void> = Promise.resolve();

  /** `watchHistory`: events kept per resource for watches that resume from a resourceVersion. */
  constructor(watchHistory = 10_000) {
    this.store = new Store(watchHistory);
    for (const name of CORE_NAMESPACES) this.bootstrap(this.builtin('', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    this.bootstrap(this.builtin('', 'services'), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], clusterIP: '10.96.0.1' },
    });
  }

  /** @internal for the controllers */
  builtin(group: string, plural: string): Served {
    const served = this.registry.lookup(group, 'v1', plural);
    if (!served) throw new Error(`built-in ${plural} missing`);
    return served;
  }

  private bootstrap(served: Served, obj: KubeObject): void {
    this.create({ served, namespace: obj.metadata.namespace, query: new URLSearchParams(), userAgentManager: 'kube-apiserver' }, obj);
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** @internal for the controllers */
  key(type: ResourceType): string {
    const key = storageKey(type);
    // A collection answers to the type that owns it, not to one that borrows it.
    if (!type.storedAs) this.typesByStorage.set(key, type);
    return key;
  }

  private strategyOf(served: Served): ListStrategyOf {
    return served.type.builtin ? listStrategy : schemaListStrategy(served.version.schema);
  }

  private manager(target: Target): string {
    return target.query.get('fieldManager') || target.userAgentManager;
  }

  private dryRun(target: Target): boolean {
    return target.query.getAll('dryRun').includes('All');
  }

  /**
   * The object as the requested version presents it (CRD versions share storage; conversion "None").
   * Webhook-converted types keep their stored version here: the HTTP layer converts (conversion.ts).
   */
  present(served: Served, obj: KubeObject): KubeObject {
    if (served.type.storedAs) return served.type.storedAs.fromStorage(obj);
    if (served.type.conversion) return obj;
    const apiVersion = apiVersionOf(served.type.group, served.version.name);
    return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
  }

  private current(target: Target): KubeObject {
    const obj = this.stored(target);
    if (!obj) throw notFound(target.served.type, target.name!);
    return obj;
  }

  /** The stored object the target names, in the target type's form; undefined when there is none. */
  private stored(target: Target): KubeObject | undefined {
    const { type } = target.served;
    const obj = this.store.collection(this.key(type)).objects.get(objectKey(target.namespace, target.name!));
    return obj && type.storedAs ? type.storedAs.fromStorage(obj) : obj;
  }

  private requireNamespace(target: Target, name: string, creating: boolean): void {
    if (!target.served.type.namespaced) return;
    const ns = this.store.collection('/namespaces').objects.get(target.namespace ?? '');
    if (!ns) throw notFound({ group: '', plural: 'namespaces' }, target.namespace ?? '');
    if (creating && ns.metadata.deletionTimestamp) {
      throw forbidden(target.served.type, name, `unable to create new content in namespace ${target.namespace} because it is being terminated`, [
        { reason: 'NamespaceTerminating', message: `namespace ${target.namespace} is being terminated`, field: 'metadata.namespace' },
      ]);
    }
  }

  /**
   * Checks apiVersion/kind and namespace of a request body against the URL; built-in bodies take
   * the shape of their Go type (unless `shape` is false: an applied configuration stays partial).
   */
  private checkBody(target: Target, body: unknown, warnings: string[] = [], shape = true): KubeObject {
    if (!isObject(body)) throw badRequest('the body of the request was not a JSON object');
    const { type, version } = target.served;
    const expected = apiVersionOf(type.group, version.name);
    // Bodies arrive freshly parsed (or freshly patched) and belong to this request: no copy needed.
    let obj = body as KubeObject;
    if (obj.apiVersion !== undefined && obj.apiVersion !== expected && !(target.subresource === 'scale')) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`);
    }
    if (obj.kind !== undefined && obj.kind !== type.kind && !(target.subresource === 'scale')) {
      throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${type.kind})`);
    }
    obj.apiVersion = expected;
    obj.kind = type.kind;
    if (shape) obj = this.goShaped(target, obj, warnings);
    if (!isObject(obj.metadata)) obj.metadata = {};
    if (type.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== target.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = target.namespace!;
    } else {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  /** A built-in object as kube-apiserver's decoder leaves it (wire.ts); unknown fields per fieldValidation. */
  private goShaped(target: Target, obj: KubeObject, warnings: string[]): KubeObject {
    const { type, version } = target.served;
    const message = type.builtin && target.subresource !== 'scale' ? wireMessageOf(obj.apiVersion, obj.kind) : undefined;
    if (!message) return obj;
    const cannot = `${type.kind} in version "${version.name}" cannot be handled as a ${type.kind}`;
    let shaped: Shaped;
    try {
      shaped = goShape(obj, message);
    } catch (error) {
      if (error instanceof WireDecodeError) throw badRequest(`${cannot}: ${error.message}`);
      throw error;
    }
    const validation = target.query.get('fieldValidation');
    if (shaped.unknown.length > 0 && validation === 'Strict') {
      throw badRequest(`${cannot}: strict decoding error: ${shaped.unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
    }
    if (validation !== 'Ignore') for (const f of shaped.unknown) warnings.push(`unknown field "${f}"`);
    return shaped.object as KubeObject;
  }

  /**
   * What kube-apiserver does between decoding a body and storing it, in its order: decode-time
   * defaults (and CRD schema pruning/defaulting), field ownership (`track`), the strategy's
   * preparation and admission plugins, validation, then allocation (cluster IPs, node ports).
   * `old` is the stored object on an update; throws 422.
   */
  private admit(target: Target, obj: KubeObject, warnings: string[], old: KubeObject | undefined, track: () => void): void {
    const { type, version } = target.served;
    const status = target.subresource === 'status';
    const fieldValidation = target.query.get('fieldValidation');
    const errors: FieldError[] = [];
    type.defaults?.(obj);
    type.normalize?.(obj);
    if (version.admit) {
      const before = fieldValidation === 'Ignore' ? undefined : structuredClone(obj);
      errors.push(...version.admit(obj));
      if (before) {
        const unknown = unknownFields(before, obj);
        if (unknown.length > 0 && fieldValidation === 'Strict') {
          throw badRequest(`${type.kind} in version "${version.name}" cannot be handled as a ${type.kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
        }
        for (const f of unknown) warnings.push(`unknown field "${f}"`);
      }
    }
    track();
    if (!old) type.prepareCreate?.(obj);
    else if (status) type.prepareStatus?.(obj, old);
    else type.prepareUpdate?.(obj, old);
    if (status && old && type.validateStatus) errors.push(...type.validateStatus(obj, old));
    else {
      if (type.validate) errors.push(...type.validate(obj, old));
      if (old && type.validateUpdate) errors.push(...type.validateUpdate(old, obj));
    }
    if (!type.builtin && version.scale) errors.push(...scaleReplicasErrors(obj, version.scale.specReplicasPath));
    if (type.group === 'apiextensions.k8s.io' && type.plural === 'customresourcedefinitions') {
      crdDefaults(obj);
      errors.push(...validateCrd(obj));
    }
    errors.push(...validateMetadata(obj));
    if (errors.length > 0) throw invalid(type.kind, type.group, obj.metadata.name ?? '', type.distinctFieldErrors ? distinctFieldErrors(errors) : errors);
    if (!status && type.allocate) type.allocate(obj, old, this.store.collection(this.key(type)).objects.values());
  }

  /** A review request's body, checked like any other (apiVersion, kind). */
  reviewBody(target: Target, body: unknown): KubeObject {
    return this.checkBody(target, body);
  }

  // ---- reads ---------------------------------------------------------------------------------

  get(target: Target): KubeObject {
    return this.present(target.served, this.current(target));
  }

  list(target: Target): ListResult {
    const { type } = target.served;
    const collection = this.store.collection(this.key(type));
    const labels = parseLabelSelector(target.query.get('labelSelector'));
    const fields = parseFieldSelector(target.query.get('fieldSelector'));
    const limit = Number(target.query.get('limit') ?? 0);
    const token = target.query.get('continue');
    let start = '';
    let listRv = this.store.currentRv;
    let objects: Map<string, KubeObject> = collection.objects;
    if (token) {
      const decoded = decodeContinue(token);
      const snapshot = collection.snapshotAt(decoded.rv);
      if (!snapshot) {
        throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      // Every page is read from the revision of the first, as etcd serves it.
      objects = snapshot;
      start = decoded.start;
      listRv = decoded.rv;
    } else if (target.query.get('resourceVersionMatch') === 'Exact') {
      const wanted = Number(target.query.get('resourceVersion'));
      if (!Number.isInteger(wanted) || wanted <= 0) throw badRequest('resourceVersionMatch=Exact needs a resourceVersion');
      const snapshot = wanted <= this.store.currentRv ? collection.snapshotAt(wanted) : undefined;
      if (!snapshot) throw expired(`too old resource version: ${wanted} (${collection.compactedRv + 1})`);
      objects = snapshot;
      listRv = wanted;
    }
    const prefix = type.namespaced && target.namespace ? `${target.namespace}/` : '';
    const items: KubeObject[] = [];
    // Only the keys of this namespace from the continue point on are sorted; labels are matched
    // on the stored object (conversion never changes them) before it is converted for the answer.
    const keys = [...objects.keys()].filter((k) => (!prefix || k.startsWith(prefix)) && (!start || k >= start)).sort();
    let index = 0;
    let continueKey: string | undefined;
    for (; index < keys.length; index++) {
      const key = keys[index]!;
      const stored = objects.get(key)!;
      if (labels && !labels(stored.metadata.labels ?? {})) continue;
      const obj = this.present(target.served, stored);
      if (fields && !fields(obj)) continue;
      if (limit > 0 && items.length === limit) {
        continueKey = key;
        break;
      }
      items.push(obj);
    }
    const result: ListResult = { items, resourceVersion: String(listRv) };
    if (continueKey !== undefined) {
      result.continueToken = encodeContinue(listRv, continueKey);
      if (!labels && !fields) {
        result.remainingItemCount = keys.length - index;
      }
    }
    return result;
  }

  // ---- writes --------------------------------------------------------------------------------

  create(target: Target, body: unknown, applied?: KubeObject['metadata']['managedFields'], warnings: string[] = []): WriteResult {
    return withWarnings(warnings, () => this.createObject(target, body, applied, warnings));
  }

  private createObject(target: Target, body: unknown, applied: KubeObject['metadata']['managedFields'] | undefined, warnings: string[]): WriteResult {
    const { type } = target.served;
    if (target.subresource) throw new KubeApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    const obj = this.checkBody(target, body, warnings);
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    if (!meta.name) throw invalid(type.kind, type.group, '', [{ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' }]);
    this.requireNamespace(target, meta.name, true);
    const nameErrors = validateName(meta.name, type.plural === 'namespaces');
    if (nameErrors.length > 0) throw invalid(type.kind, type.group, meta.name, nameErrors);
    for (const field of ['uid', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'managedFields'] as const) delete meta[field];
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    if (type.generation) meta.generation = 1;
    // Status is not the main resource's to write (nodes excepted: kubelets register with it).
    if (target.served.version.status && type.plural !== 'nodes') delete obj.status;
    const manager = this.manager(target);
    this.admit(target, obj, warnings, undefined, () => {
      if (applied) obj.metadata.managedFields = applied;
      else recordUpdate(this.zeroOf(target, obj), withoutResetFields(target, obj), manager, obj.apiVersion, this.strategyOf(target.served));
    });
    if (type.plural === 'customresourcedefinitions' && type.group === 'apiextensions.k8s.io') {
      const spec = obj.spec as { group: string; names: { plural: string } };
      if (this.registry.claims(spec.group, spec.names.plural, meta.name)) {
        throw invalid(type.kind, type.group, meta.name, [{ type: 'FieldValueDuplicate', field: 'spec.names.plural', value: spec.names.plural, detail: '' }]);
      }
      obj.status = crdStatus(obj, meta.creationTimestamp);
    }
    const collection = this.store.collection(this.key(type));
    const key = objectKey(meta.namespace, meta.name);
    if (collection.objects.has(key)) throw alreadyExists(type, meta.name);
    const stored = this.finalShape(target, obj);
    if (this.dryRun(target)) return { object: stored, code: 201, warnings };
    this.write(type, stored);
    return { object: stored, code: 201, warnings };
  }

  /** Stores a new state (assigning the resourceVersion) and runs the side effects of CRDs and owner references. */
  /** @internal for the controllers */
  write(type: ResourceType, obj: KubeObject): void {
    const key = this.key(type);
    const objKey = objectKey(obj.metadata.namespace, obj.metadata.name!);
    const previous = this.store.collection(key).objects.get(objKey);
    const rv = this.store.nextRv();
    obj.metadata.resourceVersion = String(rv);
    const stored = type.storedAs ? type.storedAs.toStorage(obj) : obj;
    this.controllers.track(previous, stored, key, objKey);
    this.store.put(key, objKey, stored, rv);
    if (type.plural === 'customresourcedefinitions' && type.group === 'apiextensions.k8s.io' && !obj.metadata.deletionTimestamp) {
      this.registry.putCustom(typeFromCrd(obj));
    }
  }

  update(target: Target, body: unknown): WriteResult {
    const warnings: string[] = [];
    return withWarnings(warnings, () => this.updateObject(target, body, warnings));
  }

  private updateObject(target: Target, body: unknown, warnings: string[]): WriteResult {
    const { type } = target.served;
    const obj = this.checkBody(target, body, warnings);
    if (obj.metadata.name !== undefined && obj.metadata.name !== target.name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${target.name})`);
    }
    obj.metadata.name = target.name!;
    const existing = this.current(target);
    const rv = obj.metadata.resourceVersion;
    if (rv === undefined || rv === '') {
      if (!type.builtin || type.unconditionalUpdate === false) {
        throw invalid(type.kind, type.group, target.name!, [{ type: 'FieldValueInvalid', field: 'metadata.resourceVersion', value: 0, detail: 'must be specified for an update' }]);
      }
    } else if (rv !== existing.metadata.resourceVersion) {
      throw conflict(type, target.name!, STALE_OBJECT);
    }
    return this.commit(target, existing, obj, false, warnings);
  }

  /** The shared tail of update and patch: subresource rules, generation, admission, no-op detection, finalizers. */
  private commit(target: Target, existing: KubeObject, proposed: KubeObject, applyManaged = false, warnings: string[] = []): WriteResult {
    const { type, version } = target.served;
    let next: KubeObject;
    if (target.subresource === 'status') {
      next = type.builtin ? statusWrite(existing, proposed) : { ...structuredClone(existing), apiVersion: proposed.apiVersion, status: proposed.status };
      if (next.status === undefined) delete next.status;
    } else {
      next = proposed;
      if (version.status) {
        if (existing.status === undefined) delete next.status;
        else next.status = structuredClone(existing.status);
      }
    }
    // What no update may change (rest.BeforeUpdate), the status subresource included.
    const meta = next.metadata;
    meta.uid = existing.metadata.uid!;
    meta.creationTimestamp = existing.metadata.creationTimestamp!;
    if (existing.metadata.deletionTimestamp) {
      meta.deletionTimestamp = existing.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = existing.metadata.deletionGracePeriodSeconds ?? 0;
      const added = (meta.finalizers ?? []).filter((f) => !(existing.metadata.finalizers ?? []).includes(f));
      if (added.length > 0) {
        throw invalid(type.kind, type.group, target.name!, [{ type: 'FieldValueForbidden', field: 'metadata.finalizers', detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}` }]);
      }
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    meta.resourceVersion = existing.metadata.resourceVersion!;
    if (type.generation) {
      const { metadata: _m1, status: _s1, ...specBefore } = existing;
      const { metadata: _m2, status: _s2, ...specAfter } = next;
      // Deployments also count annotation changes: they are copied to the ReplicaSets.
      const annotationsCount = type.group === 'apps' && type.plural === 'deployments' && target.subresource !== 'status' && !isDeepStrictEqual(existing.metadata.annotations ?? {}, meta.annotations ?? {});
      meta.generation = (existing.metadata.generation ?? 1) + (isDeepStrictEqual(specBefore, specAfter) && !annotationsCount ? 0 : 1);
    } else {
      delete meta.generation;
    }
    const manager = this.manager(target);
    this.admit(target, next, warnings, existing, () => {
      if (!applyManaged) recordUpdate(existing, next, manager, next.apiVersion, this.strategyOf(target.served), target.subresource);
    });
    next = this.finalShape(target, next);
    const isCrd = type.plural === 'customresourcedefinitions' && type.group === 'apiextensions.k8s.io';
    if (isCrd && target.subresource !== 'status') next.status = crdStatus(next, nowTimestamp());
    // kube-apiserver skips writes that change nothing: same resourceVersion, no watch event.
    if (sameExceptTimes(existing, next)) return { object: this.present(target.served, existing), code: 200, warnings };
    if (this.dryRun(target)) return { object: next, code: 200, warnings };
    // Emptying the finalizers of an object being deleted deletes it instead of writing it, as
    // registry.Store does (errEmptiedFinalizers): watchers get one DELETED event carrying the last
    // stored state, never a finalizer-less version, and the client gets the object it sent.
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      this.destroy(type, existing);
      return { object: this.present(target.served, next), code: 200, warnings };
    }
    this.write(type, next);
    return { object: this.present(target.served, next), code: 200, warnings };
  }

  /**
   * What a create is compared with to find the fields its manager takes: a built-in's Go zero value
   * (an empty spec that was there all along is nobody's), or nothing for custom resources.
   */
  private zeroOf(target: Target, obj: KubeObject): KubeObject | undefined {
    const message = target.served.type.builtin ? wireMessageOf(obj.apiVersion, obj.kind) : undefined;
    if (!message) return undefined;
    // Read, never written: one per message serves every create.
    let zero = ZEROS.get(message);
    if (!zero) ZEROS.set(message, (zero = goShape({ apiVersion: obj.apiVersion, kind: obj.kind }, message).object as KubeObject));
    return zero;
  }

  /**
   * After the strategy and allocation, a built-in object written out as its Go type would be.
   * Types without hooks that add or remove fields keep the shape their body was given.
   */
  private finalShape(target: Target, obj: KubeObject): KubeObject {
    const { type } = target.served;
    const reshaped = type.defaults || type.normalize || type.prepareCreate || type.prepareUpdate || type.prepareStatus || type.allocate || type.storedAs;
    return type.builtin && reshaped ? this.goShaped({ ...target, query: IGNORE_UNKNOWN }, obj, []) : obj;
  }

  patch(target: Target, body: string, contentType: string): WriteResult {
    const warnings: string[] = [];
    return withWarnings(warnings, () => this.patchObject(target, body, contentType, warnings));
  }

  private patchObject(target: Target, body: string, contentType: string, warnings: string[]): WriteResult {
    const { type } = target.served;
    const media = contentType.split(';')[0]!.trim();
    if (media === 'application/apply-patch+yaml' || media === 'application/apply-patch+cbor') return this.apply(target, body, warnings);
    const existing = this.current(target);
    const base = target.subresource === 'scale' ? this.scaleOf(target.served, existing) : structuredClone(existing);
    const patched = patchDocument(base, body, contentType, type.builtin);
    if (target.subresource === 'scale') return this.writeScale(target, existing, patched);
    const obj = this.checkBody(target, patched, warnings);
    if (obj.metadata.name !== target.name) throw badRequest(`the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${target.name})`);
    if (obj.metadata.resourceVersion !== existing.metadata.resourceVersion) throw conflict(type, target.name!, STALE_OBJECT);
    return this.commit(target, existing, obj, false, warnings);
  }

  private apply(target: Target, body: string, warnings: string[]): WriteResult {
    const { type } = target.served;
    const manager = target.query.get('fieldManager');
    if (!manager) {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [{ type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' }]);
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(body);
    } catch (error) {
      throw badRequest(`error decoding YAML: ${(error as Error).message}`);
    }
    const config = this.checkBody(target, parsed, warnings, false);
    if (config.metadata.name !== undefined && config.metadata.name !== target.name) {
      throw badRequest(`the name of the object (${config.metadata.name}) does not match the name on the URL (${target.name})`);
    }
    config.metadata.name = target.name!;
    const existing = this.stored(target);
    const force = target.query.get('force') === 'true';
    const request = { config, manager, force, apiVersion: config.apiVersion, strategyOf: this.strategyOf(target.served) };
    if (!existing) {
      const created = serverSideApply({ live: undefined, ...request });
      return this.create({ ...target, name: undefined, query: withManager(target.query, manager) }, created, created.metadata.managedFields, warnings);
    }
    const merged = serverSideApply({ live: existing, ...request, ...(target.subresource ? { subresource: target.subresource } : {}) });
    if (config.metadata.resourceVersion !== undefined && config.metadata.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(type, target.name!, STALE_OBJECT);
    }
    const shaped = this.goShaped(target, merged, warnings);
    shaped.metadata.resourceVersion = existing.metadata.resourceVersion!;
    return this.commit(target, existing, shaped, true, warnings);
  }

  // ---- scale ---------------------------------------------------------------------------------

  scaleOf(served: Served, obj: KubeObject): KubeObject {
    const scale = served.version.scale;
    if (!scale) throw notFound(served.type, obj.metadata.name!);
    const read = (p: string | undefined) => (p ? p.split('.').slice(1).reduce<unknown>((cur, k) => (isObject(cur) ? cur[k] : undefined), obj) : undefined);
    let selector = read(scale.labelSelectorPath);
    if (isObject(selector)) {
      const matchLabels = (selector.matchLabels ?? {}) as Record<string, string>;
      selector = Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
    }
    if (served.type.builtin && selector === undefined) {
      const matchLabels = (read('.spec.selector.matchLabels') ?? {}) as Record<string, string>;
      selector = Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
    }
    const status: Obj = { replicas: Number(read(scale.statusReplicasPath) ?? 0) };
    if (typeof selector === 'string' && selector !== '') status.selector = selector;
    const meta = obj.metadata;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp } as KubeObject['metadata'],
      spec: { replicas: Number(read(scale.specReplicasPath) ?? 0) },
      status,
    };
  }

  updateScale(target: Target, body: unknown): WriteResult {
    return this.writeScale(target, this.current(target), body);
  }

  private writeScale(target: Target, existing: KubeObject, body: unknown): WriteResult {
    const scale = target.served.version.scale!;
    if (!isObject(body) || !isObject(body.spec) || typeof body.spec.replicas !== 'number') {
      throw invalid('Scale', 'autoscaling', target.name!, [{ type: 'FieldValueRequired', field: 'spec.replicas', detail: '' }]);
    }
    const rv = isObject(body.metadata) ? body.metadata.resourceVersion : undefined;
    if (rv && rv !== existing.metadata.resourceVersion) throw conflict(target.served.type, target.name!, STALE_OBJECT);
    const next = structuredClone(existing);
    const keys = scale.specReplicasPath.split('.').slice(1);
    let cur: Obj = next;
    for (const k of keys.slice(0, -1)) {
      if (!isObject(cur[k])) cur[k] = {};
      cur = cur[k] as Obj;
    }
    cur[keys[keys.length - 1]!] = body.spec.replicas;
    const result = this.commit({ ...target, subresource: undefined }, existing, next);
    return { ...result, object: this.scaleOf(target.served, result.object as KubeObject) };
  }

  // ---- delete and garbage collection ---------------------------------------------------------

  delete(target: Target, options: Obj): WriteResult {
    const { type } = target.served;
    const existing = this.current(target);
    const pre = isObject(options.preconditions) ? options.preconditions : {};
    if (pre.uid && pre.uid !== existing.metadata.uid) {
      throw conflict(type, target.name!, `Precondition failed: UID in precondition: ${String(pre.uid)}, UID in object meta: ${existing.metadata.uid}`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(type, target.name!, `Precondition failed: ResourceVersion in precondition: ${String(pre.resourceVersion)}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`);
    }
    const policy = (options.propagationPolicy as string | undefined) ?? (options.orphanDependents === true ? 'Orphan' : 'Background');
    if (!['Background', 'Foreground', 'Orphan'].includes(policy)) {
      throw invalid('DeleteOptions', 'meta.k8s.io', '', [{ type: 'FieldValueNotSupported', field: 'propagationPolicy', value: policy, detail: 'supported values: "Foreground", "Background", "Orphan", "nil"' }]);
    }
    const dryRun = this.dryRun(target) || (Array.isArray(options.dryRun) && options.dryRun.includes('All'));
    if (dryRun) return { object: this.present(target.served, existing), code: 200, warnings: [] };
    const finalizers = [...(existing.metadata.finalizers ?? [])];
    if (policy === 'Foreground' && !finalizers.includes(FOREGROUND)) finalizers.push(FOREGROUND);
    if (policy === 'Orphan' && !finalizers.includes(ORPHAN)) finalizers.push(ORPHAN);
    const namespace = type.group === '' && type.plural === 'namespaces';
    if (namespace) {
      const specFinalizers = ((existing.spec as Obj | undefined)?.finalizers ?? []) as string[];
      if (specFinalizers.length > 0 || finalizers.length > 0 || !existing.metadata.deletionTimestamp) {
        const next = this.markDeleting(type, existing, finalizers);
        (next.status as Obj).phase = 'Terminating';
        this.write(type, next);
        this.schedule(() => this.controllers.finalizeNamespace(next.metadata.name!));
        return { object: this.present(target.served, next), code: 200, warnings: [] };
      }
    }
    if (finalizers.length > 0) {
      if (existing.metadata.deletionTimestamp && isDeepStrictEqual(finalizers, existing.metadata.finalizers)) {
        return { object: this.present(target.served, existing), code: 200, warnings: [] };
      }
      const next = this.markDeleting(type, existing, finalizers);
      this.write(type, next);
      if (finalizers.includes(FOREGROUND) || finalizers.includes(ORPHAN)) this.schedule(() => this.controllers.processOwner(next.metadata.uid!));
      return { object: this.present(target.served, next), code: 200, warnings: [] };
    }
    const removed = this.destroy(type, existing);
    return { object: this.deleteResponse(target.served, removed), code: 200, warnings: [] };
  }

  /**
   * Pods and custom resources answer a delete with the object; other built-ins with a Status, and so
   * do custom resources converted by a webhook (in any version, as on kube-apiserver).
   */
  private deleteResponse(served: Served, removed: KubeObject): unknown {
    if ((!served.type.builtin && !served.type.conversion) || served.type.plural === 'pods') return this.present(served, removed);
    const details: Obj = { name: removed.metadata.name };
    if (served.type.group) details.group = served.type.group;
    details.kind = served.type.plural;
    details.uid = removed.metadata.uid;
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
  }

  private markDeleting(type: ResourceType, existing: KubeObject, finalizers: string[]): KubeObject {
    const next = structuredClone(existing);
    next.metadata.deletionTimestamp ??= nowTimestamp();
    next.metadata.deletionGracePeriodSeconds ??= 0;
    if (finalizers.length > 0) next.metadata.finalizers = finalizers;
    if (type.generation && !existing.metadata.deletionTimestamp) next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    return next;
  }

  /** Removes the object from storage and queues the work its absence causes. */
  /** @internal for the controllers */
  destroy(type: ResourceType, obj: KubeObject): KubeObject {
    const key = this.key(type);
    const objKey = objectKey(obj.metadata.namespace, obj.metadata.name!);
    const rv = this.store.nextRv();
    const removed = this.store.remove(key, objKey, rv) ?? obj;
    this.controllers.track(obj, undefined, key, objKey);
    if (type.plural === 'customresourcedefinitions' && type.group === 'apiextensions.k8s.io') this.dropCustomResources(obj);
    this.controllers.removed(obj);
    return removed;
  }

  private dropCustomResources(crd: KubeObject): void {
    const type = this.registry.byCrd(crd.metadata.name!);
    if (!type) return;
    const key = this.key(type);
    const collection = this.store.collection(key);
    for (const objKey of [...collection.objects.keys()]) {
      this.controllers.track(collection.objects.get(objKey), undefined, key, objKey);
      this.store.remove(key, objKey, this.store.nextRv());
    }
    // As on a real server, watches of a resource that is no longer served end.
    for (const watcher of [...collection.watchers]) watcher.end();
    this.registry.removeCustom(crd.metadata.name!);
  }

  /** Controllers in a real cluster act after the request returns; so does this one. */
  /** @internal for the controllers */
  schedule(work: () => void): void {
    this.gcQueue = this.gcQueue.then(() => new Promise<void>((resolve) => setImmediate(() => {
      try {
        work();
      } finally {
        resolve();
      }
    })));
  }

  /** Resolves once queued garbage collection has run (tests and shutdown use it). */
  settled(): Promise<void> {
    return this.gcQueue;
  }

  /** @internal for the controllers */
  deleteObject(type: ResourceType, obj: KubeObject, policy: string): void {
    const served = { type, version: type.versions.find((v) => v.storage) ?? type.versions[0]! };
    try {
      this.delete({ served, namespace: obj.metadata.namespace, name: obj.metadata.name, query: new URLSearchParams(), userAgentManager: 'garbage-collector' }, { propagationPolicy: policy });
    } catch (error) {
      if (!(error instanceof KubeApiError && error.code === 404)) throw error;
    }
  }

  /** @internal for the controllers */
  allTypes(): ResourceType[] {
    const out: ResourceType[] = [];
    for (const g of this.registry.groups()) for (const v of g.versions) for (const s of this.registry.resources(g.group, v)) if (!out.includes(s.type)) out.push(s.type);
    return out;
  }

  deleteCollection(target: Target, options: Obj): WriteResult {
    const listed = this.list({ ...target, query: withoutPaging(target.query) });
    for (const item of listed.items) {
      try {
        this.delete({ ...target, name: item.metadata.name, namespace: item.metadata.namespace }, options);
      } catch (error) {
        if (!(error instanceof KubeApiError && error.code === 404)) throw error;
      }
    }
    const { type, version } = target.served;
    return {
      object: { kind: type.listKind, apiVersion: apiVersionOf(type.group, version.name), metadata: { resourceVersion: String(this.store.currentRv) }, items: listed.items },
      code: 200,
      warnings: [],
    };
  }
}

const IGNORE_UNKNOWN = new URLSearchParams({ fieldValidation: 'Ignore' });
const ZEROS = new Map<object, KubeObject>();

/** Runs a write; a failure carries the warnings gathered until then (kube-apiserver sends both). */
function withWarnings(warnings: string[], write: () => WriteResult): WriteResult {
  try {
    return write();
  } catch (error) {
    if (error instanceof KubeApiError) error.warnings = warnings;
    throw error;
  }
}

/**
 * A new object as field ownership sees it: without the status when the type has a status
 * subresource (a node registers with one, but the creator does not own it). Updates need no such
 * view: the status is copied from the stored object, so nobody takes it over. The copy shares
 * metadata, so the managedFields recorded on it land on `obj`.
 */
function withoutResetFields(target: Target, obj: KubeObject): KubeObject {
  if (!target.served.version.status || !('status' in obj)) return obj;
  const { status: _status, ...rest } = obj;
  return rest as KubeObject;
}

/**
 * A write to the status subresource of a built-in: everything but metadata and status stays as
 * stored; metadata changes are kept (finalizers, labels, annotations, owner references), as the
 * built-in status strategies do; prepareStatus hooks hold back what a type protects.
 */
function statusWrite(existing: KubeObject, proposed: KubeObject): KubeObject {
  const next: KubeObject = { apiVersion: proposed.apiVersion, kind: proposed.kind, metadata: proposed.metadata };
  for (const [key, value] of Object.entries(existing)) if (!['apiVersion', 'kind', 'metadata', 'status'].includes(key)) next[key] = structuredClone(value);
  if (proposed.status !== undefined) next.status = proposed.status;
  return next;
}

function withManager(query: URLSearchParams, manager: string): URLSearchParams {
  const copy = new URLSearchParams(query);
  copy.set('fieldManager', manager);
  return copy;
}

function withoutPaging(query: URLSearchParams): URLSearchParams {
  const copy = new URLSearchParams(query);
  copy.delete('limit');
  copy.delete('continue');
  return copy;
}

/** Equal apart from managedFields timestamps: such a write is a no-op and keeps its resourceVersion. */
function sameExceptTimes(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, managedFields: (o.metadata.managedFields ?? []).map((m) => ({ ...m, time: '' })) } });
  return isDeepStrictEqual(strip(a), strip(b));
}

/** Field paths present in `before` but not after pruning (unknown to the schema). */
function unknownFields(before: unknown, after: unknown, prefix = ''): string[] {
  if (!isObject(before) || !isObject(after)) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(before)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!(key in after)) out.push(path);
    else if (key !== 'metadata' || prefix !== '') out.push(...unknownFields(value, after[key], path));
  }
  return out;
}

/** With a scale subresource, the replicas field must be an integer (apiextensions checks this besides the schema). */
function scaleReplicasErrors(obj: KubeObject, specReplicasPath: string): FieldError[] {
  const value = specReplicasPath.split('.').slice(1).reduce<unknown>((cur, k) => (isObject(cur) ? cur[k] : undefined), obj);
  if (value === undefined || Number.isInteger(value)) return [];
  return [{ type: 'FieldValueInvalid', field: specReplicasPath, value, detail: 'should be an integer' }];
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function validateMetadata(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  for (const value of Object.values(obj.metadata.labels ?? {})) {
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      errors.push({ type: 'FieldValueInvalid', field: 'metadata.labels', value, detail: "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')" });
    }
  }
  return errors;
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') throw new Error('bad token');
    return { rv: parsed.rv, start: parsed.start };
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

/** A JSON, merge or (built-ins only) strategic merge patch applied to `base` (modified in place). */
export function patchDocument(base: object, body: string, contentType: string, builtin: boolean): unknown {
  const media = contentType.split(';')[0]!.trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
  let patched: unknown;
  switch (media) {
    case 'application/json-patch+json':
      if (!Array.isArray(parsed)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      try {
        patched = jsonpatch.applyPatch(base, parsed as jsonpatch.Operation[], true, true).newDocument;
      } catch (error) {
        throw new KubeApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${(error as Error).message.split('\n')[0]}`);
      }
      break;
    case 'application/merge-patch+json':
      if (!isObject(parsed)) throw badRequest('a merge patch must be a JSON object');
      patched = mergePatch.apply(base, parsed);
      break;
    case 'application/strategic-merge-patch+json':
      if (!builtin) {
        throw unsupportedMediaType(contentType);
      }
      if (!isObject(parsed)) throw badRequest('a strategic merge patch must be a JSON object');
      patched = strategicMergePatch(base, parsed);
      break;
    default:
      throw unsupportedMediaType(contentType);
  }
  return patched;
}
