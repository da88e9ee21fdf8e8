import { describe, expect, it } from 'vitest';
import type { NodeObject } from '../../../src/reference/cloud/kube-types.js';
import type { NodeAddress } from '../../../src/reference/cloud/model.js';
import {
  addressesDiffer,
  addressesForNodeIp,
  admissibleAdditionalLabels,
  checkProvidedNodeIp,
  desiredAddresses,
  labelsToReconcile,
  wellKnownLabels,
  type InstanceMetadata,
} from '../../../src/reference/cloud/node-rules.js';

const CLOUD: NodeAddress[] = [
  { type: 'InternalIP', address: '10.0.0.2' },
  { type: 'InternalIP', address: '10.0.0.3' },
  { type: 'ExternalIP', address: '203.0.113.1' },
];

const META: InstanceMetadata = { providerID: 'conformal://r/i-1', instanceType: 'c1.small', zone: 'r-a', region: 'r', addresses: CLOUD, additionalLabels: {} };

function node(annotations?: Record<string, string>, addresses: NodeAddress[] = [{ type: 'Hostname', address: 'n1' }]): NodeObject {
  return { metadata: { name: 'n1', annotations }, status: { addresses } };
}

describe('labels', () => {
  it('writes instance type, zone and region under GA and beta keys', () => {
    expect(wellKnownLabels(META)).toEqual({
      'node.kubernetes.io/instance-type': 'c1.small',
      'beta.kubernetes.io/instance-type': 'c1.small',
      'topology.kubernetes.io/zone': 'r-a',
      'failure-domain.beta.kubernetes.io/zone': 'r-a',
      'topology.kubernetes.io/region': 'r',
      'failure-domain.beta.kubernetes.io/region': 'r',
    });
    expect(Object.keys(wellKnownLabels(META, false))).not.toContain('topology.kubernetes.io/zone');
    expect(wellKnownLabels({ ...META, zone: '', region: '', instanceType: '' })).toEqual({});
  });

  it('drops AdditionalLabels in Kubernetes namespaces and ones the node already has', () => {
    const additional = { 'node.kubernetes.io/pool': 'a', 'sub.k8s.io/x': 'b', 'kubernetes.io/y': 'c', 'example.com/team': 'd', 'cloud.example.com/id': 'e', 'notkubernetes.io/z': 'f' };
    expect(admissibleAdditionalLabels({ 'example.com/team': 'blue' }, additional)).toEqual({ 'cloud.example.com/id': 'e', 'notkubernetes.io/z': 'f' });
  });

  it('reconciles GA labels from their beta twins', () => {
    expect(labelsToReconcile({ 'failure-domain.beta.kubernetes.io/zone': 'a', 'topology.kubernetes.io/zone': 'b', 'beta.kubernetes.io/instance-type': 't' })).toEqual({
      'topology.kubernetes.io/zone': 'a',
      'node.kubernetes.io/instance-type': 't',
    });
    expect(labelsToReconcile({ 'topology.kubernetes.io/zone': 'only-ga' })).toEqual({});
    expect(labelsToReconcile(undefined)).toEqual({});
  });
});

describe('addresses', () => {
  it('puts a provided IP first as the only address of its type', () => {
    expect(addressesForNodeIp('10.0.0.3', CLOUD)).toEqual([CLOUD[1], CLOUD[2]]);
    expect(addressesForNodeIp('203.0.113.1', CLOUD)).toEqual([CLOUD[2], CLOUD[0], CLOUD[1]]);
  });

  it('fails for a provided IP the cloud does not have, and initialisation with it', () => {
    expect(() => addressesForNodeIp('192.0.2.1', CLOUD)).toThrow('failed to get node address from cloud provider that matches ip: 192.0.2.1');
    expect(() => checkProvidedNodeIp(node({ 'alpha.kubernetes.io/provided-node-ip': '192.0.2.1' }), CLOUD)).toThrow(/^provided node ip for node "n1" is not valid/);
    expect(() => checkProvidedNodeIp(node(), CLOUD)).not.toThrow();
  });

  it("keeps the kubelet's Hostname only when the cloud has none", () => {
    expect(desiredAddresses(node(), CLOUD)).toEqual([...CLOUD, { type: 'Hostname', address: 'n1' }]);
    const named: NodeAddress[] = [...CLOUD, { type: 'Hostname', address: 'cloud-name' }];
    expect(desiredAddresses(node(), named)).toEqual(named);
    expect(desiredAddresses(node(), [])).toEqual([]);
  });

  it('applies provided-node-ip unless told not to', () => {
    const annotated = node({ 'alpha.kubernetes.io/provided-node-ip': '10.0.0.3' });
    expect(desiredAddresses(annotated, CLOUD)).toEqual([CLOUD[1], CLOUD[2], { type: 'Hostname', address: 'n1' }]);
    expect(desiredAddresses(annotated, CLOUD, false)).toEqual([...CLOUD, { type: 'Hostname', address: 'n1' }]);
  });

  it('sees order and content changes of the address list', () => {
    expect(addressesDiffer(CLOUD, [...CLOUD])).toBe(false);
    expect(addressesDiffer(CLOUD, [CLOUD[1]!, CLOUD[0]!, CLOUD[2]!])).toBe(true);
    expect(addressesDiffer(undefined, CLOUD)).toBe(true);
  });
});
