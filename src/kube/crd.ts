// CustomResourceDefinition objects: their own validation, the status the server reports
// (NamesAccepted, Established), and the ResourceType they serve.
import { compileSchema } from './crd-schema.js';
import { sortVersions } from './registry.js';
import type { FieldError } from './status.js';
import type { JsonObject, KubeObject, PrinterColumn, ResourceType, ResourceVersion, ScaleSpec } from './types.js';

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

interface CrdNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: JsonObject };
  subresources?: { status?: object; scale?: ScaleSpec };
  additionalPrinterColumns?: { name: string; type: string; jsonPath: string; description?: string; priority?: number; format?: string }[];
  deprecated?: boolean;
  deprecationWarning?: string;
}

interface CrdConversion {
  strategy?: string;
  webhook?: { clientConfig?: { url?: string; service?: unknown; caBundle?: string }; conversionReviewVersions?: string[] };
}

interface CrdSpec {
  group: string;
  conversion?: CrdConversion;
  names: CrdNames;
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersion[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function validateCrd(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = obj.spec as Partial<CrdSpec> | undefined;
  if (!isObject(spec)) return [{ type: 'FieldValueRequired', field: 'spec', detail: '' }];
  if (!spec.group) errors.push({ type: 'FieldValueRequired', field: 'spec.group', detail: '' });
  const names = spec.names;
  if (!names?.plural) errors.push({ type: 'FieldValueRequired', field: 'spec.names.plural', detail: '' });
  else if (!DNS_LABEL.test(names.plural)) errors.push({ type: 'FieldValueInvalid', field: 'spec.names.plural', value: names.plural, detail: 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character' });
  if (!names?.kind) errors.push({ type: 'FieldValueRequired', field: 'spec.names.kind', detail: '' });
  if (spec.group && names?.plural && obj.metadata.name !== `${names.plural}.${spec.group}`) {
    errors.push({ type: 'FieldValueInvalid', field: 'metadata.name', value: obj.metadata.name, detail: 'must be spec.names.plural+"."+spec.group' });
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    errors.push(spec.scope === undefined
      ? { type: 'FieldValueRequired', field: 'spec.scope', detail: '' }
      : { type: 'FieldValueNotSupported', field: 'spec.scope', value: spec.scope, detail: 'supported values: "Cluster", "Namespaced"' });
  }
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0) errors.push({ type: 'FieldValueInvalid', field: 'spec.versions', value: versions, detail: 'must have exactly one version marked as storage version' });
  else if (versions.filter((v) => v.storage).length !== 1) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.versions', value: versions, detail: 'must have exactly one version marked as storage version' });
  }
  errors.push(...validateConversion(spec.conversion));
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema) errors.push({ type: 'FieldValueRequired', field: `spec.versions[${i}].schema.openAPIV3Schema`, detail: 'schemas are required' });
    else if (v.schema.openAPIV3Schema.type !== 'object') {
      errors.push({ type: 'FieldValueInvalid', field: `spec.versions[${i}].schema.openAPIV3Schema.type`, value: v.schema.openAPIV3Schema.type ?? '', detail: 'must be object at the root' });
    } else {
      try {
        compileSchema(v.schema.openAPIV3Schema);
      } catch (error) {
        errors.push({ type: 'FieldValueInvalid', field: `spec.versions[${i}].schema.openAPIV3Schema`, value: '', detail: String((error as Error).message) });
      }
    }
  });
  return errors;
}

/** spec.conversion as apiextensions-apiserver checks it (ValidateCustomResourceConversion). */
function validateConversion(conversion: CrdConversion | undefined): FieldError[] {
  if (!isObject(conversion) || conversion.strategy === undefined) return [];
  const { strategy, webhook } = conversion;
  if (strategy !== 'None' && strategy !== 'Webhook') {
    return [{ type: 'FieldValueNotSupported', field: 'spec.conversion.strategy', value: strategy, detail: 'supported values: "None", "Webhook"' }];
  }
  if (strategy === 'None') {
    return webhook !== undefined ? [{ type: 'FieldValueForbidden', field: 'spec.conversion.webhookClientConfig', detail: 'should not be set when strategy is not set to Webhook' }] : [];
  }
  // apiextensions-apiserver validates its internal type, so the paths name that type's fields.
  if (!isObject(webhook) || !isObject(webhook.clientConfig)) return [{ type: 'FieldValueRequired', field: 'spec.conversion.webhookClientConfig', detail: 'required when strategy is set to Webhook' }];
  const errors: FieldError[] = [];
  const versions = Array.isArray(webhook.conversionReviewVersions) ? (webhook.conversionReviewVersions as string[]) : [];
  if (!versions.some((v) => v === 'v1' || v === 'v1beta1')) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.conversion.conversionReviewVersions', value: versions, detail: 'must include at least one of v1, v1beta1' });
  }
  return errors;
}

/** The status a real server reports once names are accepted and the resource is served. */
export function crdStatus(obj: KubeObject, now: string): Obj {
  const spec = obj.spec as CrdSpec;
  const names = acceptedNames(spec);
  const storage = spec.versions.find((v) => v.storage)?.name;
  const previous = (isObject(obj.status) && Array.isArray(obj.status.storedVersions) ? obj.status.storedVersions : []) as string[];
  return {
    conditions: [
      { type: 'NamesAccepted', status: 'True', lastTransitionTime: now, reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', lastTransitionTime: now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ],
    acceptedNames: names,
    storedVersions: storage && !previous.includes(storage) ? [...previous, storage] : previous,
  };
}

function acceptedNames(spec: CrdSpec): CrdNames {
  const names: CrdNames = { plural: spec.names.plural, singular: spec.names.singular || spec.names.kind.toLowerCase(), kind: spec.names.kind, listKind: spec.names.listKind || `${spec.names.kind}List` };
  if (spec.names.shortNames) names.shortNames = spec.names.shortNames;
  if (spec.names.categories) names.categories = spec.names.categories;
  return names;
}

export function crdDefaults(obj: KubeObject): void {
  const spec = obj.spec as Obj;
  const names = spec.names as Obj;
  if (names && typeof names.kind === 'string') {
    names.singular ??= names.kind.toLowerCase();
    names.listKind ??= `${names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
}

/**
 * apiextensions-apiserver's warning for a deprecated version without its own: it names the newest
 * served version that is not deprecated and ranks above this one, when there is one.
 */
function defaultDeprecationWarning(deprecated: string, spec: CrdSpec, kind: string): string {
  const warning = `${spec.group}/${deprecated} ${kind} is deprecated`;
  const newer = spec.versions.filter((v) => v.served && !v.deprecated && sortVersions([v.name, deprecated])[0] === v.name && v.name !== deprecated).map((v) => v.name);
  return newer.length === 0 ? warning : `${warning}; use ${spec.group}/${sortVersions(newer)[0]} ${kind}`;
}

export function typeFromCrd(obj: KubeObject): ResourceType {
  const spec = obj.spec as CrdSpec;
  const names = acceptedNames(spec);
  const versions: ResourceVersion[] = spec.versions.map((v) => {
    const schema = v.schema?.openAPIV3Schema;
    const compiled = schema ? compileSchema(schema) : undefined;
    const columns: PrinterColumn[] = (v.additionalPrinterColumns ?? []).map((c) => {
      const column: PrinterColumn = { name: c.name, type: c.type, jsonPath: c.jsonPath };
      if (c.description !== undefined) column.description = c.description;
      if (c.priority !== undefined) column.priority = c.priority;
      if (c.format !== undefined) column.format = c.format;
      return column;
    });
    const version: ResourceVersion = {
      name: v.name,
      served: v.served,
      storage: v.storage,
      status: v.subresources?.status !== undefined,
      columns: columns.length > 0 ? columns : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
    };
    if (v.deprecated) version.deprecationWarning = v.deprecationWarning ?? defaultDeprecationWarning(v.name, spec, names.kind);
    if (v.subresources?.scale) version.scale = v.subresources.scale;
    if (schema) version.schema = schema;
    if (compiled) version.admit = (o) => compiled.admit(o as Obj);
    return version;
  });
  return {
    group: spec.group,
    kind: names.kind,
    listKind: names.listKind!,
    plural: names.plural,
    singular: names.singular!,
    namespaced: spec.scope === 'Namespaced',
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    versions,
    generation: true,
    builtin: false,
    crdName: obj.metadata.name!,
    ...(conversionOf(spec.conversion) ?? {}),
  };
}

function conversionOf(conversion: CrdConversion | undefined): Pick<ResourceType, 'conversion'> | undefined {
  if (conversion?.strategy !== 'Webhook' || !conversion.webhook) return undefined;
  const config = conversion.webhook.clientConfig ?? {};
  return { conversion: { url: config.url, service: config.service, caBundle: config.caBundle, reviewVersions: conversion.webhook.conversionReviewVersions ?? [] } };
}
