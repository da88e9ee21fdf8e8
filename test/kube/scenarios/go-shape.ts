// Built-in objects take the shape of their Go types, as kube-apiserver decodes and re-encodes
// them: unknown fields dropped (warned about, or refused under Strict), type errors as Go words
// them, zero values and empty fields as Go's JSON writes them, times at their precision.
import type { KubeResponse } from '../../../bench/kube-client.js';
import type { Scenario } from './scenario.js';

const warnings = (r: KubeResponse): KubeResponse => ({ ...r, body: { ...r.body, warning: r.headers.warning } });

export const scenario: Scenario = {
  name: 'go-shape',
  async run({ client, ns, observe }) {
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    const services = `/api/v1/namespaces/${ns}/services`;
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'u1', labels: { a: null }, foo: 1 }, data: { k: 'v', z: null }, bar: { x: 1 } };
    observe('unknown fields are dropped with warnings', warnings(await client.request('POST', cms, cm)), { code: 201, fields: ['warning', 'metadata.labels', 'data', 'bar', 'metadata.foo'] });
    observe('unknown fields under Strict', await client.request('POST', `${cms}?fieldValidation=Strict`, { ...cm, metadata: { name: 'u2', foo: 1 } }), { code: 400, fields: ['message'] });
    observe('unknown fields under Ignore', warnings(await client.request('POST', `${cms}?fieldValidation=Ignore`, { ...cm, metadata: { name: 'u3' } })), { code: 201, fields: ['warning'] });
    const nested = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'w1' }, spec: { ports: [{ port: 80, x: 1 }, { port: 81, name: 'b', y: { z: 1 } }], sessionAffinityConfig: null } };
    observe('unknown nested fields carry their list index', warnings(await client.request('POST', `${services}?dryRun=All`, nested)), { code: 422, fields: ['warning', 'details.causes'] });
    const typed = (spec: unknown) => client.request('POST', services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 't1' }, spec });
    observe('string for an int32', await typed({ ports: [{ port: '80' }] }), { code: 400, fields: ['message'] });
    observe('fraction for an int32', await typed({ ports: [{ port: 80.5 }] }), { code: 400, fields: ['message'] });
    observe('object for a list', await typed({ ports: { port: 80 } }), { code: 400, fields: ['message'] });
    observe('number for a string', await typed({ ports: [{ port: 80 }], type: 5 }), { code: 400, fields: ['message'] });
    observe('bad quantity', await client.request('POST', `/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q' }, spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: 'abc' } } }] } }), {
      code: 400,
      fields: ['message'],
    });
    const slice = await client.request('POST', `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's' }, addressType: 'IPv4', ports: [{ port: 80 }] });
    observe('non-omitempty nil list is null; pointer defaults', slice, { code: 201, fields: ['endpoints', 'ports'] });
    const event = await client.request('POST', `/api/v1/namespaces/${ns}/events`, {
      apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1' }, involvedObject: { kind: 'Pod', name: 'p', namespace: ns }, reason: 'R', firstTimestamp: '2026-01-02T03:04:05.678+01:00',
    });
    observe('core event: times at their precision, zero structs written', event, { code: 201, fields: ['firstTimestamp', 'lastTimestamp', 'eventTime', 'source', 'involvedObject', 'count', 'reportingComponent', 'reportingInstance'] });
    const ev2 = await client.request('POST', `/apis/events.k8s.io/v1/namespaces/${ns}/events`, {
      apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e2' }, eventTime: '2026-01-02T03:04:05.500000Z', reportingController: 'c.example.com/x', reportingInstance: 'i', action: 'A', reason: 'R', type: 'Normal', regarding: { kind: 'Pod', name: 'p', namespace: ns },
    });
    observe('events.k8s.io event', ev2, { code: 201, fields: ['eventTime', 'deprecatedFirstTimestamp', 'deprecatedSource', 'regarding'] });
    // One storage for both event APIs, each in its own form.
    observe('a core event read as events.k8s.io', await client.request('GET', `/apis/events.k8s.io/v1/namespaces/${ns}/events/e1`), {
      code: 200,
      fields: ['apiVersion', 'regarding', 'deprecatedFirstTimestamp', 'deprecatedSource', 'reportingController', 'involvedObject', 'note'],
    });
    observe('an events.k8s.io event read as core', await client.request('GET', `/api/v1/namespaces/${ns}/events/e2`), {
      code: 200,
      fields: ['apiVersion', 'involvedObject', 'reportingComponent', 'reportingInstance', 'eventTime', 'source', 'regarding'],
    });
    const names = async (path: string) => ((await client.request('GET', path)).body.items ?? []).map((e: { metadata: { name: string } }) => e.metadata.name);
    observe('both lists hold both events', { code: 200, headers: {}, body: { core: await names(`/api/v1/namespaces/${ns}/events`), events: await names(`/apis/events.k8s.io/v1/namespaces/${ns}/events`) } }, { code: 200, fields: ['core', 'events'] });
    for (const eventTime of ['2026-01-02T03:04:05.1234567Z', '2026-01-02T03:04:05.5Z', '2026-01-02T03:04:05Z', 'yesterday']) {
      const bad = await client.request('POST', `/apis/events.k8s.io/v1/namespaces/${ns}/events`, { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e3' }, eventTime, reportingController: 'c.example.com/x', reportingInstance: 'i', action: 'A', reason: 'R', type: 'Normal' });
      observe(`micro time ${eventTime}`, bad, { code: 400, fields: ['message'] });
    }
    const pod = await client.request('POST', `/api/v1/namespaces/${ns}/pods`, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'full' },
      spec: {
        volumes: [{ name: 'v' }, { name: 's', secret: { secretName: 'x' } }],
        containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 8080 }], env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          resources: { limits: { cpu: '500m', memory: '64Mi' } }, livenessProbe: { httpGet: { port: 8080 } } }],
      },
    });
    observe('pod: defaults reach volumes, probes, env, resources; QoS', pod, {
      code: 201,
      fields: ['spec.volumes', 'spec.containers[0].resources', 'spec.containers[0].livenessProbe', 'spec.containers[0].env', 'spec.containers[0].ports', 'spec.containers[0].imagePullPolicy', 'spec.tolerations', 'spec.enableServiceLinks', 'spec.securityContext', 'status'],
    });
  },
};
