import { describe, expect, it } from 'vitest';
import { recordUpdate, serverSideApply } from '../../src/kube/apply.js';
import { fieldsOf, fromFieldsV1, toFieldsV1 } from '../../src/kube/managed-fields.js';
import { KubeApiError } from '../../src/kube/status.js';
import { schemaListStrategy } from '../../src/kube/crd-schema.js';
import { listStrategy } from '../../src/kube/strategic-merge.js';
import type { KubeObject } from '../../src/kube/types.js';

const cm = (data: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', ...extra }, data });
const apply = (live: KubeObject | undefined, config: KubeObject, manager: string, force = false) =>
  serverSideApply({ live, config, manager, force, apiVersion: 'v1', strategyOf: listStrategy });
const owners = (obj: KubeObject) => Object.fromEntries((obj.metadata.managedFields ?? []).map((m) => [`${m.manager}/${m.operation}`, [...fromFieldsV1(m.fieldsV1)].map((p) => p.replace(/\n/g, ' ')).sort()]));

describe('field ownership', () => {
  it('round-trips FieldsV1 with keyed list items and their "." marker', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    const paths = fieldsOf(pod, listStrategy);
    const v1 = toFieldsV1(paths.keys());
    expect(v1).toEqual({ 'f:metadata': { 'f:labels': { 'f:a': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:name': {}, 'f:image': {} } } } });
    expect([...fromFieldsV1(v1)].sort()).toEqual([...paths.keys()].sort());
  });

  it('an update takes only the fields it changed from their previous owner', () => {
    const before = apply(undefined, cm({ a: '1', b: '2' }), 'alice');
    const after = structuredClone(before);
    (after.data as Record<string, string>).a = '9';
    recordUpdate(before, after, 'bob', 'v1', listStrategy);
    expect(owners(after)).toEqual({ 'alice/Apply': ['f:data f:b'], 'bob/Update': ['f:data f:a'] });
  });
});

describe('server-side apply', () => {
  it('creates with the applier owning exactly what it applied', () => {
    const created = apply(undefined, cm({ a: '1' }, { labels: { x: 'y' } }), 'alice');
    expect(owners(created)).toEqual({ 'alice/Apply': ['f:data f:a', 'f:metadata f:labels f:x'] });
  });

  it('conflicts on a changed value owned by someone else, unless forced; equal values are shared', () => {
    const live = apply(undefined, cm({ a: '1', b: '2' }), 'alice');
    let conflict: unknown;
    try {
      apply(live, cm({ a: '3' }), 'bob');
    } catch (e) {
      conflict = e;
    }
    expect(conflict).toBeInstanceOf(KubeApiError);
    expect((conflict as KubeApiError).code).toBe(409);
    expect((conflict as KubeApiError).message).toBe('Apply failed with 1 conflict: conflict with "alice" using v1: .data.a');
    const forced = apply(live, cm({ a: '3' }), 'bob', true);
    expect(forced.data).toEqual({ a: '3', b: '2' });
    expect(owners(forced)).toEqual({ 'alice/Apply': ['f:data f:b'], 'bob/Apply': ['f:data f:a'] });
    const shared = apply(live, cm({ a: '1' }), 'carol');
    expect(owners(shared)['carol/Apply']).toEqual(['f:data f:a']);
    expect(owners(shared)['alice/Apply']).toEqual(['f:data f:a', 'f:data f:b']);
  });

  it('removes fields the applier stops applying unless another manager owns them', () => {
    const live = apply(undefined, cm({ a: '1', b: '2' }), 'alice');
    const withCarol = apply(live, cm({ b: '2' }), 'carol');
    const shrunk = apply(withCarol, cm({}), 'alice');
    expect(shrunk.data).toEqual({ b: '2' });
  });
});

describe('server-side apply on custom resources', () => {
  it('owns and replaces an x-kubernetes-map-type: atomic object as one field', () => {
    const schema = { type: 'object', properties: { spec: { type: 'object', properties: { ref: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { name: { type: 'string' }, kind: { type: 'string' } } }, size: { type: 'integer' } } } } };
    const strategyOf = schemaListStrategy(schema);
    const cr = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x' }, spec });
    const live = serverSideApply({ live: undefined, config: cr({ ref: { name: 'a', kind: 'K' }, size: 1 }), manager: 'alice', force: false, apiVersion: 'x/v1', strategyOf });
    expect(owners(live)).toEqual({ 'alice/Apply': ['f:spec f:ref', 'f:spec f:size'] });
    const next = serverSideApply({ live, config: cr({ ref: { name: 'b' }, size: 1 }), manager: 'alice', force: false, apiVersion: 'x/v1', strategyOf });
    expect(next.spec).toEqual({ ref: { name: 'b' }, size: 1 });
  });
});
