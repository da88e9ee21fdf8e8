// CustomResourceDefinitions: established, served, validated with field paths, defaulted, pruned,
// status and scale subresources, printer columns, removal with the CRD.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Scenario } from './scenario.js';

const crd = parse(readFileSync(new URL('../fixtures/crontab-crd.yaml', import.meta.url), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const scenario: Scenario = {
  name: 'crds',
  async run({ client, ns, observe, eventually }) {
    const group = `${ns}.example.com`;
    const definition = structuredClone(crd);
    definition.metadata.name = `crontabs.${group}`;
    definition.spec.group = group;
    observe('create CRD', await client.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', definition), { code: 201, fields: ['spec.names', 'spec.scope'] });
    const crdPath = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.${group}`;
    await eventually('the CRD is established', async () => {
      const r = await client.request('GET', crdPath);
      return (r.body.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True');
    });
    await eventually('the resource is served', async () => (await client.request('GET', `/apis/${group}/v1/namespaces/${ns}/crontabs`)).code === 200);
    const got = await client.request('GET', crdPath);
    observe('CRD status', got, { code: 200, fields: ['status.acceptedNames', 'status.storedVersions'] });
    observe('discovery', await client.request('GET', `/apis/${group}/v1`), { code: 200, fields: ['groupVersion', 'resources'] });
    const bad = { ...definition, metadata: { name: `wrong.${group}` } };
    observe('CRD with wrong name', await client.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', bad), { code: 422, fields: ['details.causes[0].field'] });

    const base = `/apis/${group}/v1/namespaces/${ns}/crontabs`;
    const cr = { apiVersion: `${group}/v1`, kind: 'CronTab', metadata: { name: 'c1' }, spec: { cronSpec: '* * * * */5', image: 'img', unknown: 'dropped' }, status: { replicas: 9 } };
    observe('create defaults, prunes, drops status', await client.request('POST', base, cr), { code: 201, fields: ['spec', 'status', 'metadata.generation'] });
    observe('null for a non-nullable field is dropped', await client.request('POST', base, { ...cr, metadata: { name: 'c7' }, spec: { cronSpec: '* * * * *', image: null } }), { code: 201, fields: ['spec'] });
    const invalid = { ...cr, metadata: { name: 'c2' }, spec: { cronSpec: 'nope', replicas: 'x', color: 'pink' } };
    const rejected = await client.request('POST', base, invalid);
    observe('schema violations', { ...rejected, body: { ...rejected.body, fields: (rejected.body.details?.causes ?? []).map((c: { field: string; reason: string }) => `${c.field}:${c.reason}`).sort() } }, { code: 422, fields: ['reason', 'fields', 'details.kind', 'details.group'] });
    observe('missing required', await client.request('POST', base, { ...cr, metadata: { name: 'c3' }, spec: { image: 'x' } }), { code: 422, fields: ['details.causes[0].field', 'details.causes[0].reason'] });
    const causes = ['details.causes[0].field', 'details.causes[0].reason', 'details.causes[0].message'];
    observe('out of range', await client.request('POST', base, { ...cr, metadata: { name: 'c4' }, spec: { cronSpec: '* * * * *', replicas: 11 } }), { code: 422, fields: causes });
    // Upstream Cluster API's v1beta2 Cluster CRD refuses an empty spec this way (minProperties: 1).
    observe('too few properties', await client.request('POST', base, { ...cr, metadata: { name: 'c8' }, spec: { cronSpec: '* * * * *', selector: {} } }), { code: 422, fields: causes });
    observe('too many properties', await client.request('POST', base, { ...cr, metadata: { name: 'c9' }, spec: { cronSpec: '* * * * *', selector: { a: '1', b: '2', c: '3' } } }), { code: 422, fields: causes });
    observe('too few items', await client.request('POST', base, { ...cr, metadata: { name: 'c10' }, spec: { cronSpec: '* * * * *', tags: [] } }), { code: 422, fields: causes });
    observe('too many items', await client.request('POST', base, { ...cr, metadata: { name: 'c11' }, spec: { cronSpec: '* * * * *', tags: ['a', 'b', 'c'] } }), { code: 422, fields: causes });
    observe('string too long', await client.request('POST', base, { ...cr, metadata: { name: 'c12' }, spec: { cronSpec: '* * * * *', tags: ['abcdefgh'] } }), { code: 422, fields: causes });
    const current = await client.request('GET', `${base}/c1`);
    observe('update without resourceVersion', await client.request('PUT', `${base}/c1`, { ...current.body, metadata: { name: 'c1' } }), { code: 422, fields: ['details.causes[0].field'] });
    observe('main resource ignores status', await client.request('PUT', `${base}/c1`, { ...current.body, spec: { ...current.body.spec, replicas: 2 }, status: { replicas: 5 } }), { code: 200, fields: ['spec.replicas', 'status', 'metadata.generation'] });
    const again = await client.request('GET', `${base}/c1`);
    observe('status subresource ignores spec', await client.request('PUT', `${base}/c1/status`, { ...again.body, spec: { ...again.body.spec, replicas: 7 }, status: { replicas: 2 } }), { code: 200, fields: ['spec.replicas', 'status.replicas', 'metadata.generation'] });
    observe('scale', await client.request('GET', `${base}/c1/scale`), { code: 200, fields: ['kind', 'apiVersion', 'spec.replicas', 'status.replicas'] });
    observe('scale patch', await client.request('PATCH', `${base}/c1/scale`, { spec: { replicas: 3 } }, 'application/merge-patch+json'), { code: 200, fields: ['spec.replicas'] });
    observe('strategic merge not allowed on custom resources', await client.request('PATCH', `${base}/c1`, { spec: { image: 'y' } }, 'application/strategic-merge-patch+json'), { code: 415, fields: ['reason'] });
    const table = await client.request('GET', base, undefined, 'application/json', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    observe('table', { ...table, body: { ...table.body, columns: table.body.columnDefinitions?.map((c: { name: string; type: string }) => `${c.name}:${c.type}`), cells: table.body.rows?.map((r: { cells: unknown[] }) => r.cells.slice(0, 3)) } }, { code: 200, fields: ['kind', 'columns', 'cells'] });
    observe('strict field validation', await client.request('POST', `${base}?fieldValidation=Strict`, { ...cr, metadata: { name: 'c5' } }), { code: 400, fields: ['reason', 'message'] });
    const warned = await client.request('POST', `${base}?fieldValidation=Warn`, { ...cr, metadata: { name: 'c6' } });
    observe('warn field validation', { ...warned, body: { warning: warned.headers.warning } }, { code: 201, fields: ['warning'] });
    const cluster = await client.request('GET', `/apis/${group}/v1/crontabs`);
    observe('list across namespaces', { ...cluster, body: { count: cluster.body.items?.length } }, { code: 200, fields: ['count'] });
    observe('delete CRD', { ...(await client.request('DELETE', crdPath)), body: {} }, { code: 200, fields: [] });
    await eventually('custom resources are gone with their CRD', async () => (await client.request('GET', `${base}/c1`)).code === 404, 30_000);
  },
};
