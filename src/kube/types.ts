// The shapes the API server works with: objects as plain JSON, and the description of a served
// resource (built-in or from a CustomResourceDefinition).
import type { ConversionWebhook } from './conversion.js';
import type { FieldError } from './status.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

/** A stored object. `metadata` is always present once stored. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** A column of `kubectl get` output (meta/v1 TableColumnDefinition plus how to fill it). */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  /** JSONPath in the simple `.a.b[0].c` form CRDs use, or a function for built-ins. */
  jsonPath?: string;
  cell?: (obj: KubeObject) => unknown;
}

export interface ScaleSpec {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** One served version of a resource. */
export interface ResourceVersion {
  name: string;
  served: boolean;
  storage: boolean;
  status: boolean;
  scale?: ScaleSpec;
  columns: PrinterColumn[];
  /** Tables start with the Name column unless this is false (events print without one). */
  nameColumn?: boolean;
  /** The warning kube-apiserver adds to every request on a deprecated kind (v1 Endpoints since 1.33). */
  deprecationWarning?: string;
  /** CRD schema (OpenAPI v3, structural) for validation, pruning, defaulting and OpenAPI publishing. */
  schema?: JsonObject;
  /** Validates (and may default and prune) the object in place; returns field errors. */
  admit?: (obj: KubeObject) => FieldError[];
}

export interface ResourceType {
  group: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  versions: ResourceVersion[];
  /** metadata.generation is kept and bumped on spec changes. */
  generation: boolean;
  /** Built-in types take strategic merge patches; custom resources do not. */
  builtin: boolean;
  /**
   * Field errors reach the client once each (by their text): 1.37's strategies with declarative
   * validation filter the list through ToAggregate, which drops repeats (a node's taints are
   * validated twice on update).
   */
  distinctFieldErrors?: boolean;
  /** An update may leave out metadata.resourceVersion (AllowUnconditionalUpdate); false for Leases and custom resources. */
  unconditionalUpdate?: boolean;
  /** Decode-time defaults (Go's SetDefaults_*), applied to every body written, status writes included. */
  defaults?: (obj: KubeObject) => void;
  /** What a create adds before validation (PrepareForCreate and admission plugins: status reset, finalizers, taints). */
  prepareCreate?: (obj: KubeObject) => void;
  /** What an update of the main resource adjusts before validation (PrepareForUpdate). */
  prepareUpdate?: (next: KubeObject, old: KubeObject) => void;
  /** What a status write may not change besides the spec (pods keep their owner references, deployments their labels). */
  prepareStatus?: (next: KubeObject, old: KubeObject) => void;
  /** Type-specific validation beyond metadata (built-ins); `old` on updates (values it held may stay valid). */
  validate?: (obj: KubeObject, old?: KubeObject) => FieldError[];
  /** Rewrites applied on every write, before validation (a Secret's stringData into data). */
  normalize?: (obj: KubeObject) => void;
  /** Rules between the stored object and its replacement (immutable fields). */
  validateUpdate?: (old: KubeObject, next: KubeObject) => FieldError[];
  /** Validation of a write to the status subresource (instead of validate and validateUpdate). */
  validateStatus?: (next: KubeObject, old: KubeObject) => FieldError[];
  /** Assigns what the server hands out (cluster IPs, node ports) after validation; throws 422. */
  allocate?: (obj: KubeObject, old: KubeObject | undefined, peers: Iterable<KubeObject>) => void;
  /** The CRD object that defines this resource, when it is custom. */
  crdName?: string;
  /** Verbs when not the full set (discovery lists them; others answer 405). */
  verbs?: string[];
  /** Kept in another resource's collection and converted on the way in and out (events.k8s.io Events are core Events). */
  storedAs?: { key: string; toStorage: (obj: KubeObject) => KubeObject; fromStorage: (obj: KubeObject) => KubeObject };
  /** CRD conversion by webhook: objects keep their stored version and are converted per request (conversion.ts). */
  conversion?: ConversionWebhook;
  /** Create-only review resources (access reviews, whoami): the answer to a POST, never stored. */
  review?: (body: KubeObject) => KubeObject;
}

export function storageKey(type: Pick<ResourceType, 'group' | 'plural' | 'storedAs'>): string {
  return type.storedAs?.key ?? `${type.group}/${type.plural}`;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
