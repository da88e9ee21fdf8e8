// Endpoints addresses must be routable: kube-apiserver refuses loopback, link-local, link-local
// multicast and unspecified IPs (ValidateNonSpecialIP), on create and on update. A mesh reading
// Endpoints never sees a 127.x address, which is why test workloads on loopback publish a
// documentation address there (docs/smi/traefik-mesh.md). Every request on v1 Endpoints carries
// a deprecation warning since Kubernetes 1.33.
import type { Scenario } from './scenario.js';

const fields = ['details.causes[0].field', 'details.causes[0].message', 'details.causes[1].message', 'details.causes.length'];

function endpoints(name: string, ip: string) {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name }, subsets: [{ addresses: [{ ip }], ports: [{ port: 8080 }] }] };
}

export const scenario: Scenario = {
  name: 'endpoints',
  async run({ client, ns, observe }) {
    const path = `/api/v1/namespaces/${ns}/endpoints`;
    for (const [label, ip] of [['loopback', '127.0.0.5'], ['link-local', '169.254.1.1'], ['link-local multicast', '224.0.0.9'], ['unspecified', '0.0.0.0'], ['IPv6 loopback', '::1'], ['IPv6 unspecified', '::'], ['not an IP', 'pod-a']] as const) {
      observe(`an Endpoints address that is ${label} is refused`, await client.request('POST', path, endpoints(`bad-${label.replace(/\W+/g, '-').toLowerCase()}`, ip)), { code: 422, fields });
    }
    const created = await client.request('POST', path, endpoints('good', '192.0.2.10'));
    observe('a routable Endpoints address is taken, with the deprecation warning', { ...created, body: { ...created.body, warning: created.headers.warning } }, {
      code: 201,
      fields: ['subsets[0].addresses[0].ip', 'subsets[0].ports[0].protocol', 'warning'],
    });
    const listed = await client.request('GET', path);
    observe('a list of v1 Endpoints warns of the deprecation', { ...listed, body: { warning: listed.headers.warning } }, { code: 200, fields: ['warning'] });
    const notReady = { subsets: [{ addresses: [{ ip: '192.0.2.10' }], notReadyAddresses: [{ ip: '127.0.0.6' }], ports: [{ port: 8080 }] }] };
    observe('a loopback not-ready address is refused on update', await client.request('PATCH', `${path}/good`, notReady, 'application/merge-patch+json'), { code: 422, fields });
  },
};
