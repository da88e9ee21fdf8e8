// Network configurations as the runtime reads them: a single plugin config or a conflist, both
// normalised to a list; version selection; and the per-plugin request the runtime derives
// (name, cniVersion, runtimeConfig for declared capabilities, prevResult; never `capabilities`).
import { ConfigError } from '../../../core/errors.js';
import { compareVersions, isSpecVersion, LATEST_VERSION } from '../versions.js';

export type JsonObject = Record<string, unknown>;

export interface NetworkList {
  readonly name: string;
  /** The version the runtime chose (highest of cniVersion + cniVersions it knows). */
  readonly cniVersion: string;
  readonly disableCheck: boolean;
  readonly disableGC: boolean;
  /** Plugin objects exactly as written (unknown keys kept). */
  readonly plugins: readonly JsonObject[];
  /** True when the file was a single plugin config rather than a list. */
  readonly single: boolean;
}

export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Highest version among `cniVersion` and `cniVersions` that this runtime knows; entries above the
 * newest spec we implement are dropped, as libcni does. Undefined when none is usable.
 */
export function selectVersion(cniVersion: unknown, cniVersions: unknown): string | undefined {
  const candidates = [cniVersion, ...(Array.isArray(cniVersions) ? cniVersions : [])].filter(
    (v): v is string => typeof v === 'string' && isSpecVersion(v) && compareVersions(v, LATEST_VERSION) <= 0,
  );
  return candidates.sort(compareVersions).at(-1);
}

/** Parses a config file's text; `source` names it in errors. */
export function parseNetworkConfig(text: string, source: string): NetworkList {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source} is not JSON: ${(error as Error).message}`, { field: source, cause: error });
  }
  if (!isObject(raw)) throw new ConfigError(`${source} must hold a JSON object`, { field: source });
  const name = raw.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new ConfigError(`${source}: "name" must match ${NAME_PATTERN.source}, got ${JSON.stringify(name)}`, { field: `${source}: name` });
  }
  const version = selectVersion(raw.cniVersion, raw.cniVersions);
  if (!version) {
    throw new ConfigError(`${source}: no supported version in cniVersion/cniVersions (${JSON.stringify(raw.cniVersion)}); known up to ${LATEST_VERSION}`, {
      field: `${source}: cniVersion`,
    });
  }
  const single = raw.plugins === undefined;
  const plugins = single ? [withoutKeys(raw, ['cniVersion', 'cniVersions', 'name', 'disableCheck', 'disableGC'])] : raw.plugins;
  if (!Array.isArray(plugins) || plugins.length === 0) throw new ConfigError(`${source}: "plugins" must be a non-empty list`, { field: `${source}: plugins` });
  plugins.forEach((plugin, index) => {
    if (!isObject(plugin) || typeof plugin.type !== 'string' || plugin.type === '' || /[/\\]/.test(plugin.type)) {
      throw new ConfigError(`${source}: plugins[${index}].type must be a binary name without / or \\`, { field: `${source}: plugins[${index}].type` });
    }
  });
  return {
    name,
    cniVersion: version,
    disableCheck: raw.disableCheck === true || raw.disableCheck === 'true',
    disableGC: raw.disableGC === true || raw.disableGC === 'true',
    plugins: plugins as JsonObject[],
    single,
  };
}

function withoutKeys(object: JsonObject, keys: readonly string[]): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
}

export interface RequestInputs {
  /** Version to put in the request (normally the list's). */
  readonly cniVersion: string;
  /** Capability arguments the runtime offers (portMappings, bandwidth, ips, mac, dns ...). */
  readonly capabilityArgs?: Readonly<JsonObject>;
  readonly prevResult?: unknown;
  /** Extra top-level keys (GC's valid-attachments). */
  readonly extra?: Readonly<JsonObject>;
}

/** Capabilities a plugin object declares as enabled. */
export function declaredCapabilities(plugin: JsonObject): string[] {
  const caps = plugin.capabilities;
  if (!isObject(caps)) return [];
  return Object.entries(caps)
    .filter(([, enabled]) => enabled === true)
    .map(([name]) => name);
}

/** The stdin object for plugin `index` of `list`. */
export function derivePluginRequest(list: NetworkList, index: number, inputs: RequestInputs): JsonObject {
  const plugin = list.plugins[index];
  if (!plugin) throw new RangeError(`network ${list.name} has no plugin #${index}`);
  const request: JsonObject = { cniVersion: inputs.cniVersion, name: list.name, ...withoutKeys(plugin, ['capabilities', 'runtimeConfig', 'cniVersion', 'name']) };
  // Intersection: only what the plugin declares AND the runtime provides.
  const runtimeConfig = Object.fromEntries(
    declaredCapabilities(plugin)
      .filter((cap) => inputs.capabilityArgs && Object.hasOwn(inputs.capabilityArgs, cap))
      .map((cap) => [cap, inputs.capabilityArgs![cap]]),
  );
  if (Object.keys(runtimeConfig).length > 0) request.runtimeConfig = runtimeConfig;
  if (inputs.prevResult !== undefined) request.prevResult = inputs.prevResult;
  return { ...request, ...inputs.extra };
}
