// The CRDs of the embedded default, written from the provider contract (not copied from upstream):
// Cluster API core kinds in cluster.x-k8s.io, and the reference infrastructure and bootstrap
// providers in groups of conformal's own, each labelled as the contract asks.
import { CLUSTERCTL_LABEL, CONTRACT_LABEL, CORE_GROUP, PROVIDER_LABEL } from '../../interfaces/capi/well-known.js';

export const INFRA_GROUP = 'infrastructure.conformal.io';
export const BOOTSTRAP_GROUP = 'bootstrap.conformal.io';
export const REFERENCE_VERSION = 'v1beta2';

export const RefKinds = {
  infraCluster: { group: INFRA_GROUP, version: REFERENCE_VERSION, kind: 'ConformalCluster', plural: 'conformalclusters' },
  infraClusterTemplate: { group: INFRA_GROUP, version: REFERENCE_VERSION, kind: 'ConformalClusterTemplate', plural: 'conformalclustertemplates' },
  infraMachine: { group: INFRA_GROUP, version: REFERENCE_VERSION, kind: 'ConformalMachine', plural: 'conformalmachines' },
  infraMachineTemplate: { group: INFRA_GROUP, version: REFERENCE_VERSION, kind: 'ConformalMachineTemplate', plural: 'conformalmachinetemplates' },
  bootstrapConfig: { group: BOOTSTRAP_GROUP, version: REFERENCE_VERSION, kind: 'ConformalConfig', plural: 'conformalconfigs' },
  bootstrapConfigTemplate: { group: BOOTSTRAP_GROUP, version: REFERENCE_VERSION, kind: 'ConformalConfigTemplate', plural: 'conformalconfigtemplates' },
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
  /** The scale subresource of MachineSet and MachineDeployment. */
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

const contractLabels = (provider: string, contractVersions = REFERENCE_VERSION) => ({ [CONTRACT_LABEL]: contractVersions, [CLUSTERCTL_LABEL]: '', [PROVIDER_LABEL]: provider });
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

/** The reference providers' CRDs; `contractLabel` lets a fault variant label them wrongly. */
export function providerCrds(contractLabel?: string): Record<string, unknown>[] {
  const infra = contractLabels('infrastructure-conformal', contractLabel);
  const bootstrap = contractLabels('bootstrap-conformal', contractLabel);
  const clusterSpec: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { controlPlaneEndpoint: endpoint } };
  const machineSpec: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { providerID: str({ minLength: 1, maxLength: 512 }) } };
  const { infraCluster, infraClusterTemplate, infraMachine, infraMachineTemplate, bootstrapConfig, bootstrapConfigTemplate } = RefKinds;
  return [
    // status.failureDomains is left untyped (status keeps unknown fields): the suite, not the schema, judges its shape.
    crd({ ...infraCluster, labels: infra, spec: clusterSpec, status: status({}) }),
    crd({ ...infraClusterTemplate, labels: infra, spec: template(clusterSpec) }),
    crd({ ...infraMachine, labels: infra, spec: machineSpec, status: status({ failureDomain: str(), addresses: { type: 'array', items: { type: 'object', properties: { type: str(), address: str() } } } }) }),
    crd({ ...infraMachineTemplate, labels: infra, spec: template(machineSpec) }),
    crd({ ...bootstrapConfig, labels: bootstrap, spec: open, status: status({ dataSecretName: str({ maxLength: 253 }) }) }),
    crd({ ...bootstrapConfigTemplate, labels: bootstrap, spec: template(open) }),
  ];
}
