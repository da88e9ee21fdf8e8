// The `cloud:` section of the YAML config and its flags (docs/cloud/README.md).
import { z } from 'zod';
import { describedFlag, type FlagSpec } from '../../core/plugin.js';
import { UsageError } from '../../core/errors.js';
import { kubeTargetFields, kubeTargetFlags } from '../../kube-kit/options.js';
import { CLOUD_FAULTS } from '../../reference/cloud/index.js';

const faultNames = CLOUD_FAULTS.map((f) => f.name) as [string, ...string[]];

export const cloudOptionsSchema = z
  .object({
    ...kubeTargetFields,
    /** Base URL of the cloud-control endpoint (docs/cloud/cloud-control.openapi.yaml). */
    cloudControl: z.string().url().optional(),
    /** Bearer token sent to the cloud-control endpoint. */
    cloudControlToken: z.string().min(1).optional(),
    /** The cluster CIDR the CCM's route controller manages (its --cluster-cidr). */
    clusterCidr: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/(8|9|1\d|2[0-4])$/, 'an IPv4 CIDR with a prefix of /8 to /24').default('10.244.0.0/16'),
    /** How long a probe LoadBalancer Service may take to get its finalizer when discovering the service controller. */
    probeTimeout: kubeTargetFields.connectTimeout.default(20_000),
    /** Embedded reference only, for conformal's own tests: inject a named fault. */
    referenceFault: z.enum(faultNames).optional(),
  })
  .strict();

export type CloudOptions = z.output<typeof cloudOptionsSchema>;

const checkedFault = (value: string) => {
  if (!faultNames.includes(value)) throw new UsageError(`--reference-fault must be one of ${faultNames.join(', ')}, got "${value}"`, { field: '--reference-fault' });
  return value;
};

const checkedUrl = (flag: string) => (value: string) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new UsageError(`${flag} must be an http(s) URL, got "${value}"`, { field: flag, cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} must be an http(s) URL, got "${value}"`, { field: flag });
  return value;
};

export const cloudFlags: readonly FlagSpec[] = [
  ...kubeTargetFlags,
  { flags: '--cloud-control <url>', key: 'cloudControl', description: 'cloud-control endpoint of the cloud behind the CCM (docs/cloud/cloud-control.openapi.yaml); unset: tests that act on the cloud are skipped', parse: checkedUrl('--cloud-control') },
  { flags: '--cloud-control-token <token>', key: 'cloudControlToken', description: 'bearer token for the cloud-control endpoint' },
  { flags: '--cluster-cidr <cidr>', key: 'clusterCidr', description: "the CCM's --cluster-cidr: pod CIDRs of nodes the suite registers come from it (10.244.0.0/16)" },
  { flags: '--reference-fault <name>', hidden: true, key: 'referenceFault', description: "embedded reference only, for conformal's own tests: inject a named fault", parse: checkedFault },
];

export const cloudReferenceFlags: readonly FlagSpec[] = [
  { flags: '--kubeconfig-out <file>', key: 'kubeconfigOut', description: 'write the kubeconfig of the served API server here (required)' },
  { flags: '--cloud-control-out <file>', key: 'cloudControlOut', description: 'write the URL of the cloud-control endpoint here' },
  describedFlag(cloudFlags, '--reference-fault', "serve a fault-injected variant of the reference CCM (for conformal's own tests)"),
];
