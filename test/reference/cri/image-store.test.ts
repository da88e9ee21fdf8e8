import { describe, expect, it } from 'vitest';
import { parseReference } from '../../../src/reference/cri/image-store.js';

describe('image references', () => {
  it('splits registry, repository, tag and digest as containerd normalizes them', () => {
    expect(parseReference('127.0.0.1:5000/conformal/busybox:1.0')).toEqual({ registry: '127.0.0.1:5000', repository: 'conformal/busybox', tag: '1.0' });
    expect(parseReference('busybox')).toEqual({ registry: 'docker.io', repository: 'library/busybox', tag: 'latest' });
    expect(parseReference('localhost/x@sha256:abc')).toEqual({ registry: 'localhost', repository: 'x', digest: 'sha256:abc' });
    expect(parseReference('registry.k8s.io/pause:3.9')).toEqual({ registry: 'registry.k8s.io', repository: 'pause', tag: '3.9' });
  });
});
