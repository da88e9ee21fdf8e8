// Built-in defaults, generation, status and scale subresources on apps/v1 and core objects.
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'workloads',
  async run({ client, ns, observe }) {
    const base = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api' },
      spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } } },
      status: { replicas: 7 },
    };
    observe('create ignores status', await client.request('POST', base, deployment), { code: 201, fields: ['metadata.generation', 'spec.replicas', 'status.replicas'] });
    observe('missing selector', await client.request('POST', base, { ...deployment, metadata: { name: 'bad' }, spec: { ...deployment.spec, selector: undefined } }), { code: 422, fields: ['reason'] });
    const got = await client.request('GET', `${base}/api`);
    observe('status update', await client.request('PUT', `${base}/api/status`, { ...got.body, spec: { ...got.body.spec, replicas: 5 }, status: { replicas: 2, readyReplicas: 1 } }), { code: 200, fields: ['spec.replicas', 'status.replicas', 'metadata.generation'] });
    observe('scale get', await client.request('GET', `${base}/api/scale`), { code: 200, fields: ['kind', 'apiVersion', 'spec.replicas', 'status.replicas', 'status.selector'] });
    observe('scale update', await client.request('PUT', `${base}/api/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'api', namespace: ns }, spec: { replicas: 4 } }), { code: 200, fields: ['spec.replicas'] });
    observe('scale patch', await client.request('PATCH', `${base}/api/scale`, { spec: { replicas: 6 } }, 'application/merge-patch+json'), { code: 200, fields: ['spec.replicas'] });
    observe('after scaling', await client.request('GET', `${base}/api`), { code: 200, fields: ['spec.replicas', 'metadata.generation', 'status.replicas'] });
    observe('selector is immutable', await client.request('PATCH', `${base}/api`, { spec: { selector: { matchLabels: { app: 'api', v: '2' } }, template: { metadata: { labels: { app: 'api', v: '2' } } } } }, 'application/merge-patch+json'), {
      code: 422,
      fields: ['details.causes[0].field', 'details.causes[0].reason'],
    });
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    await client.request('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, data: { a: '1' }, immutable: true });
    const frozen = await client.request('PATCH', `${cms}/frozen`, { data: { a: '2' } }, 'application/merge-patch+json');
    observe('immutable configmap', { ...frozen, body: { ...frozen.body, causes: (frozen.body.details?.causes ?? []).map((c: { field: string; reason: string }) => `${c.field}:${c.reason}`) } }, { code: 422, fields: ['causes'] });
    observe('immutable configmap metadata may change', await client.request('PATCH', `${cms}/frozen`, { metadata: { labels: { x: 'y' } } }, 'application/merge-patch+json'), { code: 200, fields: ['metadata.labels'] });
    observe('secret stringData', await client.request('POST', `/api/v1/namespaces/${ns}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { a: 'Yg==' }, stringData: { k: 'v', a: 'c' } }), { code: 201, fields: ['data', 'stringData', 'type'] });
    const retyped = await client.request('PATCH', `/api/v1/namespaces/${ns}/secrets/s`, { type: 'example.com/other' }, 'application/merge-patch+json');
    observe('secret type is immutable', retyped, { code: 422, fields: ['details.causes[0].field', 'details.causes[0].reason'] });
    const svc = await client.request('POST', `/api/v1/namespaces/${ns}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'api' }, ports: [{ port: 80 }] } });
    observe('service defaults', { ...svc, body: { ...svc.body, hasClusterIP: /^10\.(9[6-9]|10[0-9]|11[01])\./.test(svc.body.spec?.clusterIP ?? '') } }, {
      code: 201,
      fields: ['hasClusterIP', 'spec.type', 'spec.sessionAffinity', 'spec.ports[0].protocol', 'spec.ports[0].targetPort', 'spec.ipFamilies'],
    });
    const lb = await client.request('POST', `/api/v1/namespaces/${ns}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', selector: { app: 'api' }, ports: [{ port: 443, targetPort: 8443 }] } });
    const nodePort = Number(lb.body.spec?.ports?.[0]?.nodePort);
    observe('load balancer defaults', { ...lb, body: { ...lb.body, nodePortInRange: nodePort >= 30000 && nodePort <= 32767 } }, {
      code: 201,
      fields: ['nodePortInRange', 'spec.externalTrafficPolicy', 'spec.allocateLoadBalancerNodePorts', 'spec.ports[0].targetPort', 'status'],
    });
    const tables = [
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      `/apis/apps/v1/namespaces/${ns}/replicasets`,
      `/api/v1/namespaces/${ns}/services`,
      `/api/v1/namespaces/${ns}/pods`,
      `/api/v1/namespaces/${ns}/configmaps`,
      `/api/v1/namespaces/${ns}/secrets`,
      `/api/v1/namespaces/${ns}/serviceaccounts`,
      `/api/v1/namespaces/${ns}/endpoints`,
      `/api/v1/namespaces/${ns}/events`,
      `/apis/events.k8s.io/v1/namespaces/${ns}/events`,
      `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`,
      `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`,
      '/api/v1/namespaces',
      '/api/v1/nodes',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    ];
    for (const path of tables) {
      const table = await client.request('GET', path, undefined, 'application/json', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
      const columns = (table.body.columnDefinitions ?? []).filter((c: { priority: number }) => c.priority === 0).map((c: { name: string; type: string }) => `${c.name}:${c.type}`);
      observe(`table columns of ${path.split('/').slice(-3).join('/')}`, { ...table, body: { columns } }, { code: 200, fields: ['columns'] });
    }
    observe('service without ports', await client.request('POST', `/api/v1/namespaces/${ns}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'noports' }, spec: {} }), { code: 422, fields: ['details.causes[0].field'] });
    const pod = await client.request('POST', `/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    observe('pod defaults', pod, { code: 201, fields: ['status.phase', 'status.qosClass', 'spec.restartPolicy', 'spec.containers[0].imagePullPolicy', 'spec.containers[0].terminationMessagePath', 'spec.schedulerName'] });
    observe('pod without containers', await client.request('POST', `/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q' }, spec: { containers: [] } }), { code: 422, fields: ['details.causes[0].field'] });
    observe('pod delete returns the pod', await client.request('DELETE', `/api/v1/namespaces/${ns}/pods/p`), { code: 200, fields: ['kind', 'metadata.name'] });
    const node = await client.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: `${ns}-node` }, status: { capacity: { cpu: '2' } } });
    observe('node keeps status on create', node, { code: 201, fields: ['status.capacity'] });
    observe('node status update', await client.request('PATCH', `/api/v1/nodes/${ns}-node/status`, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'application/strategic-merge-patch+json'), {
      code: 200,
      fields: ['status.conditions[0].type', 'status.capacity'],
    });
    await client.request('DELETE', `/api/v1/nodes/${ns}-node`);
    const lease = await client.request('POST', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } });
    observe('lease', lease, { code: 201, fields: ['spec.holderIdentity'] });
    const slice = await client.request('POST', `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.1.0.1'] }], ports: [{ port: 80, protocol: 'TCP' }] });
    observe('endpointslice', slice, { code: 201, fields: ['addressType', 'endpoints[0].addresses'] });
    const event = await client.request('POST', `/apis/events.k8s.io/v1/namespaces/${ns}/events`, { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e1' }, eventTime: '2026-01-01T00:00:00.000000Z', reportingController: 'conformal.io/test', reportingInstance: 'test-1', action: 'Tested', reason: 'Testing', type: 'Normal', regarding: { kind: 'Pod', name: 'p', namespace: ns } });
    observe('events.k8s.io event', event, { code: 201, fields: ['reason', 'type'] });
  },
};
