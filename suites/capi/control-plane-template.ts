// The ControlPlaneTemplate of the ControlPlane contract (mandatory for ClusterClass support only,
// so a Feature found from the provider's CRDs): a namespaced <ControlPlane>Template with its List
// kind and spec.template{metadata, spec}, labelled for the contract; and a ControlPlane cloned from
// it the way the topology controller does is a working control plane.
import { ApiextensionsV1Api, type V1JSONSchemaProps } from '@kubernetes/client-node';
import { ConformanceError } from '../../src/core/errors.js';
import { CapiCapability } from '../../src/interfaces/capi/capabilities.js';
import { CLONED_FROM_KIND, CLONED_FROM_NAME } from '../../src/interfaces/capi/well-known.js';
import { contractLabelProblems, failOn } from './checks.js';
import { initialized, newControlPlane } from './control-plane-scene.js';
import { capiTest, CONTROL_PLANE, spec } from './define.js';
import { create, namespace } from './fixtures.js';

const CONTROL_PLANE_TEMPLATE = [...CONTROL_PLANE, CapiCapability.controlPlaneTemplate];
const SECTION = 'ControlPlaneTemplate, ControlPlaneTemplateList resource definition';
/** A label the clone test puts on the template's spec.template.metadata. */
const PROBE = 'conformal.io/template-probe';

/** The template CRD's shape for ClusterClass: namespaced, its List kind, spec.template with metadata and spec. */
export function templateSchemaProblems(kind: string, scope: string, listKind: string | undefined, schema: V1JSONSchemaProps | undefined): string[] {
  const problems: string[] = [];
  if (scope !== 'Namespaced') problems.push(`${kind} is ${scope}-scoped, not namespaced`);
  if (listKind !== `${kind}List`) problems.push(`${kind}'s list kind is ${JSON.stringify(listKind)}, expected ${kind}List`);
  const template = schema?.properties?.spec?.properties?.template;
  if (!template) problems.push(`${kind}'s schema has no spec.template`);
  else if (!template.x_kubernetes_preserve_unknown_fields) {
    for (const field of ['metadata', 'spec']) if (!template.properties?.[field]) problems.push(`${kind}'s schema has no spec.template.${field}`);
  }
  return problems;
}

/** The ControlPlane's spec as a ClusterClass template holds it: without what the topology controller sets per Cluster (replicas, version, the machines' infrastructureRef). */
function templateSpecOf(controlPlaneSpec: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { replicas: _replicas, version: _version, ...rest } = structuredClone(controlPlaneSpec) as Record<string, any>;
  const machineSpec = { ...rest.machineTemplate?.spec };
  delete machineSpec.infrastructureRef;
  if (rest.machineTemplate) {
    rest.machineTemplate = { ...rest.machineTemplate, spec: machineSpec };
    if (Object.keys(machineSpec).length === 0) delete rest.machineTemplate.spec;
    if (Object.keys(rest.machineTemplate).length === 0) delete rest.machineTemplate;
  }
  return rest;
}

export const controlPlaneTemplateTests = [
  capiTest({
    id: 'capi.control-plane.template.crd',
    title: 'the ControlPlaneTemplate CRD is a namespaced <ControlPlane>Template with its List kind, spec.template{metadata, spec} and the contract label',
    spec: spec('control-plane', SECTION, 'the template MUST be named <ControlPlane>Template, with a <ControlPlaneTemplate>List; spec.template{metadata, spec}; CRDs carry cluster.x-k8s.io/v1beta2'),
    profile: 'extended',
    operations: ['CustomResourceDefinition'],
    requires: CONTROL_PLANE_TEMPLATE,
    tags: ['Feature:ControlPlaneTemplate'],
    async run(ctx) {
      const { template, crds } = ctx.env.controlPlane!;
      const info = crds.find((c) => c.kind === template!.kind && c.group === template!.group)!;
      const crd = await ctx.env.kc.makeApiClient(ApiextensionsV1Api).readCustomResourceDefinition({ name: info.name });
      const served = crd.spec.versions.find((v) => v.name === template!.version);
      failOn([...templateSchemaProblems(template!.kind, crd.spec.scope, crd.spec.names.listKind, served?.schema?.openAPIV3Schema), ...contractLabelProblems(info)]);
    },
  }),
  capiTest({
    id: 'capi.control-plane.template.clone',
    title: 'a ControlPlane cloned from a ControlPlaneTemplate the way ClusterClass does it keeps the template and is initialized',
    spec: spec('control-plane', SECTION, "ClusterClass clones the template's spec.template{metadata, spec} into each Cluster's ControlPlane, which MUST then work as any other"),
    profile: 'extended',
    operations: ['ControlPlane', 'ControlPlaneTemplate'],
    requires: CONTROL_PLANE_TEMPLATE,
    tags: ['Feature:ControlPlaneTemplate'],
    async run(ctx) {
      const { template: kind, spec: controlPlaneSpec, meta } = ctx.env.controlPlane!;
      const ns = await namespace(ctx);
      const written = { metadata: { labels: { [PROBE]: 'template' } }, spec: templateSpecOf(controlPlaneSpec) };
      const template = await create(ctx, kind!, ns, { metadata: { name: ctx.unique('cp-template') }, spec: { template: written } });
      const kept = template.spec?.template as { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> } | undefined;
      if (!kept?.spec) throw new ConformanceError(`ControlPlaneTemplate ${template.metadata.name} did not keep spec.template.spec as written: the server answered spec ${JSON.stringify(template.spec ?? null).slice(0, 400)}`);
      if (kept.metadata?.labels?.[PROBE] !== 'template') throw new ConformanceError(`ControlPlaneTemplate ${template.metadata.name} did not keep spec.template.metadata: ${JSON.stringify(kept.metadata ?? null)}`);
      // As the topology controller: the template's metadata and spec, the cloned-from annotations, then replicas, version and the machines' infrastructure set per Cluster.
      const annotations = { ...meta.annotations, ...kept.metadata.annotations, [CLONED_FROM_NAME]: template.metadata.name, [CLONED_FROM_KIND]: `${kind!.kind}.${kind!.group}` };
      const scene = await newControlPlane(ctx, ns, { base: { labels: { ...meta.labels, ...kept.metadata.labels }, annotations, spec: kept.spec } });
      await initialized(ctx, scene);
    },
  }),
];
