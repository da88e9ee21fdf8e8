// OpenAPI documents. v3 per group-version carries each kind's schema (CRD schemas in full,
// built-ins as an opaque object with their GroupVersionKind) and the fieldValidation parameter on
// PATCH, which is how kubectl decides to leave validation to the server. v2 is a minimal valid
// document for older clients.
import { createHash } from 'node:crypto';
import type { Registry } from './registry.js';
import { apiVersionOf, type JsonObject } from './types.js';
import { OPENAPI_VERSION } from './version.js';

function schemaName(group: string, version: string, kind: string): string {
  const g = group === '' ? 'io.k8s.api.core' : group.endsWith('.k8s.io') || ['apps'].includes(group) ? `io.k8s.api.${group.replace(/\.k8s\.io$/, '')}` : group.split('.').reverse().join('.');
  return `${g}.${version}.${kind}`;
}

const objectMeta = { type: 'object', description: 'Standard object metadata.' };

function fieldValidationParam(): object {
  return {
    name: 'fieldValidation',
    in: 'query',
    description: 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.',
    schema: { type: 'string', uniqueItems: true },
  };
}

export function openApiV3ForGroupVersion(registry: Registry, group: string, version: string): object | undefined {
  const served = registry.resources(group, version);
  if (served.length === 0) return undefined;
  const schemas: Record<string, object> = {};
  const paths: Record<string, object> = {};
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  for (const { type, version: v } of served) {
    const gvk = [{ group: type.group, version, kind: type.kind }];
    const base: JsonObject = v.schema ? structuredClone(v.schema) : { type: 'object', description: `${type.kind} (schema not published by this server)`, 'x-kubernetes-preserve-unknown-fields': true };
    const properties = ((base.properties as JsonObject | undefined) ?? {}) as JsonObject;
    properties.apiVersion = { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' };
    properties.kind = { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' };
    properties.metadata = objectMeta;
    base.properties = properties;
    schemas[schemaName(type.group, version, type.kind)] = { ...base, 'x-kubernetes-group-version-kind': gvk };
    const collection = type.namespaced ? `${prefix}/namespaces/{namespace}/${type.plural}` : `${prefix}/${type.plural}`;
    const op = { parameters: [fieldValidationParam()], responses: { '200': { description: 'OK' } }, 'x-kubernetes-group-version-kind': gvk[0] };
    paths[collection] = { post: { ...op, 'x-kubernetes-action': 'post' } };
    paths[`${collection}/{name}`] = { put: { ...op, 'x-kubernetes-action': 'put' }, patch: { ...op, 'x-kubernetes-action': 'patch' } };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: OPENAPI_VERSION }, paths, components: { schemas } };
}

/** The /openapi/v3 index: one entry per group-version, with a hash of its document. */
export function openApiV3Index(registry: Registry): object {
  const paths: Record<string, object> = {};
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const key = g.group === '' ? `api/${v}` : `apis/${g.group}/${v}`;
      const doc = openApiV3ForGroupVersion(registry, g.group, v);
      const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
    }
  }
  return { paths };
}

export function openApiV2(registry: Registry): object {
  const definitions: Record<string, object> = {};
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      for (const { type } of registry.resources(g.group, v)) {
        definitions[schemaName(type.group, v, type.kind)] = {
          type: 'object',
          description: `${type.kind} (${apiVersionOf(type.group, v)})`,
          'x-kubernetes-group-version-kind': [{ group: type.group, version: v, kind: type.kind }],
        };
      }
    }
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: OPENAPI_VERSION }, paths: {}, definitions };
}
