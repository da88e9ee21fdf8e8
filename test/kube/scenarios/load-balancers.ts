// What a cloud controller writes to a LoadBalancer service: its status is validated (IP, strictly, ipMode
// defaulted to VIP and checked, hostnames as DNS subdomains that are not IPs, LoadBalancer type only).
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'load-balancers',
  async run({ client, ns, observe }) {
    const services = `/api/v1/namespaces/${ns}/services`;
    await client.request('POST', services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [{ port: 443, name: 'https' }, { port: 80, name: 'http', protocol: 'TCP' }] } });
    await client.request('POST', services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'plain' }, spec: { ports: [{ port: 80 }] } });
    const status = (ingress: unknown[]) => ({ status: { loadBalancer: { ingress } } });
    const fields = ['details.causes', 'message'];
    const patch = (name: string, ingress: unknown[]) => client.request('PATCH', `${services}/${name}/status`, status(ingress), 'application/merge-patch+json');
    observe('ingress ip that is no IP', await patch('lb', [{ ip: 'not-an-ip' }]), { code: 422, fields });
    // Kubernetes 1.37 validates IPs strictly (StrictIPCIDRValidation); 1.32 took this one.
    observe('ingress ip with leading zeros is refused', await patch('lb', [{ ip: '010.0.0.1' }]), { code: 422, fields });
    observe('ingress ip that is IPv4-mapped IPv6 is refused', await patch('lb', [{ ip: '::ffff:192.0.2.1' }]), { code: 422, fields });
    observe('ipMode without ip', await patch('lb', [{ hostname: 'a.example.com', ipMode: 'VIP' }]), { code: 422, fields });
    observe('unknown ipMode', await patch('lb', [{ ip: '192.0.2.1', ipMode: 'Direct' }]), { code: 422, fields });
    observe('hostname that is an IP', await patch('lb', [{ hostname: '192.0.2.1' }]), { code: 422, fields });
    observe('hostname that is no DNS name', await patch('lb', [{ hostname: 'Bad_Name' }]), { code: 422, fields });
    observe('ingress on a ClusterIP service', await patch('plain', [{ ip: '192.0.2.1' }]), { code: 422, fields });
    observe('valid ingress with ports and Proxy mode', await patch('lb', [{ ip: '192.0.2.1', ipMode: 'Proxy', ports: [{ port: 443, protocol: 'TCP' }] }, { ip: '2001:db8::1' }, { hostname: 'lb.example.com' }]), {
      code: 200,
      fields: ['status.loadBalancer.ingress'],
    });
    const put = await client.request('GET', `${services}/lb`);
    observe('ipMode defaulted on an update too', await client.request('PUT', `${services}/lb/status`, { ...put.body, ...status([{ ip: '192.0.2.7' }]) }), { code: 200, fields: ['status.loadBalancer.ingress'] });
  },
};
