// Discovery and OpenAPI documents, as clients read them.
import type { Scenario } from './scenario.js';

export const scenario: Scenario = {
  name: 'discovery',
  async run({ client, observe }) {
    const core = await client.request('GET', '/api/v1');
    const names = (core.body.resources ?? []).map((r: { name: string }) => r.name);
    const wanted = ['configmaps', 'endpoints', 'events', 'namespaces', 'namespaces/status', 'nodes', 'nodes/status', 'pods', 'pods/status', 'secrets', 'serviceaccounts', 'services', 'services/status'];
    observe('core resources', { ...core, body: { ...core.body, present: wanted.filter((w) => names.includes(w)) } }, { code: 200, fields: ['kind', 'groupVersion', 'present'] });
    const pod = (core.body.resources ?? []).find((r: { name: string }) => r.name === 'pods');
    observe('pods entry', { ...core, body: { pod: { ...pod, categories: undefined, storageVersionHash: undefined, shortNames: pod?.shortNames } } }, { code: 200, fields: ['pod.kind', 'pod.namespaced', 'pod.singularName', 'pod.shortNames', 'pod.verbs'] });
    const apps = await client.request('GET', '/apis/apps/v1');
    const scale = (apps.body.resources ?? []).find((r: { name: string }) => r.name === 'deployments/scale');
    observe('deployments/scale', { ...apps, body: { scale } }, { code: 200, fields: ['scale.group', 'scale.version', 'scale.kind', 'scale.verbs'] });
    const groups = await client.request('GET', '/apis');
    const ours = ['apps', 'events.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'apiextensions.k8s.io'];
    const present = (groups.body.groups ?? []).map((g: { name: string; preferredVersion: { version: string } }) => `${g.name}:${g.preferredVersion.version}`).filter((g: string) => ours.includes(g.split(':')[0]!));
    observe('groups', { ...groups, body: { ...groups.body, present: present.sort() } }, { code: 200, fields: ['kind', 'present'] });
    const aggregated = await client.request('GET', '/apis', undefined, 'application/json', { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    const appsGroup = (aggregated.body.items ?? []).find((g: { metadata: { name: string } }) => g.metadata.name === 'apps');
    const deployments = appsGroup?.versions?.[0]?.resources?.find((r: { resource: string }) => r.resource === 'deployments');
    observe('aggregated discovery', { ...aggregated, body: { kind: aggregated.body.kind, contentType: String(aggregated.headers['content-type']).replace(/\s/g, ''), scope: deployments?.scope, responseKind: deployments?.responseKind, subresources: deployments?.subresources?.map((s: { subresource: string }) => s.subresource).sort() } }, {
      code: 200,
      fields: ['kind', 'contentType', 'scope', 'responseKind', 'subresources'],
    });
    const v3 = await client.request('GET', '/openapi/v3');
    observe('openapi v3 index', { ...v3, body: { hasApps: !!v3.body.paths?.['apis/apps/v1']?.serverRelativeURL } }, { code: 200, fields: ['hasApps'] });
    const appsDoc = await client.request('GET', '/openapi/v3/apis/apps/v1');
    const deploymentSchema = Object.values(appsDoc.body.components?.schemas ?? {}).find((s: any) => s['x-kubernetes-group-version-kind']?.[0]?.kind === 'Deployment'); // eslint-disable-line @typescript-eslint/no-explicit-any
    observe('openapi v3 apps/v1', { ...appsDoc, body: { openapi: appsDoc.body.openapi, info: appsDoc.body.info, hasDeployment: !!deploymentSchema } }, { code: 200, fields: ['openapi', 'info', 'hasDeployment'] });
    // The release both servers speak for (gitVersion, build and platform differ by nature).
    observe('version', await client.request('GET', '/version'), { code: 200, fields: ['major', 'minor', 'emulationMajor', 'emulationMinor', 'minCompatibilityMajor', 'minCompatibilityMinor'] });
    const v2 = await client.request('GET', '/openapi/v2', undefined, 'application/json', { Accept: 'application/json' });
    observe('openapi v2', { ...v2, body: { swagger: v2.body.swagger, info: v2.body.info } }, { code: 200, fields: ['swagger', 'info'] });
    const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'create', resource: 'pods', namespace: 'default' } } };
    observe('access review', await client.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', review), { code: 201, fields: ['kind', 'metadata.creationTimestamp', 'spec', 'status'] });
    const whoami = await client.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    observe('whoami', { ...whoami, body: { ...whoami.body, stamped: typeof whoami.body.metadata?.creationTimestamp === 'string' } }, { code: 201, fields: ['kind', 'status', 'stamped'] });
    observe('reviews cannot be listed', await client.request('GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'), { code: 405, fields: ['reason'] });
    const authz = await client.request('GET', '/apis/authorization.k8s.io/v1');
    const ssar = (authz.body.resources ?? []).find((r: { name: string }) => r.name === 'selfsubjectaccessreviews');
    observe('review discovery', { ...authz, body: { ssar: { ...ssar, storageVersionHash: undefined } } }, { code: 200, fields: ['ssar.verbs', 'ssar.namespaced', 'ssar.kind'] });
    const anonymous = await fetchWithoutToken(client.endpoint.url, client.endpoint.caCert);
    observe('no token', anonymous, { code: 401, fields: ['reason'] });
  },
};

async function fetchWithoutToken(url: string, ca: string) {
  const { request } = await import('node:https');
  return new Promise<{ code: number; body: any; headers: Record<string, string> }>((resolve, reject) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const req = request(`${url}/api/v1/namespaces`, { ca }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(text || '{}'), headers: {} }));
    });
    req.on('error', reject);
    req.end();
  });
}
