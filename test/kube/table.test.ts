import { describe, expect, it } from 'vitest';
import { evaluateJsonPath } from '../../src/kube/jsonpath.js';
import { humanDuration, toTable } from '../../src/kube/table.js';
import type { KubeObject } from '../../src/kube/types.js';

describe('printer columns', () => {
  const obj = { apiVersion: 'v1', kind: 'X', metadata: { name: 'n', creationTimestamp: new Date(Date.now() - 90_000).toISOString() }, spec: { n: 3, list: [{ a: 1 }, { a: 2 }] }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Other', status: 'False' }] } } as KubeObject;

  it('evaluates the JSONPath forms CRDs use', () => {
    expect(evaluateJsonPath(obj, '.spec.n')).toEqual([3]);
    expect(evaluateJsonPath(obj, '.spec.list[1].a')).toEqual([2]);
    expect(evaluateJsonPath(obj, '.spec.list[*].a')).toEqual([1, 2]);
    expect(evaluateJsonPath(obj, '.status.conditions[?(@.type=="Ready")].status')).toEqual(['True']);
    expect(evaluateJsonPath(obj, '.spec.missing')).toEqual([]);
    expect(() => evaluateJsonPath(obj, 'spec n')).toThrow();
  });

  it('prints ages as kubectl does', () => {
    expect([5_000, 90_000, 300_000, 3_600_000, 30 * 3_600_000, 4 * 86_400_000].map(humanDuration)).toEqual(['5s', '90s', '5m', '60m', '30h', '4d']);
  });

  it('builds a Table with Name first and typed cells', () => {
    const table = toTable([obj], [{ name: 'N', type: 'integer', jsonPath: '.spec.n' }, { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' }, { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }], { resourceVersion: '1' }, 'None') as { columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object?: unknown }[] };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'N', 'Ready', 'Age']);
    expect(table.rows[0]!.cells).toEqual(['n', 3, 'True', '90s']);
    expect(table.rows[0]!.object).toBeUndefined();
  });
});
