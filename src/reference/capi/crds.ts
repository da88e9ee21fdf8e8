// The CRDs of the embedded default, written from the provider contract (not copied from upstream):
// Cluster API core kinds in cluster.x-k8s.io, and the reference infrastructure, bootstrap and
// control-plane providers in groups of conformal's own, each labelled as the contract asks.
import { CLUSTERCTL_LABEL, CONTRACT_LABEL, CORE_GROUP, PROVIDER_LABEL } from '../../interfaces/capi/well-known.js';

export const INFRA_GROUP = 'infrastructure.conformal.io';
export const BOOTSTRAP_GROUP = 'bootstrap.conformal.io';
export const CONTROL_PLANE_GROUP = 'controlplane.conformal.io';
export const REFERENCE_VERSION = 'v1beta2';

export const RefKinds = {
  infraCluster: { group: INFRA_GROUP, version: REFERENCE_VERSION, kind: 'ConformalCluster', plural: 'conformalclusters' },
  infraClusterTemplate: { group: INFRA_GROUP, version: REFERENCE_VERSION, kind: 'ConformalClusterTemplate', plural: 'conformalclustertemplates' },
  infraMachine: { group: INFRA_GROUP, version: REFERENCE_VERSION, kind: 'ConformalMachine', plural: 'conformalmachines' },
  infraMachineTemplate: { group: INFRA_GROUP, version: REFERENCE_VERSION, kind: 'ConformalMachineTemplate', plural: 'conformalmachinetemplates' },
  bootstrapConfig: { group: BOOTSTRAP_GROUP, version: REFERENCE_VERSION, kind: 'ConformalConfig', plural: 'conformalconfigs' },
  bootstrapConfigTemplate: { group: BOOTSTRAP_GROUP, version: REFERENCE_VERSION, kind: 'ConformalConfigTemplate', plural: 'conformalconfigtemplates' },
  controlPlane: { group: CONTROL_PLANE_GROUP, version: REFERENCE_VERSION, kind: 'ConformalControlPlane', plural: 'conformalcontrolplanes' },
  controlPlaneTemplate: { group: CONTROL_PLANE_GROUP, version: REFERENCE_VERSION, kind: 'ConformalControlPlaneTemplate', plural: 'conformalcontrolplanetemplates' },
} as const;

type Schema = Record<string, unknown>;
const open: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const endpoint: Schema = { type: 'object', properties: { host: str({ maxLength: 512 }), port: { type: 'integer', minimum: 1, maximum: 65535 } } };
const conditions: Schema = {
  type: 'array',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
  // Shape rules (required reason, status values) are left to the suite, which judges what a provider wrote.
  items: {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    properties: {
      type: str({ maxLength: 316 }),
      status: str(),
      reason: str({ maxLength: 1024 }),
      message: str({ maxLength: 32768 }),
      lastTransitionTime: str({ format: 'date-time' }),
      observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
    },
  },
};
/** Status: the contract's typed fields, anything else a provider adds kept as written. */
const status = (properties: Schema): Schema => ({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { conditions, ...properties } });

interface CrdInput {
  group: string;
  kind: string;
  plural: string;
  labels: Record<string, string>;
  spec: Schema;
  status?: Schema;
  /** The scale subresource of MachineSet, MachineDeployment and the ControlPlane. */
  scale?: boolean;
  printer?: Array<{ name: string; type: string; jsonPath: string }>;
}

function crd(input: CrdInput): Record<string, unknown> {
  const properties: Schema = { spec: input.spec, ...(input.status ? { status: input.status } : {}) };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${input.plural}.${input.group}`, labels: input.labels },
    spec: {
      group: input.group,
      scope: 'Namespaced',
      names: { kind: input.kind, listKind: `${input.kind}List`, plural: input.plural, singular: input.kind.toLowerCase() },
      versions: [
        {
          name: REFERENCE_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties } },
          subresources: {
            ...(input.status ? { status: {} } : {}),
            ...(input.scale ? { scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } } : {}),
          },
          ...(input.printer ? { additionalPrinterColumns: input.printer } : {}),
        },
      ],
    },
  };
}

const contractLabels = (provider: string, contractVersions = REFERENCE_VERSION, label = CONTRACT_LABEL) => ({ [label]: contractVersions, [CLUSTERCTL_LABEL]: '', [PROVIDER_LABEL]: provider });
const phase = [{ name: 'Phase', type: 'string', jsonPath: '.status.phase' }];
const ref: Schema = { type: 'object', required: ['apiGroup', 'kind', 'name'], properties: { apiGroup: str(), kind: str(), name: str() } };
const template = (spec: Schema): Schema => ({ type: 'object', required: ['template'], properties: { template: { type: 'object', properties: { metadata: open, spec } } } });

export function coreCrds(): Record<string, unknown>[] {
  const labels = contractLabels('cluster-api');
  const machineSpec: Schema = {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    required: ['clusterName', 'infrastructureRef'],
    properties: { clusterName: str(), infrastructureRef: ref, bootstrap: { type: 'object', properties: { configRef: ref, dataSecretName: str({ maxLength: 253 }) } }, providerID: str(), failureDomain: str(), version: str() },
  };
  const replicated = (extra: Schema = {}): Schema => ({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    required: ['clusterName', 'selector', 'template'],
    properties: { clusterName: str(), replicas: { type: 'integer', format: 'int32', minimum: 0 }, selector: open, template: { type: 'object', properties: { metadata: open, spec: machineSpec } }, ...extra },
  });
  return [
    crd({
      group: CORE_GROUP,
      kind: 'Cluster',
      plural: 'clusters',
      labels,
      // minProperties as upstream's v1beta2 Cluster CRD: an empty spec is refused there.
      spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, minProperties: 1, properties: { paused: { type: 'boolean' }, controlPlaneEndpoint: endpoint, infrastructureRef: ref, controlPlaneRef: ref } },
      status: status({ phase: str() }),
      printer: phase,
    }),
    crd({ group: CORE_GROUP, kind: 'Machine', plural: 'machines', labels, spec: machineSpec, status: status({ phase: str() }), printer: phase }),
    crd({ group: CORE_GROUP, kind: 'MachineSet', plural: 'machinesets', labels, spec: replicated(), status: status({ replicas: { type: 'integer' }, selector: str() }), scale: true }),
    crd({ group: CORE_GROUP, kind: 'MachineDeployment', plural: 'machinedeployments', labels, spec: replicated(), status: status({ replicas: { type: 'integer' }, selector: str(), phase: str() }), scale: true, printer: phase }),
  ];
}

/**
 * The reference providers' CRDs, labelled for the contract `label` names (cluster.x-k8s.io/v1beta2,
 * or v1beta1 for the v1beta1 variant: the providers' own API version stays v1beta2, which the label
 * maps the contract to); `contractVersions` lets a fault variant label them wrongly, and
 * `flatControlPlaneTemplate` shape the ControlPlaneTemplate wrongly. The control
 * plane implements the v1beta2 ControlPlane contract in either variant.
 */
export function providerCrds(contractVersions?: string, label = CONTRACT_LABEL, flatControlPlaneTemplate = false): Record<string, unknown>[] {
  const infra = contractLabels('infrastructure-conformal', contractVersions, label);
  const bootstrap = contractLabels('bootstrap-conformal', contractVersions, label);
  const controlPlane = contractLabels('control-plane-conformal', contractVersions);
  const clusterSpec: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { controlPlaneEndpoint: endpoint } };
  const machineSpec: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { providerID: str({ minLength: 1, maxLength: 512 }) } };
  const { infraCluster, infraClusterTemplate, infraMachine, infraMachineTemplate, bootstrapConfig, bootstrapConfigTemplate, controlPlane: cp, controlPlaneTemplate } = RefKinds;
  const int = (extra: Schema = {}): Schema => ({ type: 'integer', format: 'int32', ...extra });
  // The ControlPlane contract's optional parts, all taken on: endpoint, replicas, version, machines.
  const controlPlaneSpec: Schema = {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    properties: {
      controlPlaneEndpoint: endpoint,
      replicas: int({ minimum: 0 }),
      version: str({ minLength: 1, maxLength: 256 }),
      machineTemplate: { type: 'object', properties: { metadata: open, spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { infrastructureRef: ref, deletion: open } } } },
    },
  };
  const controlPlaneStatus = status({ selector: str(), replicas: int(), readyReplicas: int(), availableReplicas: int(), upToDateReplicas: int(), version: str(), versions: { type: 'array', items: { type: 'object', properties: { version: str(), replicas: int() } } } });
  return [
    // status.failureDomains is left untyped (status keeps unknown fields): the suite, not the schema, judges its shape.
    crd({ ...infraCluster, labels: infra, spec: clusterSpec, status: status({}) }),
    crd({ ...infraClusterTemplate, labels: infra, spec: template(clusterSpec) }),
    crd({ ...infraMachine, labels: infra, spec: machineSpec, status: status({ failureDomain: str(), addresses: { type: 'array', items: { type: 'object', properties: { type: str(), address: str() } } } }) }),
    crd({ ...infraMachineTemplate, labels: infra, spec: template(machineSpec) }),
    crd({ ...bootstrapConfig, labels: bootstrap, spec: open, status: status({ dataSecretName: str({ maxLength: 253 }) }) }),
    crd({ ...bootstrapConfigTemplate, labels: bootstrap, spec: template(open) }),
    crd({ ...cp, labels: controlPlane, spec: controlPlaneSpec, status: controlPlaneStatus, scale: true }),
    // flatControlPlaneTemplate (a fault): the ControlPlane's spec fields straight under spec, no spec.template.
    crd({ ...controlPlaneTemplate, labels: controlPlane, spec: flatControlPlaneTemplate ? { type: 'object', properties: controlPlaneSpec.properties } : template(controlPlaneSpec) }),
  ];
}
