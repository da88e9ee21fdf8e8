// JSON patch, merge patch and strategic merge patch on built-ins.
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'patches',
  async run({ client, ns, observe }) {
    const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }] }, { name: 'side', image: 'busybox:1.36' }] },
        },
      },
    };
    observe('create', await client.request('POST', deployments, deployment), { code: 201, fields: ['metadata.generation', 'spec.replicas', 'spec.strategy.type', 'spec.revisionHistoryLimit'] });
    const smp = { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.26', env: [{ name: 'B', value: '2' }] }] } } } };
    observe('strategic merge by name', await client.request('PATCH', `${deployments}/web`, smp, 'application/strategic-merge-patch+json'), {
      code: 200,
      fields: ['metadata.generation', 'spec.template.spec.containers[0].image', 'spec.template.spec.containers[0].env', 'spec.template.spec.containers[1].name'],
    });
    const remove = { spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } };
    const removed = await client.request('PATCH', `${deployments}/web`, remove, 'application/strategic-merge-patch+json');
    observe('strategic merge $patch delete', { ...removed, body: { names: removed.body.spec?.template.spec.containers.map((c: { name: string }) => c.name) } }, { code: 200, fields: ['names'] });
    const merge = { metadata: { labels: { tier: 'front', app: null } }, spec: { replicas: 3 } };
    observe('merge patch', await client.request('PATCH', `${deployments}/web`, merge, 'application/merge-patch+json'), { code: 200, fields: ['metadata.labels', 'spec.replicas', 'metadata.generation'] });
    const json = [
      { op: 'replace', path: '/spec/replicas', value: 2 },
      { op: 'add', path: '/metadata/annotations', value: { note: 'json' } },
    ];
    observe('json patch', await client.request('PATCH', `${deployments}/web`, json, 'application/json-patch+json'), { code: 200, fields: ['spec.replicas', 'metadata.annotations'] });
    observe('json patch failed test', await client.request('PATCH', `${deployments}/web`, [{ op: 'test', path: '/spec/replicas', value: 9 }], 'application/json-patch+json'), { code: 422, fields: [] });
    observe('json patch bad path', await client.request('PATCH', `${deployments}/web`, [{ op: 'replace', path: '/spec/nothing/here', value: 1 }], 'application/json-patch+json'), { code: 422, fields: [] });
    observe('patch stale resourceVersion', await client.request('PATCH', `${deployments}/web`, { metadata: { resourceVersion: '1' } }, 'application/merge-patch+json'), { code: 409, fields: ['reason'] });
    observe('patch missing object', await client.request('PATCH', `${deployments}/nope`, { spec: {} }, 'application/merge-patch+json'), { code: 404, fields: ['message'] });
    observe('patch unknown media type', await client.request('PATCH', `${deployments}/web`, { spec: {} }, 'text/plain'), { code: 415, fields: [] });
    observe('invalid after patch', await client.request('PATCH', `${deployments}/web`, { spec: { template: { metadata: { labels: { app: 'other' } } } } }, 'application/merge-patch+json'), { code: 422, fields: ['details.causes[0].field'] });
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    await client.request('POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', finalizers: ['a.example.com/x'] }, data: { k: 'v' } });
    observe('strategic merge finalizers union', await client.request('PATCH', `${cms}/cfg`, { metadata: { finalizers: ['b.example.com/y'] } }, 'application/strategic-merge-patch+json'), { code: 200, fields: ['metadata.finalizers'] });
    observe('merge patch replaces lists', await client.request('PATCH', `${cms}/cfg`, { metadata: { finalizers: null } }, 'application/merge-patch+json'), { code: 200, fields: ['metadata.finalizers'] });
  },
};
