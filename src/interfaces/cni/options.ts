// The `cni:` section of the YAML config and the flags mapped onto it (docs/cni/options.md).
import { z } from 'zod';
import type { FlagSpec } from '../../core/plugin.js';
import { FAULTS } from '../../reference/cni/faults.js';

export const PROFILES = ['strict', 'compatible'] as const;
export type CniProfile = (typeof PROFILES)[number];

export const cniOptionsSchema = z
  .object({
    /** A plugin binary; its directory joins the CNI path. Unset with no netConfig → the embedded reference. */
    plugin: z.string().min(1).optional(),
    /** A single plugin config or a conflist (JSON). Unset with a plugin → a minimal config for that plugin. */
    netConfig: z.string().min(1).optional(),
    /** Directories searched for plugin binaries (CNI_PATH), in order. */
    cniPath: z.union([z.string().min(1), z.array(z.string().min(1))]).transform((v) => (Array.isArray(v) ? v : v.split(':').filter(Boolean))).default([]),
    /** JSON file of capability arguments the runtime offers (portMappings, bandwidth, ips, mac, dns ...). */
    capabilityArgs: z.string().min(1).optional(),
    /** strict follows the spec text; compatible accepts the documented libcni/skel behaviours as warnings. */
    profile: z.enum(PROFILES).default('compatible'),
    /** Upper bound of one plugin execution, milliseconds. */
    pluginTimeoutMs: z.number().int().positive().default(20_000),
    /** Parallel ADDs in the concurrency test. */
    concurrentAdds: z.number().int().min(2).max(32).default(4),
    /** Override: the chain allocates addresses from a pool (default: any ipam.type other than static/dhcp). */
    ipamPool: z.boolean().optional(),
    /**
     * A field and value the first plugin does not support, for the code-2 test (YAML only). The
     * embedded reference uses {key: "mode", value: "macvtap"}.
     */
    unsupportedField: z.object({ key: z.string().min(1), value: z.unknown() }).strict().optional(),
    /** Embedded reference only: run it as a chain (conformal-ref then the chained conformal-ref-meta). */
    referenceChain: z.boolean().default(false),
    /** Embedded reference only: use simulated namespaces (directories) even when real ones are available. */
    simulatedNetns: z.boolean().default(false),
    /** Embedded reference only: run a fault-injected variant (see docs/cni/reference.md). */
    referenceFault: z.enum(Object.keys(FAULTS) as [keyof typeof FAULTS, ...(keyof typeof FAULTS)[]]).optional(),
  })
  .strict();

export type CniOptions = z.infer<typeof cniOptionsSchema>;

const number = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));
const collect = (value: string, previous: unknown) => [...((previous as string[] | undefined) ?? []), ...value.split(':').filter(Boolean)];

export const cniFlags: readonly FlagSpec[] = [
  { flags: '--plugin <path>', key: 'plugin', description: 'CNI plugin binary under test (default: the embedded reference plugin)' },
  { flags: '--net-config <file>', key: 'netConfig', description: 'network config: a single plugin config or a .conflist (JSON)' },
  { flags: '--cni-path <dir>', key: 'cniPath', description: 'directory of plugin binaries (CNI_PATH); repeatable or colon-separated', parse: collect, repeatable: true },
  { flags: '--capability-args <file>', key: 'capabilityArgs', description: 'JSON object of capability args passed as runtimeConfig (portMappings, bandwidth, ips, mac, dns ...)' },
  { flags: '--profile <profile>', key: 'profile', description: 'strict (spec text) or compatible (default; libcni/skel behaviours become warnings)' },
  { flags: '--plugin-timeout-ms <ms>', key: 'pluginTimeoutMs', description: 'deadline of one plugin execution (default 20000)', parse: number },
  { flags: '--reference-chain', key: 'referenceChain', description: 'embedded reference only: a two-plugin chain (interface plugin + chained DNS plugin)' },
  { flags: '--simulated-netns', key: 'simulatedNetns', description: 'embedded reference only: simulated namespaces (directories) instead of `ip netns`' },
  { flags: '--reference-fault <name>', hidden: true, key: 'referenceFault', description: 'embedded reference only: run a fault-injected variant' },
];
