// The SMI CRDs themselves: each kind is served at its v0.6.0 version with the fields the spec
// defines, and HTTPRouteGroup's headers take the map form. The Go types and the spec document
// (smi-spec PR #237) make headers a map of header name to regex; smi-sdk-go's published CRD YAML
// declares a list of objects instead. The suite accepts the map form only: it is what the spec and
// every Go controller built on smi-sdk-go read (docs/smi/README.md, "The headers field").
import { ApiextensionsV1Api, type V1CustomResourceDefinition, type V1JSONSchemaProps } from '@kubernetes/client-node';
import { raceSignal } from '../../src/core/deadline.js';
import { ConformanceError } from '../../src/core/errors.js';
import { SmiFeature } from '../../src/interfaces/smi/features.js';
import { ACCESS, smiTest, spec, type SmiTest } from './define.js';
import { testApp } from './fixtures.js';

interface Expected {
  crd: string;
  version: string;
  feature: string;
  /** Dotted paths under spec that the schema must define ("backends[].weight"). */
  fields: string[];
}

const EXPECTED: readonly Expected[] = [
  { crd: 'traffictargets.access.smi-spec.io', version: 'v1alpha3', feature: SmiFeature.access, fields: ['destination.kind', 'destination.name', 'destination.namespace', 'sources[].name', 'sources[].namespace', 'rules[].kind', 'rules[].name', 'rules[].matches'] },
  { crd: 'httproutegroups.specs.smi-spec.io', version: 'v1alpha4', feature: SmiFeature.specs, fields: ['matches[].name', 'matches[].pathRegex', 'matches[].methods', 'matches[].headers'] },
  { crd: 'tcproutes.specs.smi-spec.io', version: 'v1alpha4', feature: SmiFeature.specs, fields: ['matches.name', 'matches.ports'] },
  { crd: 'udproutes.specs.smi-spec.io', version: 'v1alpha4', feature: SmiFeature.specs, fields: ['matches.name', 'matches.ports'] },
  { crd: 'trafficsplits.split.smi-spec.io', version: 'v1alpha4', feature: SmiFeature.split, fields: ['service', 'backends[].service', 'backends[].weight', 'matches[].kind', 'matches[].name'] },
];

/** Whether the schema defines the path; a schema that keeps unknown fields defines everything below it. */
export function definesPath(schema: V1JSONSchemaProps | undefined, path: string): boolean {
  let node = schema;
  for (const part of path.split('.')) {
    if (!node) return false;
    if (node.x_kubernetes_preserve_unknown_fields) return true;
    const array = part.endsWith('[]');
    node = node.properties?.[array ? part.slice(0, -2) : part];
    if (array) node = node?.items as V1JSONSchemaProps | undefined;
  }
  return node !== undefined;
}

export const crdTests: readonly SmiTest[] = [
  smiTest({
    id: 'smi.crds.fields',
    title: 'CRDs: each SMI kind is served at its v0.6.0 version and its schema defines the fields of the spec',
    spec: spec('access', 'Specification', 'the resources and fields of SMI v0.6.0 (access v1alpha3, specs v1alpha4, split v1alpha4)'),
    profile: 'core',
    operations: ['CustomResourceDefinition'],
    requires: ACCESS,
    async run(ctx) {
      const api = ctx.env.kc.makeApiClient(ApiextensionsV1Api);
      const problems: string[] = [];
      for (const e of EXPECTED.filter((x) => ctx.capabilities.has(x.feature))) {
        let crd: V1CustomResourceDefinition;
        try {
          crd = await raceSignal(api.readCustomResourceDefinition({ name: e.crd }), ctx.signal, `reading CRD ${e.crd}`);
        } catch (error) {
          problems.push(`${e.crd}: cannot be read (${(error as Error).message})`);
          continue;
        }
        const version = crd.spec.versions.find((v) => v.name === e.version);
        if (!version?.served) {
          problems.push(`${e.crd}: version ${e.version} is not served`);
          continue;
        }
        const specSchema = version.schema?.openAPIV3Schema?.properties?.spec;
        for (const field of e.fields) if (!definesPath(specSchema, field)) problems.push(`${e.crd} ${e.version}: spec.${field} is not defined`);
      }
      ctx.log(`checked ${EXPECTED.filter((x) => ctx.capabilities.has(x.feature)).map((e) => e.crd).join(', ')}`);
      if (problems.length) throw new ConformanceError(problems.join('; '));
    },
  }),
  smiTest({
    id: 'smi.crds.headers-map',
    title: 'CRDs: an HTTPRouteGroup with headers as a map of name to regex is accepted and kept',
    spec: spec('specs', 'HTTPRouteGroup', 'headers is a map of header name to regex (smi-spec #233, PR #237)'),
    profile: 'core',
    operations: ['CustomResourceDefinition'],
    requires: ACCESS,
    async run(ctx) {
      const app = await testApp(ctx);
      const headers = { 'x-team': 'blue', 'user-agent': '.*Firefox.*' };
      let created;
      try {
        created = await app.smiAsWritten({ apiVersion: 'specs.smi-spec.io/v1alpha4', kind: 'HTTPRouteGroup', metadata: { name: 'headers' }, spec: { matches: [{ name: 'm', headers }] } });
      } catch (error) {
        throw new ConformanceError(`an HTTPRouteGroup with headers as a map was refused: ${(error as Error).message}`, { cause: error });
      }
      const kept = (created as unknown as { spec?: { matches?: Array<{ headers?: unknown }> } }).spec?.matches?.[0]?.headers;
      if (JSON.stringify(kept) !== JSON.stringify(headers)) throw new ConformanceError(`headers were stored as ${JSON.stringify(kept)}, not ${JSON.stringify(headers)}`);
    },
  }),
];
