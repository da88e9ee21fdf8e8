// Resolves what the run talks to: the embedded reference (a CNI_PATH directory holding links to
// the shipped executables and a generated config) or the user's plugin/config, with CNI_PATH and
// capability args.
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, HarnessError, UsageError } from '../../core/errors.js';
import { packagePath } from '../../core/paths.js';
import { FAULT_FILE } from '../../reference/cni/skel.js';
import { parseNetworkConfig, type JsonObject, type NetworkList } from './runtime/config.js';
import type { CniOptions } from './options.js';
import { RESIDENT_LAUNCHER, residentWanted } from './resident.js';

export interface ResolvedTarget {
  readonly network: NetworkList;
  readonly cniPath: readonly string[];
  readonly capabilityArgs?: JsonObject;
  readonly embedded: boolean;
  /** Where the config came from, for the report. */
  readonly source: string;
  /** The embedded reference's directory, when its plugins are served by resident workers (resident.ts). */
  readonly residentDir?: string;
}

export const REFERENCE_TYPE = 'conformal-ref';
export const REFERENCE_IPAM_TYPE = 'conformal-ref-ipam';
export const REFERENCE_META_TYPE = 'conformal-ref-meta';

/**
 * The reference executables: each launcher (script) starts its plugin's bundle,
 * dist/cni-ref/<type>.cjs, which scripts/bundle-cni-ref.mjs builds from the compiled entry point.
 */
export const REFERENCE_EXECUTABLES = [
  { type: REFERENCE_TYPE, script: 'bin/conformal-cni-ref.cjs', entry: 'main-plugin.js' },
  { type: REFERENCE_IPAM_TYPE, script: 'bin/conformal-cni-ref-ipam.cjs', entry: 'main-ipam.js' },
  { type: REFERENCE_META_TYPE, script: 'bin/conformal-cni-ref-meta.cjs', entry: 'main-meta.js' },
] as const;

/** The bundle a reference launcher loads. */
export const referenceBundle = (type: string): string => packagePath('dist/cni-ref', `${type}.cjs`);
/** What the launchers load it with (src/reference/cni/launch.ts, bundled). */
export const REFERENCE_LAUNCH = packagePath('dist/cni-ref', 'launch.cjs');
/** A field the reference plugin rejects with code 2 (its modes are "veth" and "bridge"). */
export const REFERENCE_UNSUPPORTED_FIELD = { key: 'mode', value: 'macvtap' } as const;
/** Benchmarking (RFC 2544) and unique-local ranges: never routed, used only inside test namespaces. */
export const REFERENCE_RANGES = [
  { subnet: '198.18.0.0/24', gateway: '198.18.0.1' },
  { subnet: 'fd00:c0f:1::/64', gateway: 'fd00:c0f:1::1' },
] as const;

/** The embedded reference's CNI_PATH directory in a run's work directory. */
export const referenceBinDir = (workDir: string): string => join(workDir, 'cni-bin');

/**
 * The embedded reference: links in a fresh CNI_PATH directory and its conflist; `chain` appends
 * the chained plugin (conformal-ref-meta) so chaining is exercised too. The links lead to the
 * Node launchers, or with `resident` to the launcher of the resident reference (resident.ts).
 */
export function embeddedReferenceConfig(workDir: string, fault: string | undefined, chain = false, resident = false): { config: JsonObject; cniPath: string } {
  const binDir = referenceBinDir(workDir);
  mkdirSync(binDir, { recursive: true });
  for (const { type, script } of REFERENCE_EXECUTABLES) {
    const built = referenceBundle(type);
    if (!existsSync(built)) throw new HarnessError(`the reference CNI plugin is not built (${built} missing); run \`npm run build\``);
    const link = join(binDir, type);
    if (!existsSync(link)) symlinkSync(resident ? RESIDENT_LAUNCHER : packagePath(script), link);
  }
  const faultFile = join(binDir, FAULT_FILE);
  if (fault) writeFileSync(faultFile, fault);
  else rmSync(faultFile, { force: true });
  const config: JsonObject = {
    cniVersion: '1.1.0',
    name: 'conformal-ref',
    plugins: [
      {
        type: REFERENCE_TYPE,
        dataDir: join(workDir, 'ref-state'),
        capabilities: { ips: true },
        ipam: {
          type: REFERENCE_IPAM_TYPE,
          dataDir: join(workDir, 'ref-ipam'),
          ranges: REFERENCE_RANGES,
          routes: [{ dst: '198.19.0.0/16', gw: '198.18.0.1' }],
        },
      },
      ...(chain ? [{ type: REFERENCE_META_TYPE, dns: { nameservers: ['198.18.0.53'], search: ['conformal.test'] } }] : []),
    ],
  };
  return { config, cniPath: binDir };
}

function readJsonFile(file: string, field: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${field} ${file}: ${(error as Error).message}`, { field, cause: error });
  }
}

function readCapabilityArgs(options: CniOptions): JsonObject | undefined {
  if (!options.capabilityArgs) return undefined;
  const value = readJsonFile(options.capabilityArgs, '--capability-args');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`--capability-args ${options.capabilityArgs} must hold a JSON object`, { field: '--capability-args' });
  return value as JsonObject;
}

/** No --plugin and no --net-config: the run uses the embedded reference plugin. */
export function isEmbeddedTarget(options: Pick<CniOptions, 'plugin' | 'netConfig'>): boolean {
  return !options.plugin && !options.netConfig;
}

/** The user's plugin or network config; UsageError/ConfigError naming the flag for anything unusable. */
function userTarget(options: CniOptions): ResolvedTarget {
  const cniPath = options.cniPath.map((dir) => resolve(dir));
  const capabilityArgs = readCapabilityArgs(options);
  for (const [flag, set] of [['--reference-fault', options.referenceFault], ['--reference-chain', options.referenceChain], ['--simulated-netns', options.simulatedNetns]] as const) {
    if (set) throw new UsageError(`${flag} applies only to the embedded reference (no --plugin/--net-config)`, { field: flag });
  }
  if (options.plugin) {
    const plugin = resolve(options.plugin);
    if (!existsSync(plugin)) throw new UsageError(`--plugin ${options.plugin} does not exist`, { field: '--plugin' });
    cniPath.unshift(dirname(plugin));
  }
  if (cniPath.length === 0) throw new UsageError('--cni-path is required with --net-config (where are the plugin binaries?)', { field: '--cni-path' });
  if (options.netConfig) {
    let text: string;
    try {
      text = readFileSync(options.netConfig, 'utf8');
    } catch (error) {
      throw new ConfigError(`--net-config ${options.netConfig}: ${(error as Error).message}`, { field: '--net-config', cause: error });
    }
    return { network: parseNetworkConfig(text, options.netConfig), cniPath, capabilityArgs, embedded: false, source: options.netConfig };
  }
  // --plugin alone: the smallest config naming it; the version is settled after VERSION.
  const type = basename(options.plugin!);
  return { network: parseNetworkConfig(JSON.stringify({ cniVersion: '1.1.0', name: 'conformal', type }), `--plugin ${type}`), cniPath, capabilityArgs, embedded: false, source: `--plugin ${options.plugin}` };
}

/** What the CNI options alone can tell, checked before a run writes or starts anything. */
export function validateCniOptions(options: CniOptions): void {
  if (isEmbeddedTarget(options)) readCapabilityArgs(options);
  else userTarget(options);
}

export function resolveTarget(options: CniOptions, workDir: string): ResolvedTarget {
  if (!isEmbeddedTarget(options)) return userTarget(options);
  const resident = residentWanted(referenceBinDir(workDir));
  const reference = embeddedReferenceConfig(workDir, options.referenceFault, options.referenceChain, resident);
  const cniPath = [reference.cniPath, ...options.cniPath.map((dir) => resolve(dir))];
  return {
    network: parseNetworkConfig(JSON.stringify(reference.config), 'embedded reference config'),
    cniPath,
    capabilityArgs: readCapabilityArgs(options),
    embedded: true,
    source: 'embedded reference',
    ...(resident ? { residentDir: reference.cniPath } : {}),
  };
}
