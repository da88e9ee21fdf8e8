// Writes that change nothing keep the resourceVersion and send no watch event, as on
// kube-apiserver (controllers rely on it to stay quiet): identical updates, empty patches, bodies
// in the Go shape client-go sends, updates without allocated or defaulted values, spec in a
// status write and status in a main write.
import type { KubeResponse } from '../../../bench/kube-client.js';
import type { Scenario } from './scenario.js';

const NODE_INFO = { machineID: '', systemUUID: '', bootID: '', kernelVersion: '', osImage: '', containerRuntimeVersion: '', kubeletVersion: '', kubeProxyVersion: '', operatingSystem: '', architecture: '' };

export const scenario: Scenario = {
  name: 'noop-writes',
  async run({ client, ns, observe }) {
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    const services = `/api/v1/namespaces/${ns}/services`;
    const pods = `/api/v1/namespaces/${ns}/pods`;
    const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const leases = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;
    const nodeName = `${ns}-quiet`;
    const node = `/api/v1/nodes/${nodeName}`;
    await client.request('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } });
    await client.request('POST', services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { type: 'NodePort', selector: { app: 'a' }, ports: [{ port: 80 }] } });
    await client.request('POST', pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    const template = { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } };
    await client.request('POST', deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'd' } }, template } });
    await client.request('POST', leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } });
    await client.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName } });
    const start = (await client.request('GET', `${cms}?limit=1`)).body.metadata.resourceVersion as string;
    const paths = { configmaps: cms, services, pods, deployments, leases, nodes: `/api/v1/nodes?fieldSelector=metadata.name%3D${nodeName}&` };
    const watches = await Promise.all(Object.values(paths).map((p) => client.watch(`${p}${p.includes('?') ? '' : '?'}watch=true&resourceVersion=${start}`)));
    try {
      const same = (label: string, before: KubeResponse, after: KubeResponse) =>
        observe(label, { ...after, body: { unchanged: after.body?.metadata?.resourceVersion === before.body.metadata.resourceVersion } }, { code: 200, fields: ['unchanged'] });
      const get = (p: string) => client.request('GET', p);

      let cm = await get(`${cms}/cm`);
      same('configmap: identical update', cm, await client.request('PUT', `${cms}/cm`, cm.body));
      const { managedFields: _mf, ...metaWithoutFields } = cm.body.metadata;
      same('configmap: update without managedFields, with empty labels and a null creationTimestamp', cm, await client.request('PUT', `${cms}/cm`, { ...cm.body, metadata: { ...metaWithoutFields, labels: {}, creationTimestamp: null } }));
      same('configmap: empty merge patch', cm, await client.request('PATCH', `${cms}/cm`, {}, 'application/merge-patch+json'));
      same('configmap: strategic merge patch to the same data', cm, await client.request('PATCH', `${cms}/cm`, { data: { a: '1' } }, 'application/strategic-merge-patch+json'));
      same('configmap: json patch test only', cm, await client.request('PATCH', `${cms}/cm`, [{ op: 'test', path: '/data/a', value: '1' }], 'application/json-patch+json'));
      cm = await get(`${cms}/cm`);
      same('configmap: same data, another field manager', cm, await client.request('PATCH', `${cms}/cm?fieldManager=someone-else`, { data: { a: '1' } }, 'application/merge-patch+json'));

      const n = await get(node);
      const goNode = { ...n.body, status: { ...n.body.status, daemonEndpoints: { kubeletEndpoint: { Port: 0 } }, nodeInfo: NODE_INFO } };
      same('node: update in the Go shape (zero nodeInfo, daemonEndpoints)', n, await client.request('PUT', node, goNode));
      same('node: status update in the Go shape', n, await client.request('PUT', `${node}/status`, goNode));

      const s = await get(`${services}/svc`);
      const { clusterIP: _a, clusterIPs: _b, ...specWithoutIps } = s.body.spec;
      const portsWithoutNodePorts = s.body.spec.ports.map(({ nodePort: _n, ...p }: { nodePort: number }) => p);
      same('service: update without cluster IP and node ports', s, await client.request('PUT', `${services}/svc`, { ...s.body, spec: { ...specWithoutIps, ports: portsWithoutNodePorts } }));
      same('service: update without defaulted fields', s, await client.request('PUT', `${services}/svc`, { ...s.body, spec: { ...s.body.spec, sessionAffinity: '', internalTrafficPolicy: null, ports: s.body.spec.ports.map((p: object) => ({ ...p, targetPort: 0, protocol: '' })) } }));

      const p = await get(`${pods}/p`);
      const bare = { ...p.body, spec: { ...p.body.spec, dnsPolicy: '', restartPolicy: '', tolerations: [], containers: p.body.spec.containers.map((c: object) => ({ ...c, imagePullPolicy: '', terminationMessagePath: '' })) } };
      same('pod: update without defaulted fields and default tolerations', p, await client.request('PUT', `${pods}/p`, bare));
      same('pod: status update with the spec changed', p, await client.request('PUT', `${pods}/p/status`, { ...p.body, spec: { ...p.body.spec, activeDeadlineSeconds: 5 } }));

      const d = await get(`${deployments}/d`);
      same('deployment: update with the status changed', d, await client.request('PUT', `${deployments}/d`, { ...d.body, status: { replicas: 9 } }));
      same('deployment: status update with the spec changed', d, await client.request('PUT', `${deployments}/d/status`, { ...d.body, spec: { ...d.body.spec, replicas: 9 } }));

      const l = await get(`${leases}/l`);
      same('lease: identical update', l, await client.request('PUT', `${leases}/l`, l.body));

      // One real change per resource, so every watch has something to report.
      await client.request('PATCH', `${cms}/cm`, { metadata: { labels: { changed: 'yes' } } }, 'application/merge-patch+json');
      await client.request('PATCH', `${services}/svc`, { metadata: { labels: { changed: 'yes' } } }, 'application/merge-patch+json');
      await client.request('PATCH', `${pods}/p`, { metadata: { labels: { changed: 'yes' } } }, 'application/merge-patch+json');
      await client.request('PATCH', `${deployments}/d`, { metadata: { labels: { changed: 'yes' } } }, 'application/merge-patch+json');
      await client.request('PATCH', `${leases}/l`, { metadata: { labels: { changed: 'yes' } } }, 'application/merge-patch+json');
      await client.request('PATCH', node, { metadata: { labels: { changed: 'yes' } } }, 'application/merge-patch+json');
      await Promise.all(watches.map((w) => w.waitFor(1, 10_000)));
      // Anything a no-op write emitted would have arrived before the real change.
      const events = watches.map((w) => w.events.map((e) => `${e.type} ${e.object.metadata.labels?.changed ?? 'unchanged'}`));
      observe('watch events: only the real changes', { code: 200, headers: {}, body: { events: Object.fromEntries(Object.keys(paths).map((k, i) => [k, events[i]])) } }, { code: 200, fields: ['events'] });
    } finally {
      for (const w of watches) w.close();
      await client.request('DELETE', node);
    }
  },
};
