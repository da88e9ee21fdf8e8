// The `capi:` section of the YAML config and its flags (docs/capi/README.md).
import { z } from 'zod';
import { describedFlag, type FlagSpec } from '../../core/plugin.js';
import { UsageError } from '../../core/errors.js';
import { kubeTargetFields, kubeTargetFlags } from '../../kube-kit/options.js';
import { CAPI_FAULTS } from '../../reference/capi/index.js';
import { CONTRACT_VERSIONS } from './contract.js';

const faultNames = CAPI_FAULTS.map((f) => f.name) as [string, ...string[]];
/** `Kind` or `Kind.group`: a CRD kind, optionally qualified with its API group. */
export const KIND_PATTERN = /^[A-Z][A-Za-z0-9]*(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)?$/;

export const capiOptionsSchema = z
  .object({
    ...kubeTargetFields,
    /** `<InfraClusterKind>/<InfraMachineKind>`, each optionally `.group`-qualified. */
    infrastructure: z.string().optional(),
    /** YAML file: the spec of the provider's InfraCluster (or a whole object; its spec is used). */
    clusterTemplate: z.string().min(1).optional(),
    /** YAML file: the spec of the provider's InfraMachine. */
    machineTemplate: z.string().min(1).optional(),
    /** `<BootstrapConfigKind>[.group]` of a bootstrap provider to test. */
    bootstrap: z.string().optional(),
    /** YAML file: the spec of the provider's bootstrap config. */
    bootstrapTemplate: z.string().min(1).optional(),
    /** `<ControlPlaneKind>[.group]` of a control-plane provider to test. */
    controlPlane: z.string().optional(),
    /** YAML file: the spec of the provider's ControlPlane (or a whole object; its spec is used). */
    controlPlaneTemplate: z.string().min(1).optional(),
    /** How long a probe Cluster may take to get core's finalizer when finding out whether core runs. */
    probeTimeout: kubeTargetFields.connectTimeout.default(10_000),
    /** Embedded reference only: the provider contract its providers implement (v1beta2 when unset). */
    contract: z.enum(CONTRACT_VERSIONS).optional(),
    /** Embedded reference only, for conformal's own tests: inject a named fault. */
    referenceFault: z.enum(faultNames).optional(),
  })
  .strict();

export type CapiOptions = z.output<typeof capiOptionsSchema>;

const checkedFault = (value: string) => {
  if (!faultNames.includes(value)) throw new UsageError(`--reference-fault must be one of ${faultNames.join(', ')}, got "${value}"`, { field: '--reference-fault' });
  return value;
};

const checkedContract = (value: string) => {
  if (!(CONTRACT_VERSIONS as readonly string[]).includes(value)) throw new UsageError(`--contract must be one of ${CONTRACT_VERSIONS.join(', ')}, got "${value}"`, { field: '--contract' });
  return value;
};

export function checkedInfrastructure(value: string): string {
  const parts = value.split('/');
  if (parts.length !== 2 || !parts.every((p) => KIND_PATTERN.test(p))) {
    throw new UsageError(`--infrastructure must be <InfraClusterKind>/<InfraMachineKind>, each optionally .group-qualified (e.g. DockerCluster/DockerMachine), got "${value}"`, { field: '--infrastructure' });
  }
  return value;
}

export function checkedBootstrap(value: string): string {
  if (!KIND_PATTERN.test(value)) throw new UsageError(`--bootstrap must be <BootstrapConfigKind>, optionally .group-qualified (e.g. KubeadmConfig), got "${value}"`, { field: '--bootstrap' });
  return value;
}

export function checkedControlPlane(value: string): string {
  if (!KIND_PATTERN.test(value)) throw new UsageError(`--control-plane must be <ControlPlaneKind>, optionally .group-qualified (e.g. KubeadmControlPlane), got "${value}"`, { field: '--control-plane' });
  return value;
}

export const capiFlags: readonly FlagSpec[] = [
  ...kubeTargetFlags,
  { flags: '--infrastructure <kinds>', key: 'infrastructure', description: 'the infrastructure provider under test: <InfraClusterKind>/<InfraMachineKind>, optionally group-qualified (embedded: the reference ConformalCluster/ConformalMachine)', parse: checkedInfrastructure },
  { flags: '--cluster-template <file>', key: 'clusterTemplate', description: "YAML spec of the provider's InfraCluster, or a whole object (its labels and annotations are kept); conformal creates the Cluster around it as core would" },
  { flags: '--machine-template <file>', key: 'machineTemplate', description: "YAML spec of the provider's InfraMachine, or a whole object (its labels and annotations are kept); conformal creates the Machine around it as core would" },
  { flags: '--bootstrap <kind>', key: 'bootstrap', description: 'the bootstrap provider under test: <BootstrapConfigKind>, optionally group-qualified (embedded: the reference ConformalConfig)', parse: checkedBootstrap },
  { flags: '--bootstrap-template <file>', key: 'bootstrapTemplate', description: "YAML spec of the provider's bootstrap config ({} when unset)" },
  { flags: '--control-plane <kind>', key: 'controlPlane', description: 'the control-plane provider under test: <ControlPlaneKind>, optionally group-qualified; the with-core Clusters get their control plane from it (embedded: the reference ConformalControlPlane)', parse: checkedControlPlane },
  { flags: '--control-plane-template <file>', key: 'controlPlaneTemplate', description: "YAML spec of the provider's ControlPlane, or a whole object (its labels and annotations are kept); conformal fills in spec.machineTemplate.spec.infrastructureRef for a machine-based control plane" },
  { flags: '--contract <version>', key: 'contract', description: "embedded reference only: the provider contract its providers implement, v1beta2 (default) or the deprecated v1beta1 (an external provider's contract is read from its CRD labels)", parse: checkedContract },
  { flags: '--reference-fault <name>', hidden: true, key: 'referenceFault', description: "embedded reference only, for conformal's own tests: inject a named fault", parse: checkedFault },
];

export const capiReferenceFlags: readonly FlagSpec[] = [
  { flags: '--kubeconfig-out <file>', key: 'kubeconfigOut', description: 'write the kubeconfig of the served API server here (required)' },
  describedFlag(capiFlags, '--contract', 'serve providers of this contract: v1beta2 (default) or the deprecated v1beta1'),
  describedFlag(capiFlags, '--reference-fault', "serve a fault-injected variant of the reference providers (for conformal's own tests)"),
];
