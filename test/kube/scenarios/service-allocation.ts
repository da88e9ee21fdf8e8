// Cluster IPs and node ports as kube-apiserver hands them out on a single-stack IPv4 cluster
// (10.96.0.0/12, node ports 30000-32767): defaults, requested values, conflicts, type changes,
// health check node ports, updates that leave allocated values out.
import type { KubeResponse } from '../../../bench/kube-client.js';
import type { Scenario } from './scenario.js';

const inRange = (ip: unknown) => typeof ip === 'string' && /^10\.(9[6-9]|10[0-9]|11[01])\./.test(ip);
const nodePortOk = (p: unknown) => typeof p === 'number' && p >= 30000 && p <= 32767;

/** The allocated values reduced to what both servers must agree on. */
function allocation(r: KubeResponse): KubeResponse {
  const spec = r.body?.spec ?? {};
  const ports = (spec.ports ?? []) as { nodePort?: number; port: number }[];
  return {
    ...r,
    body: {
      ...r.body,
      clusterIPInRange: spec.clusterIP === 'None' ? 'None' : inRange(spec.clusterIP),
      clusterIPsMatch: Array.isArray(spec.clusterIPs) && spec.clusterIPs[0] === spec.clusterIP,
      nodePorts: ports.map((p) => (p.nodePort === undefined ? 'none' : nodePortOk(p.nodePort))),
      sharedNodePort: ports.length === 2 && ports[0]!.port === ports[1]!.port ? ports[0]!.nodePort === ports[1]!.nodePort : undefined,
      healthCheckNodePort: spec.healthCheckNodePort === undefined ? 'none' : nodePortOk(spec.healthCheckNodePort),
    },
  };
}

export const scenario: Scenario = {
  name: 'service-allocation',
  async run({ client, ns, observe }) {
    const services = `/api/v1/namespaces/${ns}/services`;
    const svc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });
    const allocated = ['clusterIPInRange', 'clusterIPsMatch', 'nodePorts', 'healthCheckNodePort', 'spec.ipFamilies', 'spec.ipFamilyPolicy', 'spec.allocateLoadBalancerNodePorts', 'spec.type', 'spec.externalTrafficPolicy', 'spec.internalTrafficPolicy'];
    const lb = await client.request('POST', services, svc('lb', { type: 'LoadBalancer', selector: { app: 'a' }, ports: [{ port: 80, targetPort: 0 }] }));
    observe('LoadBalancer create', allocation(lb), { code: 201, fields: [...allocated, 'spec.ports[0].targetPort'] });
    const taken = lb.body.spec.ports[0].nodePort as number;
    const ip = lb.body.spec.clusterIP as string;
    observe('LoadBalancer without node ports', allocation(await client.request('POST', services, svc('lb-nonp', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }] }))), { code: 201, fields: allocated });
    observe('UDP and TCP on one port share a node port', allocation(await client.request('POST', services, svc('dns', { type: 'NodePort', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] }))), {
      code: 201,
      fields: [...allocated, 'sharedNodePort'],
    });
    observe('node port already allocated', await client.request('POST', services, svc('np-taken', { type: 'NodePort', ports: [{ port: 80, nodePort: taken }] })), { code: 422, fields: ['details.causes[0].field', 'details.causes[0].reason'] });
    observe('node port out of range', await client.request('POST', services, svc('np-range', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })), { code: 422, fields: ['details.causes', 'message'] });
    observe('node port on a ClusterIP service', await client.request('POST', services, svc('np-cip', { ports: [{ port: 80, nodePort: 31999 }] })), { code: 422, fields: ['details.causes'] });
    observe('cluster IP already allocated', await client.request('POST', services, svc('ip-taken', { clusterIP: ip, ports: [{ port: 80 }] })), { code: 422, fields: ['details.causes[0].field', 'details.causes[0].reason'] });
    observe('cluster IP out of range', await client.request('POST', services, svc('ip-range', { clusterIP: '192.0.2.1', ports: [{ port: 80 }] })), { code: 422, fields: ['details.causes', 'message'] });
    observe('cluster IP that is the network address', await client.request('POST', services, svc('ip-net', { clusterIP: '10.96.0.0', ports: [{ port: 80 }] })), { code: 422, fields: ['details.causes', 'message'] });
    observe('IPv6 family on an IPv4 cluster', await client.request('POST', services, svc('v6', { ipFamilies: ['IPv6'], ports: [{ port: 80 }] })), { code: 422, fields: ['details.causes'] });
    observe('dual stack required on an IPv4 cluster', await client.request('POST', services, svc('dual', { ipFamilyPolicy: 'RequireDualStack', ports: [{ port: 80 }] })), { code: 422, fields: ['details.causes'] });
    observe('dual stack preferred on an IPv4 cluster', allocation(await client.request('POST', services, svc('prefer', { ipFamilyPolicy: 'PreferDualStack', ports: [{ port: 80 }] }))), { code: 201, fields: allocated });
    observe('headless with selector', allocation(await client.request('POST', services, svc('headless', { clusterIP: 'None', selector: { app: 'a' }, ports: [{ port: 80 }] }))), { code: 201, fields: allocated });
    observe('headless without selector', allocation(await client.request('POST', services, svc('headless-nosel', { clusterIP: 'None', ports: [{ port: 80 }] }))), { code: 201, fields: allocated });
    observe('ExternalName', allocation(await client.request('POST', services, svc('ext', { type: 'ExternalName', externalName: 'db.example.com' }))), { code: 201, fields: [...allocated, 'spec.clusterIP'] });
    observe('two unnamed ports', await client.request('POST', services, svc('unnamed', { ports: [{ port: 80 }, { port: 81 }] })), { code: 422, fields: ['details.causes'] });
    // Kubernetes 1.32 refused it ("may not expose port 10250 externally"); 1.37 no longer does.
    // 1.37's strict IP and CIDR rules; new external IPs must also be routable.
    observe('external IPs: leading zero, IPv4-mapped, loopback', await client.request('POST', services, svc('ext-ips', { ports: [{ port: 80 }], externalIPs: ['010.0.0.1', '::ffff:192.0.2.1', '127.0.0.1', '192.0.2.9'] })), {
      code: 422,
      fields: ['details.causes', 'message'],
    });
    observe('source ranges: host bits, leading zero', await client.request('POST', services, svc('ranges', { type: 'LoadBalancer', ports: [{ port: 80 }], loadBalancerSourceRanges: ['192.0.2.1/24', '010.0.0.0/8', ' 198.51.100.0/24 '] })), {
      code: 422,
      fields: ['details.causes', 'message'],
    });
    observe('kubelet port on a LoadBalancer is allowed', allocation(await client.request('POST', services, svc('kubelet', { type: 'LoadBalancer', ports: [{ port: 10250 }] }))), { code: 201, fields: [...allocated, 'spec.ports[0].port'] });
    const cip = await client.request('POST', services, svc('grow', { selector: { app: 'a' }, ports: [{ port: 80 }] }));
    observe('ClusterIP to NodePort allocates on update', allocation(await client.request('PATCH', `${services}/grow`, { spec: { type: 'NodePort' } }, 'application/merge-patch+json')), { code: 200, fields: allocated });
    observe('NodePort to LoadBalancer with Local traffic gets a health check port', allocation(await client.request('PATCH', `${services}/grow`, { spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local' } }, 'application/merge-patch+json')), {
      code: 200,
      fields: allocated,
    });
    observe('back to ClusterIP clears node ports', allocation(await client.request('PATCH', `${services}/grow`, { spec: { type: 'ClusterIP', externalTrafficPolicy: null, allocateLoadBalancerNodePorts: null } }, 'application/merge-patch+json')), {
      code: 200,
      fields: allocated,
    });
    const got = await client.request('GET', `${services}/grow`);
    const { clusterIP: _ip, clusterIPs: _ips, ...rest } = got.body.spec;
    const kept = await client.request('PUT', `${services}/grow`, { ...got.body, spec: rest });
    observe('update without clusterIP keeps it', { ...kept, body: { same: kept.body.spec?.clusterIP === cip.body.spec.clusterIP, rv: kept.body.metadata?.resourceVersion === got.body.metadata.resourceVersion } }, { code: 200, fields: ['same', 'rv'] });
    observe('cluster IP may not change', await client.request('PATCH', `${services}/grow`, { spec: { clusterIP: '10.96.100.100', clusterIPs: ['10.96.100.100'] } }, 'application/merge-patch+json'), {
      code: 422,
      fields: ['details.causes[0].field', 'details.causes[0].reason'],
    });
    observe('to ExternalName drops the cluster IP', allocation(await client.request('PATCH', `${services}/grow`, { spec: { type: 'ExternalName', externalName: 'x.example.com' } }, 'application/merge-patch+json')), {
      code: 200,
      fields: [...allocated, 'spec.clusterIP', 'spec.clusterIPs'],
    });
    await client.request('DELETE', `${services}/lb`);
    observe('a deleted service frees its node port', allocation(await client.request('POST', services, svc('reuse', { type: 'NodePort', ports: [{ port: 80, nodePort: taken }] }))), { code: 201, fields: allocated });
  },
};
