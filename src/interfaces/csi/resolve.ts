// Turns validated options into what a run uses: parameter and secret files read, sizes and
// defaults filled in. Bad files raise ConfigError naming the option.
import { readFileSync } from 'node:fs';
import { parseYaml } from '../../core/yaml.js';
import { ConfigError } from '../../core/errors.js';
import { CSI_RPCS } from './client.js';
import type { CsiOptions } from './options.js';
import type { AccessModeName, AccessType, StringMap } from './types.js';
import { ACCESS_MODES } from './types.js';
import { EMBEDDED_MUTABLE_PARAMETERS, EMBEDDED_OTHER_NODE } from './reference.js';

/** RPCs whose requests carry a secrets field. */
export const RPCS_WITH_SECRETS: ReadonlySet<string> = new Set([
  'CreateVolume', 'DeleteVolume', 'ControllerPublishVolume', 'ControllerUnpublishVolume', 'ValidateVolumeCapabilities',
  'CreateSnapshot', 'DeleteSnapshot', 'ListSnapshots', 'GetSnapshot', 'ControllerExpandVolume', 'ControllerModifyVolume',
  'CreateVolumeGroupSnapshot', 'DeleteVolumeGroupSnapshot', 'GetVolumeGroupSnapshot', 'GetMetadataAllocated', 'GetMetadataDelta',
  'NodeStageVolume', 'NodePublishVolume', 'NodeExpandVolume',
]);

/** csi-sanity's secret file keys that are not simply `<RPC>Secret`. */
const SANITY_ALIASES: Record<string, string> = { ControllerValidateVolumeCapabilities: 'ValidateVolumeCapabilities' };

export interface ResolvedCsiOptions extends Omit<CsiOptions, 'accessModes'> {
  readonly expandSize: number;
  readonly accessTypes: readonly AccessType[];
  readonly accessModes: readonly AccessModeName[];
  /** Secrets keyed by RPC name. */
  readonly secretsByRpc: Readonly<Record<string, StringMap>>;
}

function readStringMap(path: string, field: string): StringMap {
  let value: unknown;
  try {
    value = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${field}: cannot read ${path}: ${(error as Error).message}`, { field, cause: error });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${field}: ${path} must hold a YAML map`, { field });
  const out: StringMap = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'object' && v !== null) throw new ConfigError(`${field}: value of "${k}" in ${path} must be a string`, { field });
    out[k] = String(v);
  }
  return out;
}

function readSecretsFile(path: string): Record<string, StringMap> {
  let value: unknown;
  try {
    value = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`csi.secretsFile: cannot read ${path}: ${(error as Error).message}`, { field: 'csi.secretsFile', cause: error });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`csi.secretsFile: ${path} must hold a map of RPC to secrets`, { field: 'csi.secretsFile' });
  const out: Record<string, StringMap> = {};
  for (const [key, secrets] of Object.entries(value)) {
    if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) {
      throw new ConfigError(`csi.secretsFile: "${key}" must map secret names to values`, { field: `csi.secretsFile.${key}` });
    }
    out[key] = Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, String(v)]));
  }
  return out;
}

/** "CreateVolumeSecret" or "CreateVolume" → "CreateVolume"; unknown names are a ConfigError. */
export function secretsRpcName(key: string, field: string): string {
  const bare = key.endsWith('Secret') ? key.slice(0, -'Secret'.length) : key;
  const rpc = SANITY_ALIASES[bare] ?? bare;
  if (!RPCS_WITH_SECRETS.has(rpc)) {
    const known = Object.values(CSI_RPCS).flat().includes(rpc);
    throw new ConfigError(`${field}: ${known ? `${rpc} takes no secrets` : `"${key}" names no CSI RPC`}`, { field });
  }
  return rpc;
}

export function resolveCsiOptions(options: CsiOptions, embedded: boolean): ResolvedCsiOptions {
  const fromFile = (map: StringMap, file: string | undefined, field: string) => (file ? { ...readStringMap(file, field), ...map } : map);
  const secretsByRpc: Record<string, StringMap> = {};
  const allSecrets = { ...(options.secretsFile ? readSecretsFile(options.secretsFile) : {}), ...options.secrets };
  for (const [key, secrets] of Object.entries(allSecrets)) secretsByRpc[secretsRpcName(key, `csi.secrets.${key}`)] = secrets;
  const expandSize = options.testVolumeExpandSize ?? options.testVolumeSize * 2;
  if (expandSize <= options.testVolumeSize) {
    throw new ConfigError(`csi.testVolumeExpandSize (${expandSize}) must be larger than csi.testVolumeSize (${options.testVolumeSize})`, { field: 'csi.testVolumeExpandSize' });
  }
  return {
    ...options,
    volumeParameters: fromFile(options.volumeParameters, options.volumeParametersFile, 'csi.volumeParametersFile'),
    mutableParameters: fromFile(options.mutableParameters, options.mutableParametersFile, 'csi.mutableParametersFile'),
    snapshotParameters: fromFile(options.snapshotParameters, options.snapshotParametersFile, 'csi.snapshotParametersFile'),
    expandSize,
    // The embedded reference attaches at most 32 volumes per node: cheap enough to always test the limit.
    testNodeAttachLimit: options.testNodeAttachLimit || embedded,
    accessTypes: options.accessType ?? (embedded ? ['mount', 'block'] : ['mount']),
    accessModes: options.accessModes ?? (embedded ? [...ACCESS_MODES] : ['SINGLE_NODE_WRITER']),
    // The embedded reference knows a second node and accepts these mutable parameters.
    otherNodeIds: options.otherNodeIds.length > 0 || !embedded ? options.otherNodeIds : [EMBEDDED_OTHER_NODE],
    ...(embedded && Object.keys(options.mutableParameters).length === 0 && !options.mutableParametersFile ? { mutableParameters: { ...EMBEDDED_MUTABLE_PARAMETERS } } : {}),
    secretsByRpc,
  };
}
