// The `smi:` section of the YAML config and its flags (docs/smi/README.md).
import { z } from 'zod';
import type { FlagSpec } from '../../core/plugin.js';
import { describedFlag } from '../../core/plugin.js';
import { UsageError } from '../../core/errors.js';
import { kubeTargetFields, kubeTargetFlags } from '../../kube-kit/options.js';
import { SMI_FAULT_NAMES } from '../../reference/smi/faults.js';
import { ALL_FEATURES } from './features.js';
import { MESHES, meshNamed } from './meshes.js';

/** Test workload images: Gateway API's mesh echo image serves and its `client` binary sends. */
export const DEFAULT_SERVER_IMAGE = 'registry.k8s.io/gateway-api/conformance/echo-advanced:v0.1.0';
export const DEFAULT_CLIENT_IMAGE = 'registry.k8s.io/gateway-api/conformance/echo-advanced:v0.1.0';

const faultNames = SMI_FAULT_NAMES as unknown as [string, ...string[]];

export const smiOptionsSchema = z
  .object({
    ...kubeTargetFields,
    /** A known mesh (namespace labels/annotations for injection); see MESHES. */
    mesh: z.enum(MESHES.map((m) => m.name) as [string, ...string[]]).optional(),
    /** Extra namespace labels for test namespaces (any mesh). */
    namespaceLabels: z.record(z.string(), z.string()).default({}),
    supportedFeatures: z.array(z.enum(ALL_FEATURES as [string, ...string[]])).optional(),
    exemptFeatures: z.array(z.enum(ALL_FEATURES as [string, ...string[]])).default([]),
    serverImage: z.string().min(1).default(DEFAULT_SERVER_IMAGE),
    clientImage: z.string().min(1).default(DEFAULT_CLIENT_IMAGE),
    /** Send traffic through this endpoint (POST /send) instead of exec-ing the client in a pod. */
    trafficEndpoint: z.string().url().optional(),
    /** Embedded reference only, for conformal's own tests: inject a named fault. */
    referenceFault: z.enum(faultNames).optional(),
  })
  .strict();

export type SmiOptions = z.output<typeof smiOptionsSchema>;

const checkedMesh = (value: string) => {
  if (!meshNamed(value)) throw new UsageError(`--mesh must be one of ${MESHES.map((m) => m.name).join(', ')}, got "${value}"; for another mesh use --namespace-label`, { field: '--mesh' });
  return value;
};

const checkedLabel = (value: string, previous: unknown) => {
  const m = /^([A-Za-z0-9][-A-Za-z0-9_./]{0,252})=([-A-Za-z0-9_.]{0,63})$/.exec(value);
  if (!m) throw new UsageError(`--namespace-label must be key=value, got "${value}"`, { field: '--namespace-label' });
  return { ...(previous as Record<string, string> | undefined), [m[1]!]: m[2]! };
};

const checkedFeatures = (flag: string) => (value: string, previous: unknown) => {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !ALL_FEATURES.includes(n));
  if (unknown.length > 0) throw new UsageError(`${flag}: unknown feature ${unknown.join(', ')}; known: ${ALL_FEATURES.join(', ')}`, { field: flag });
  return [...((previous as string[] | undefined) ?? []), ...names];
};

const checkedFault = (value: string) => {
  if (!faultNames.includes(value)) throw new UsageError(`--reference-fault must be one of ${faultNames.join(', ')}, got "${value}"`, { field: '--reference-fault' });
  return value;
};

export const smiFlags: readonly FlagSpec[] = [
  ...kubeTargetFlags,
  { flags: '--mesh <name>', key: 'mesh', description: `the mesh under test, for sidecar injection of the test namespaces: ${MESHES.map((m) => m.name).join(', ')}`, parse: checkedMesh },
  { flags: '--namespace-label <key=value>', key: 'namespaceLabels', repeatable: true, description: 'label every test namespace with key=value (injection for any other mesh); repeatable', parse: checkedLabel },
  { flags: '--supported-features <list>', key: 'supportedFeatures', description: `comma-separated features the mesh supports, instead of discovering them: ${ALL_FEATURES.join(', ')}`, parse: checkedFeatures('--supported-features') },
  { flags: '--exempt-features <list>', key: 'exemptFeatures', description: 'comma-separated features to leave out (their tests are skipped)', parse: checkedFeatures('--exempt-features') },
  { flags: '--server-image <image>', key: 'serverImage', description: `image of the test servers (${DEFAULT_SERVER_IMAGE})` },
  { flags: '--client-image <image>', key: 'clientImage', description: `image of the test client, run by pod exec (${DEFAULT_CLIENT_IMAGE})` },
  { flags: '--traffic-endpoint <url>', key: 'trafficEndpoint', description: 'send traffic through this endpoint (docs/smi/README.md, "Traffic") instead of exec-ing the client in a pod; `conformal reference smi` serves one' },
  { flags: '--reference-fault <name>', hidden: true, key: 'referenceFault', description: "embedded reference only, for conformal's own tests: inject a named fault", parse: checkedFault },
];

export const smiReferenceFlags: readonly FlagSpec[] = [
  { flags: '--kubeconfig-out <file>', key: 'kubeconfigOut', description: 'write the kubeconfig of the served API server here (required)' },
  { flags: '--traffic-endpoint-out <file>', key: 'trafficEndpointOut', description: "write the URL of the reference data plane's traffic endpoint here" },
  describedFlag(smiFlags, '--reference-fault', "serve a fault-injected variant of the reference mesh (for conformal's own tests)"),
];
