// Server-side apply: create, re-apply, field managers, conflicts and force.
import type { KubeResponse } from '../../../bench/kube-client.js';
import type { Scenario } from './scenario.js';

const APPLY = 'application/apply-patch+yaml';

function managers(response: KubeResponse): KubeResponse {
  const entries = (response.body?.metadata?.managedFields ?? []) as { manager: string; operation: string; fieldsV1: unknown }[];
  return { ...response, body: { ...response.body, managers: entries.map((e) => `${e.manager}/${e.operation}`).sort(), fields: Object.fromEntries(entries.map((e) => [`${e.manager}/${e.operation}`, e.fieldsV1])) } };
}

export const scenario: Scenario = {
  name: 'apply',
  async run({ client, ns, observe }) {
    const path = `/api/v1/namespaces/${ns}/configmaps/applied`;
    const config = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  labels:\n    owner: alice\ndata:\n  a: "1"\n  b: "2"\n`;
    observe('apply creates', managers(await client.request('PATCH', `${path}?fieldManager=alice`, config, APPLY)), { code: 201, fields: ['data', 'managers', 'fields'] });
    observe('apply again is a no-op', managers(await client.request('PATCH', `${path}?fieldManager=alice`, config, APPLY)), { code: 200, fields: ['data', 'managers'] });
    observe('apply without manager', await client.request('PATCH', path, config, APPLY), { code: 422, fields: [] });
    observe('update by bob', managers(await client.request('PATCH', `${path}?fieldManager=bob`, { data: { a: '9', c: '3' } }, 'application/merge-patch+json')), { code: 200, fields: ['data', 'managers', 'fields'] });
    observe('alice conflicts with bob', await client.request('PATCH', `${path}?fieldManager=alice`, config, APPLY), { code: 409, fields: ['reason', 'details.causes[0].reason', 'details.causes[0].field', 'message'] });
    observe('alice forces', managers(await client.request('PATCH', `${path}?fieldManager=alice&force=true`, config, APPLY)), { code: 200, fields: ['data', 'managers', 'fields'] });
    const smaller = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: "1"\n`;
    observe('alice drops fields she owned', managers(await client.request('PATCH', `${path}?fieldManager=alice`, smaller, APPLY)), { code: 200, fields: ['data', 'metadata.labels', 'managers'] });
    const carol = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: "1"\n`;
    observe('same value is shared, not a conflict', managers(await client.request('PATCH', `${path}?fieldManager=carol`, carol, APPLY)), { code: 200, fields: ['managers', 'fields'] });
    const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: applied\nspec:\n  selector:\n    matchLabels: {app: a}\n  template:\n    metadata:\n      labels: {app: a}\n    spec:\n      containers:\n      - name: main\n        image: nginx:1.25\n`;
    const dpath = `/apis/apps/v1/namespaces/${ns}/deployments/applied`;
    observe('apply a deployment', managers(await client.request('PATCH', `${dpath}?fieldManager=alice`, deployment, APPLY)), { code: 201, fields: ['spec.replicas', 'fields'] });
    const sidecar = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: applied\nspec:\n  template:\n    spec:\n      containers:\n      - name: sidecar\n        image: busybox:1.36\n`;
    const both = await client.request('PATCH', `${dpath}?fieldManager=bob`, sidecar, APPLY);
    observe('keyed list items merge across managers', { ...both, body: { names: both.body.spec?.template.spec.containers.map((c: { name: string }) => c.name) } }, { code: 200, fields: ['names'] });
  },
};
