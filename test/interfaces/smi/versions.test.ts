import { describe, expect, it } from 'vitest';
import { discoveredFeatures } from '../../../src/interfaces/smi/discovery.js';
import { SmiFeature } from '../../../src/interfaces/smi/features.js';
import { chooseVersions, inServedVersion, olderThanV060 } from '../../../src/interfaces/smi/versions.js';

// What Traefik Mesh 1.4's CRDs serve, and what SMI v0.6.0 serves.
const TRAEFIK_MESH = new Map([
  ['access.smi-spec.io', ['v1alpha2', 'v1alpha1']],
  ['specs.smi-spec.io', ['v1alpha3', 'v1alpha2', 'v1alpha1']],
  ['split.smi-spec.io', ['v1alpha3', 'v1alpha2', 'v1alpha1']],
]);
const V060 = new Map([
  ['access.smi-spec.io', ['v1alpha3', 'v1alpha2']],
  ['specs.smi-spec.io', ['v1alpha4', 'v1alpha3']],
  ['split.smi-spec.io', ['v1alpha4']],
  ['metrics.smi-spec.io', ['v1alpha1']],
]);

describe('chooseVersions', () => {
  it('picks the newest known version each API is served at', () => {
    expect(chooseVersions(V060)).toEqual({ access: 'access.smi-spec.io/v1alpha3', specs: 'specs.smi-spec.io/v1alpha4', split: 'split.smi-spec.io/v1alpha4' });
    expect(chooseVersions(TRAEFIK_MESH)).toEqual({ access: 'access.smi-spec.io/v1alpha2', specs: 'specs.smi-spec.io/v1alpha3', split: 'split.smi-spec.io/v1alpha3' });
  });

  it('leaves out an API served only at versions the suite does not know', () => {
    expect(chooseVersions(new Map([['split.smi-spec.io', ['v1alpha1']]]))).toEqual({});
  });

  it('names the APIs written older than SMI v0.6.0', () => {
    expect(olderThanV060(chooseVersions(V060))).toEqual([]);
    expect(olderThanV060(chooseVersions(TRAEFIK_MESH))).toEqual(['access.smi-spec.io/v1alpha2', 'specs.smi-spec.io/v1alpha3', 'split.smi-spec.io/v1alpha3']);
  });
});

describe('discoveredFeatures', () => {
  it('claims access, specs and split at older versions, but TCP ports and UDP only with specs v1alpha4', () => {
    expect([...discoveredFeatures(TRAEFIK_MESH)].sort()).toEqual([SmiFeature.access, SmiFeature.specs, SmiFeature.split].sort());
    expect([...discoveredFeatures(V060)].sort()).toEqual([SmiFeature.access, SmiFeature.specs, SmiFeature.split, SmiFeature.metrics, SmiFeature.tcp, SmiFeature.udp].sort());
  });

  it('claims Deployment metrics only when the metrics API lists deployments', () => {
    expect(discoveredFeatures(V060, ['pods', 'namespaces']).has(SmiFeature.deploymentMetrics)).toBe(false);
    expect(discoveredFeatures(V060, ['pods', 'namespaces', 'deployments']).has(SmiFeature.deploymentMetrics)).toBe(true);
    expect(discoveredFeatures(TRAEFIK_MESH, ['deployments']).has(SmiFeature.deploymentMetrics)).toBe(false);
  });
});

describe('inServedVersion', () => {
  const old = chooseVersions(TRAEFIK_MESH);

  it('keeps an object of a version the cluster serves as it is', () => {
    const target = { apiVersion: 'access.smi-spec.io/v1alpha3', kind: 'TrafficTarget', spec: { destination: { name: 'a' } } };
    expect(inServedVersion(target, chooseVersions(V060))).toBe(target);
    const pod = { apiVersion: 'v1', kind: 'Pod' };
    expect(inServedVersion(pod, old)).toBe(pod);
  });

  it('rewrites the version and keeps the fields a TrafficTarget and a TrafficSplit share across versions', () => {
    const spec = { service: 'web', backends: [{ service: 'web-v1', weight: 1 }], matches: [{ kind: 'HTTPRouteGroup', name: 'ab' }] };
    expect(inServedVersion({ apiVersion: 'split.smi-spec.io/v1alpha4', kind: 'TrafficSplit', spec }, old)).toEqual({ apiVersion: 'split.smi-spec.io/v1alpha3', kind: 'TrafficSplit', spec });
    expect(inServedVersion({ apiVersion: 'access.smi-spec.io/v1alpha3', kind: 'TrafficTarget', spec: { rules: [] } }, old).apiVersion).toBe('access.smi-spec.io/v1alpha2');
  });

  it('writes HTTPRouteGroup headers as specs v1alpha3 lists them: one map per header', () => {
    const group = { apiVersion: 'specs.smi-spec.io/v1alpha4', kind: 'HTTPRouteGroup', spec: { matches: [{ name: 'm', pathRegex: '/a', headers: { 'x-team': 'blue', 'user-agent': '.*Firefox.*' } }, { name: 'n' }] } };
    expect(inServedVersion(group, old).spec).toEqual({ matches: [{ name: 'm', pathRegex: '/a', headers: [{ 'x-team': 'blue' }, { 'user-agent': '.*Firefox.*' }] }, { name: 'n' }] });
  });

  it('refuses what specs v1alpha3 cannot say instead of dropping it', () => {
    expect(() => inServedVersion({ apiVersion: 'specs.smi-spec.io/v1alpha4', kind: 'UDPRoute', spec: { matches: { name: 'u', ports: [53] } } }, old)).toThrow(/UDPRoute does not exist/);
    expect(() => inServedVersion({ apiVersion: 'specs.smi-spec.io/v1alpha4', kind: 'TCPRoute', spec: { matches: { name: 't', ports: [9000] } } }, old)).toThrow(/TCPRoute ports/);
    expect(inServedVersion({ apiVersion: 'specs.smi-spec.io/v1alpha4', kind: 'TCPRoute', spec: { matches: { name: 't', ports: [] } } }, old)).toEqual({ apiVersion: 'specs.smi-spec.io/v1alpha3', kind: 'TCPRoute', spec: {} });
  });
});
