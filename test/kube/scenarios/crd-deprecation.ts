// Deprecated CRD versions: every request in one carries kube-apiserver's warning, the CRD's own
// deprecationWarning or the default naming the newest served version that is not deprecated.
import type { KubeResponse } from '../../../bench/kube-client.js';
import type { Scenario } from './scenario.js';

const warning = (r: KubeResponse): KubeResponse => ({ ...r, body: { warning: r.headers.warning } });

export const scenario: Scenario = {
  name: 'crd-deprecation',
  async run({ client, ns, observe, eventually }) {
    const group = `${ns}.example.com`;
    const schema = { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } };
    const version = (name: string, extra: Record<string, unknown> = {}) => ({ name, served: true, storage: name === 'v2', schema, ...extra });
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `gadgets.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
        versions: [version('v1beta1', { deprecated: true }), version('v1', { deprecated: true, deprecationWarning: 'v1 gadgets go away soon' }), version('v2'), version('v3alpha1', { deprecated: true })],
      },
    };
    const crdPath = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.${group}`;
    observe('create a CRD with deprecated versions', await client.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd), { code: 201, fields: ['spec.versions'] });
    await eventually('the versions are served', async () => (await client.request('GET', `/apis/${group}/v1beta1/namespaces/${ns}/gadgets`)).code === 200);
    for (const v of ['v1beta1', 'v1', 'v2', 'v3alpha1']) {
      const path = `/apis/${group}/${v}/namespaces/${ns}/gadgets`;
      observe(`list in ${v}`, warning(await client.request('GET', path)), { code: 200, fields: ['warning'] });
      observe(`create in ${v}`, warning(await client.request('POST', path, { apiVersion: `${group}/${v}`, kind: 'Gadget', metadata: { name: `g-${v}` } })), { code: 201, fields: ['warning'] });
    }
    observe('a missing object in a deprecated version still warns', warning(await client.request('GET', `/apis/${group}/v1beta1/namespaces/${ns}/gadgets/none`)), { code: 404, fields: ['warning'] });
    await client.request('DELETE', crdPath);
  },
};
