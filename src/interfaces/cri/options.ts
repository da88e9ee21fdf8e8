// The `cri:` section of the YAML config and the flags mapped onto it (docs/cri/README.md).
import { z } from 'zod';
import { describedFlag, type FlagSpec } from '../../core/plugin.js';
import { checkedDurationFlag, durationField as duration } from '../../core/settings.js';
import { UsageError } from '../../core/errors.js';
import { CRI_FAULTS } from '../../reference/cri/faults.js';

export const criOptionsSchema = z
  .object({
    /** RuntimeService endpoint; unset -> the embedded reference runtime. */
    runtimeEndpoint: z.string().min(1).optional(),
    /** ImageService endpoint when it differs from the runtime endpoint. */
    imageEndpoint: z.string().min(1).optional(),
    /** Runtime handler (RuntimeClass) sandboxes are created with; "" is the runtime's default. */
    runtimeHandler: z.string().default(''),
    /** YAML naming test images present in or pullable by the runtime; unset -> the harness's loopback registry. */
    testImages: z.string().min(1).optional(),
    /** The runtime's network honours hostPort mappings on 127.0.0.1 (the embedded reference always does). */
    hostPorts: z.boolean().default(false),
    connectTimeout: duration('cri.connectTimeout').default(10_000),
    /** Upper bound of one RPC (pulls included). */
    rpcTimeout: duration('cri.rpcTimeout').default(60_000),
    /** Embedded reference only, for conformal's own tests: inject a named fault. */
    referenceFault: z.enum(Object.keys(CRI_FAULTS) as [string, ...string[]]).optional(),
  })
  .strict();

export type CriOptions = z.output<typeof criOptionsSchema>;

const checkedFault = (value: string) => {
  if (!(value in CRI_FAULTS)) throw new UsageError(`--reference-fault must be one of ${Object.keys(CRI_FAULTS).join(', ')}, got "${value}"`, { field: '--reference-fault' });
  return value;
};

export const criFlags: readonly FlagSpec[] = [
  { flags: '--runtime-endpoint <url>', key: 'runtimeEndpoint', description: 'CRI runtime endpoint (unix:///run/containerd/containerd.sock); unset: embedded reference runtime' },
  { flags: '--image-endpoint <url>', key: 'imageEndpoint', description: 'CRI image endpoint when it differs from --runtime-endpoint' },
  { flags: '--runtime-handler <name>', key: 'runtimeHandler', description: 'runtime handler (RuntimeClass handler) for test sandboxes (runtime default)' },
  { flags: '--test-images <file>', key: 'testImages', description: 'YAML naming test images the runtime already has or can pull (default: built and served on a loopback registry)' },
  { flags: '--host-ports', key: 'hostPorts', description: 'the runtime maps hostPort on 127.0.0.1 (needs a CNI portmap setup); enables the port mapping test' },
  { flags: '--connect-timeout <duration>', key: 'connectTimeout', description: 'how long to wait for the runtime to accept connections (10s)', parse: checkedDurationFlag('--connect-timeout') },
  { flags: '--rpc-timeout <duration>', key: 'rpcTimeout', description: 'upper bound of one RPC, image pulls included (60s)', parse: checkedDurationFlag('--rpc-timeout') },
  { flags: '--reference-fault <name>', hidden: true, key: 'referenceFault', description: "embedded reference only, for conformal's own tests: inject a named fault", parse: checkedFault },
];

/** `--registry-mirror gcr.io=127.0.0.1:5000` (or =unix:///path.sock): pulls of images named gcr.io/… go to that registry. */
export function parseRegistryMirror(value: string, previous: unknown): Record<string, string> {
  const match = /^([^=\s/]+)=([^=\s/]+|unix:\/\/\/[^=\s]+)$/.exec(value);
  if (!match) throw new UsageError(`--registry-mirror takes REGISTRY=HOST:PORT or REGISTRY=unix:///PATH (e.g. gcr.io=127.0.0.1:5000), got "${value}"`, { field: '--registry-mirror' });
  return { ...((previous as Record<string, string> | undefined) ?? {}), [match[1]!]: match[2]! };
}

/** `conformal reference cri`: what the served runtime does. */
export const criReferenceFlags: readonly FlagSpec[] = [
  describedFlag(criFlags, '--reference-fault', "serve a fault-injected variant of the runtime (for conformal's own tests)"),
  {
    flags: '--registry-mirror <registry=host:port>',
    key: 'registryMirrors',
    description: 'pull images named REGISTRY/… from HOST:PORT or unix:///PATH instead (plain HTTP), keeping their names; repeatable',
    parse: parseRegistryMirror,
  },
  {
    flags: '--cni-conf-dir <dir>',
    key: 'cniConfDir',
    description: 'give pods a network namespace of their own and run the first CNI network configuration of DIR in it, as containerd does (root; default: a loopback address per pod)',
  },
  { flags: '--cni-bin-dir <dir>', key: 'cniBinDir', description: 'where the CNI plugins of --cni-conf-dir are (/opt/cni/bin)' },
];
