// The SMI v0.6.0 CustomResourceDefinitions, written from the spec documents (traffic-access
// v1alpha3, traffic-specs v1alpha4, traffic-split v1alpha4). HTTPRouteGroup's `headers` is a map
// of header name to regex, as the Go types and the spec document say (smi-spec PR #237), not the
// array of objects smi-sdk-go's published CRD YAML declares (docs/smi/README.md explains).
import type { SmiFaultName } from './faults.js';

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', properties, ...(required.length ? { required } : {}) });
const arr = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });
const identity = obj({ kind: { type: 'string', enum: ['ServiceAccount'] }, name: str, namespace: str }, ['kind', 'name']);
const METHODS = ['*', 'GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
const portList = arr({ type: 'integer', minimum: 1, maximum: 65535 });

function crd(group: string, version: string, kind: string, plural: string, spec: Schema): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: obj({ apiVersion: str, kind: str, metadata: { type: 'object' }, spec }, ['spec']) } }],
    },
  };
}

/** The CRDs the reference installs; two faults change them. */
export function smiCrds(faulty: (name: SmiFaultName) => boolean): Record<string, unknown>[] {
  const headers: Schema = faulty('headers-array-crd') ? arr(obj({ name: str, value: str })) : { type: 'object', additionalProperties: str };
  const splitMatches: Record<string, Schema> = faulty('crd-fields-missing') ? {} : { matches: arr(obj({ kind: { type: 'string', enum: ['HTTPRouteGroup'] }, name: str, apiGroup: str }, ['kind', 'name'])) };
  return [
  crd('access.smi-spec.io', 'v1alpha3', 'TrafficTarget', 'traffictargets',
    obj({
      destination: identity,
      sources: arr(identity, { minItems: 1 }),
      rules: arr(obj({ kind: { type: 'string', enum: ['HTTPRouteGroup', 'TCPRoute', 'UDPRoute'] }, name: str, matches: arr(str) }, ['kind', 'name']), { minItems: 1 }),
    }, ['destination', 'sources', 'rules'])),
  crd('specs.smi-spec.io', 'v1alpha4', 'HTTPRouteGroup', 'httproutegroups',
    obj({ matches: arr(obj({ name: str, pathRegex: str, methods: arr({ type: 'string', enum: METHODS }), headers }, ['name'])) }, ['matches'])),
  crd('specs.smi-spec.io', 'v1alpha4', 'TCPRoute', 'tcproutes', obj({ matches: obj({ name: str, ports: portList }) })),
  crd('specs.smi-spec.io', 'v1alpha4', 'UDPRoute', 'udproutes', obj({ matches: obj({ name: str, ports: portList }) })),
  crd('split.smi-spec.io', 'v1alpha4', 'TrafficSplit', 'trafficsplits',
    obj({
      service: str,
      backends: arr(obj({ service: str, weight: { type: 'integer', minimum: 0 } }, ['service', 'weight']), { minItems: 1 }),
      ...splitMatches,
    }, ['service', 'backends'])),
  ];
}
