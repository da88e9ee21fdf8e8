import { describe, expect, it } from 'vitest';
import { compileSchema, schemaListStrategy } from '../../src/kube/crd-schema.js';
import type { JsonObject } from '../../src/kube/types.js';

const schema: JsonObject = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'integer', minimum: 1, default: 1 },
        mode: { type: 'string', enum: ['a', 'b'], default: 'a' },
        name: { type: 'string', pattern: '^[a-z]+$' },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'] },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      },
    },
  },
};

describe('CRD structural schemas', () => {
  const compiled = compileSchema(schema);

  it('prunes unknown fields except under x-kubernetes-preserve-unknown-fields, keeps metadata', () => {
    const obj = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n', labels: { a: 'b' } }, spec: { size: 2, extra: 1, free: { any: { thing: true } }, items: [{ id: 'i', junk: 1 }], labels: { k: 'v' } }, top: 1 };
    expect(compiled.admit(obj)).toEqual([]);
    expect(obj).toEqual({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n', labels: { a: 'b' } }, spec: { size: 2, mode: 'a', free: { any: { thing: true } }, items: [{ id: 'i' }], labels: { k: 'v' } } });
  });

  it('fills defaults before validating', () => {
    const obj = { spec: {} } as Record<string, unknown>;
    expect(compiled.admit(obj)).toEqual([]);
    expect(obj.spec).toEqual({ size: 1, mode: 'a' });
  });

  it('reports every violation with its field path, as apiextensions renders it', () => {
    const errors = compiled.admit({ spec: { size: 0, mode: 'c', name: 'A1', labels: { k: 3 } } });
    expect(errors.map((e) => `${e.type} ${e.field}: ${e.detail}`).sort()).toEqual([
      "FieldValueInvalid spec.name: spec.name in body should match '^[a-z]+$'",
      'FieldValueInvalid spec.size: spec.size in body should be greater than or equal to 1',
      'FieldValueNotSupported spec.mode: supported values: "a", "b"',
      'FieldValueTypeInvalid spec.labels.k: spec.labels.k in body must be of type string: "integer"',
    ]);
    const nulled = { spec: { size: 2, name: null } } as Record<string, unknown>;
    expect(compiled.admit(nulled)).toEqual([]);
    expect(nulled.spec).toEqual({ size: 2, mode: 'a' }); // null where not nullable is dropped, then defaults apply
    expect(compiled.admit({ spec: { size: 'big' } }).map((e) => e.field)).toEqual(['spec.size']);
    expect(compileSchema({ type: 'object', properties: { spec: { type: 'object', required: ['x'] } } }).admit({ spec: {} }).map((e) => `${e.type} ${e.field}`)).toEqual(['FieldValueRequired spec.x']);
  });

  it('derives list semantics from x-kubernetes-list-type', () => {
    const strategy = schemaListStrategy(schema);
    expect(strategy(['spec'], 'items')).toEqual({ mergeKey: 'id' });
    expect(strategy(['spec'], 'tags')).toEqual({});
    expect(strategy(['spec'], 'name')).toBeUndefined();
  });
});
