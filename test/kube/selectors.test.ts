import { describe, expect, it } from 'vitest';
import { parseFieldSelector, parseLabelSelector } from '../../src/kube/selectors.js';
import { KubeApiError } from '../../src/kube/status.js';
import type { KubeObject } from '../../src/kube/types.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', 'example.com/team': 'a' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=db', false],
    ['missing!=x', true],
    ['app in (web,db)', true],
    ['app notin (web)', false],
    ['missing notin (x)', true],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['example.com/team=a,app in (web), !missing', true],
    ['app=web,tier=back', false],
  ])('%s -> %s', (selector, expected) => {
    expect(parseLabelSelector(selector)!(labels)).toBe(expected);
  });

  it('matches everything when empty and rejects malformed requirements with 400', () => {
    expect(parseLabelSelector('')).toBeUndefined();
    for (const bad of ['a in b', 'a=b=c', 'bad key=x', 'a=not valid']) {
      const error = (() => {
        try {
          parseLabelSelector(bad);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error, bad).toBeInstanceOf(KubeApiError);
      expect((error as KubeApiError).code).toBe(400);
    }
  });
});

describe('field selectors', () => {
  const obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, status: { phase: 'Running' } } as KubeObject;
  it('compares dotted paths for equality and inequality', () => {
    expect(parseFieldSelector('metadata.name=p,status.phase!=Pending')!(obj)).toBe(true);
    expect(parseFieldSelector('metadata.namespace==other')!(obj)).toBe(false);
    expect(parseFieldSelector('spec.nodeName=')!(obj)).toBe(true);
    expect(() => parseFieldSelector('nonsense')).toThrow(KubeApiError);
  });
});
