// Nodes as a cloud controller manager writes them: provider ID and pod CIDRs are set once,
// podCIDR and podCIDRs mirror each other (CIDRs in their strict form), new nodes get the not-ready
// taint, taints and addresses are validated, the status has the Go shape of NodeStatus.
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'nodes',
  async run({ client, ns, observe }) {
    const name = `${ns}-n1`;
    const node = `/api/v1/nodes/${name}`;
    const merge = (body: unknown) => client.request('PATCH', node, body, 'application/merge-patch+json');
    const created = await client.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { capacity: { cpu: '2', memory: '4Gi' } } });
    observe('create: not-ready taint, status shape, allocatable from capacity', created, { code: 201, fields: ['spec', 'status'] });
    observe('providerID from "" to a value', await merge({ spec: { providerID: 'fake://one' } }), { code: 200, fields: ['spec.providerID'] });
    observe('providerID changed', await merge({ spec: { providerID: 'fake://two' } }), { code: 422, fields: ['details.causes', 'message'] });
    observe('providerID removed', await merge({ spec: { providerID: null } }), { code: 422, fields: ['details.causes'] });
    observe('podCIDR set mirrors into podCIDRs', await merge({ spec: { podCIDR: '10.244.1.0/24' } }), { code: 200, fields: ['spec.podCIDR', 'spec.podCIDRs'] });
    observe('podCIDR changed', await merge({ spec: { podCIDR: '10.244.2.0/24' } }), { code: 422, fields: ['details.causes', 'message'] });
    observe('podCIDRs changed', await merge({ spec: { podCIDRs: ['10.244.1.0/24', 'fd00::/64'] } }), { code: 422, fields: ['details.causes'] });
    const second = `${ns}-n2`;
    observe('podCIDRs set mirror into podCIDR', await client.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: second }, spec: { podCIDRs: ['10.244.3.0/24', 'fd00:1::/64'] } }), {
      code: 201,
      fields: ['spec.podCIDR', 'spec.podCIDRs'],
    });
    observe('podCIDRs of one family twice', await client.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: `${ns}-n3` }, spec: { podCIDRs: ['10.1.0.0/24', '10.2.0.0/24'] } }), {
      code: 422,
      fields: ['details.causes', 'message'],
    });
    observe('podCIDR that is no CIDR', await client.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: `${ns}-n4` }, spec: { podCIDR: '10.1.0.0' } }), {
      code: 422,
      fields: ['details.causes'],
    });
    // 1.37's strict CIDR rules (StrictIPCIDRValidation): no host bits, no leading zeros.
    for (const [label, cidr] of [['with bits beyond the prefix', '10.1.0.5/24'], ['with a leading zero', '010.1.0.0/24'], ['IPv4-mapped IPv6', '::ffff:10.1.0.0/120']] as const) {
      observe(`podCIDR ${label}`, await client.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: `${ns}-n5` }, spec: { podCIDR: cidr } }), {
        code: 422,
        fields: ['details.causes', 'message'],
      });
    }
    observe('taint without effect, bad effect, duplicate', await merge({ spec: { taints: [{ key: 'a' }, { key: 'b', effect: 'Never' }, { key: 'c', effect: 'NoSchedule' }, { key: 'c', effect: 'NoSchedule', value: 'x' }] } }), {
      code: 422,
      fields: ['details.causes', 'message'],
    });
    observe('cloud taint removed', await merge({ spec: { taints: [{ key: 'node.cloudprovider.kubernetes.io/uninitialized', value: 'true', effect: 'NoSchedule' }] } }), { code: 200, fields: ['spec.taints'] });
    const addresses = [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'n1' }];
    observe('addresses through nodes/status', await client.request('PATCH', `${node}/status`, { status: { addresses } }, 'application/strategic-merge-patch+json'), {
      code: 200,
      fields: ['status.addresses', 'status.allocatable'],
    });
    observe('duplicate addresses', await client.request('PATCH', `${node}/status`, { status: { addresses: [addresses[0], addresses[0]] } }, 'application/merge-patch+json'), {
      code: 422,
      fields: ['details.causes', 'message'],
    });
    for (const n of [name, second]) await client.request('DELETE', `/api/v1/nodes/${n}`);
  },
};
