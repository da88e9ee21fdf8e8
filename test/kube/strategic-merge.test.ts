import { describe, expect, it } from 'vitest';
import { strategicMergePatch } from '../../src/kube/strategic-merge.js';

const pod = {
  spec: {
    containers: [
      { name: 'a', image: 'a:1', ports: [{ containerPort: 80, name: 'http' }], env: [{ name: 'X', value: '1' }] },
      { name: 'b', image: 'b:1' },
    ],
    tolerations: [{ key: 'k1' }],
  },
  metadata: { finalizers: ['f1'], labels: { a: '1', b: '2' } },
};

describe('strategic merge patch', () => {
  it('merges keyed lists by their merge key, patch items first', () => {
    const out = strategicMergePatch(pod, { spec: { containers: [{ name: 'b', image: 'b:2' }, { name: 'c', image: 'c:1' }] } });
    expect(out.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['b=b:2', 'c=c:1', 'a=a:1']);
  });

  it('merges nested keyed lists (container ports by containerPort, env by name)', () => {
    const out = strategicMergePatch(pod, { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'Y', value: '2' }] }] } });
    const a = out.spec.containers.find((c) => c.name === 'a')!;
    expect(a.ports).toEqual([{ containerPort: 80, name: 'http', protocol: 'TCP' }]);
    expect(a.env).toEqual([{ name: 'Y', value: '2' }, { name: 'X', value: '1' }]);
  });

  it('replaces lists without a merge key and deletes fields set to null', () => {
    const out = strategicMergePatch(pod, { spec: { tolerations: [{ key: 'k2' }] }, metadata: { labels: { a: null } } });
    expect(out.spec.tolerations).toEqual([{ key: 'k2' }]);
    expect(out.metadata.labels).toEqual({ b: '2' });
  });

  it('honours $patch delete/replace, $deleteFromPrimitiveList and $retainKeys', () => {
    expect(strategicMergePatch(pod, { spec: { containers: [{ name: 'a', $patch: 'delete' }] } }).spec.containers.map((c) => c.name)).toEqual(['b']);
    expect(strategicMergePatch(pod, { spec: { containers: [{ name: 'z', image: 'z' }, { $patch: 'replace' }] } }).spec.containers).toEqual([{ name: 'z', image: 'z' }]);
    expect(strategicMergePatch(pod, { metadata: { '$deleteFromPrimitiveList/finalizers': ['f1'] } }).metadata.finalizers).toEqual([]);
    expect(strategicMergePatch(pod, { metadata: { labels: { $retainKeys: ['b'], b: '3' } } }).metadata.labels).toEqual({ b: '3' });
    expect(strategicMergePatch(pod, { metadata: { labels: { $patch: 'replace', c: '3' } } }).metadata.labels).toEqual({ c: '3' });
  });

  it('unions primitive lists with merge strategy (finalizers) and leaves the original untouched', () => {
    const out = strategicMergePatch(pod, { metadata: { finalizers: ['f2', 'f1'] } });
    expect(out.metadata.finalizers).toEqual(['f2', 'f1']);
    expect(pod.metadata.finalizers).toEqual(['f1']);
    expect(pod.spec.containers).toHaveLength(2);
  });

  it('rejects a patch that is not an object', () => {
    expect(() => strategicMergePatch(pod, [1])).toThrow(TypeError);
  });
});
