// The `csi:` section of the YAML config and the flags mapped onto it. Keys double as flag
// targets; docs/csi/options.md documents every one.
import { z } from 'zod';
import { describedFlag, type FlagSpec } from '../../core/plugin.js';
import { UsageError } from '../../core/errors.js';
import { KNOWN_CAPABILITIES } from './capabilities.js';
import { ACCESS_MODES, ACCESS_TYPES } from './types.js';
import { parseDuration, parsedField as parsed } from '../../core/settings.js';
import { parseArgvFlag, parseCount, parseKeyValue, parseSize } from './values.js';

/** 1 MiB: never fills a disk (csi-sanity's 10 GiB did), and a whole MiB so block backends that allocate in MiB units round cleanly. */
export const DEFAULT_VOLUME_SIZE = 2 ** 20;

const stringMap = z.record(z.string(), z.string());
const argv = z.array(z.string().min(1)).min(1);
const accessType = z.enum(ACCESS_TYPES);
const topology = z.object({ segments: stringMap });

export const csiOptionsSchema = z
  .object({
    /** Where the driver listens; unset → the embedded reference driver. */
    endpoint: z.string().min(1).optional(),
    /** Controller (and Identity, GroupController, SnapshotMetadata) endpoint when it differs from endpoint. */
    controllerEndpoint: z.string().min(1).optional(),
    /** Node service endpoint when it differs from endpoint. */
    nodeEndpoint: z.string().min(1).optional(),
    connectTimeout: parsed(parseDuration, 'csi.connectTimeout').default(10_000),
    /** Upper bound of a single RPC, below the test's own deadline. */
    rpcTimeout: parsed(parseDuration, 'csi.rpcTimeout').default(10_000),

    /** Parent directory for the per-test temporary target/staging directories (default: the run's work dir). */
    pathBaseDir: z.string().min(1).optional(),
    createTargetPathCmd: argv.optional(),
    createStagingPathCmd: argv.optional(),
    removeTargetPathCmd: argv.optional(),
    removeStagingPathCmd: argv.optional(),
    checkPathCmd: argv.optional(),
    pathCmdTimeout: parsed(parseDuration, 'csi.pathCmdTimeout').default(10_000),

    testVolumeSize: parsed(parseSize, 'csi.testVolumeSize').default(DEFAULT_VOLUME_SIZE),
    /** Size expansion tests grow a volume to; default twice testVolumeSize. */
    testVolumeExpandSize: parsed(parseSize, 'csi.testVolumeExpandSize').optional(),
    /** Access types the driver supports; the first is the one general tests use. Default: mount (embedded reference: both). */
    accessType: z.union([accessType, z.array(accessType).min(1)]).transform((v) => (Array.isArray(v) ? v : [v])).optional(),
    /** Access modes the driver supports. Default: SINGLE_NODE_WRITER (embedded reference: all). */
    accessModes: z.array(z.enum(ACCESS_MODES)).min(1).optional(),
    /** fs_type for mount volumes ("" lets the driver choose). */
    fsType: z.string().default(''),

    volumeParameters: stringMap.default({}),
    volumeParametersFile: z.string().min(1).optional(),
    mutableParameters: stringMap.default({}),
    mutableParametersFile: z.string().min(1).optional(),
    snapshotParameters: stringMap.default({}),
    snapshotParametersFile: z.string().min(1).optional(),
    /** Secrets per RPC (csi-sanity's YAML keys such as CreateVolumeSecret, or RPC names). */
    secrets: z.record(z.string(), stringMap).default({}),
    secretsFile: z.string().min(1).optional(),

    /** Run the node attach limit test (publishes max_volumes_per_node + 1 volumes). */
    testNodeAttachLimit: z.boolean().default(false),
    /** Topology requirement for created volumes; default: the node's own topology when the driver reports one. */
    topologySegments: stringMap.optional(),
    topologyRequirements: z.object({ requisite: z.array(topology).default([]), preferred: z.array(topology).default([]) }).optional(),
    /** Further node ids the controller knows (multi-node publish tests); default none (embedded reference: its second node). */
    otherNodeIds: z.array(z.string().min(1)).default([]),
    /** The driver rejects RPCs that lack the configured secrets (enables the negative secrets tests). */
    secretsRequired: z.boolean().default(false),
    /** How many times idempotency tests repeat a call. */
    idempotentCount: z.number().int().min(2).max(100).default(3),

    /** Embedded reference only: capabilities to remove, e.g. controller.CREATE_DELETE_SNAPSHOT. */
    referenceDisable: z.array(z.string().refine((name) => KNOWN_CAPABILITIES.has(name), { message: 'not a CSI capability name (see conformal list csi)' })).default([]),
    /** Embedded reference only (hidden): run against a fault-injected variant. */
    referenceFault: z.string().min(1).optional(),
  })
  .strict();

export type CsiOptions = z.output<typeof csiOptionsSchema>;
export type CsiOptionsInput = z.input<typeof csiOptionsSchema>;

const kv = (flag: string) => (value: string, previous: unknown) => parseKeyValue(value, previous, flag);
const argvFlag = (flag: string) => (value: string, previous: unknown) => parseArgvFlag(value, previous, flag);
const list = (flag: string, allowed?: readonly string[]) => (value: string, previous: unknown) => {
  if (allowed && !allowed.includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`, { field: flag });
  return [...(Array.isArray(previous) ? previous : []), value];
};
/** Checks the flag's value early (so the error names the flag) and hands the raw string to the schema, which converts it. */
const checked = (parse: (value: string, field: string) => unknown, flag: string) => (value: string) => {
  parse(value, flag);
  return value;
};

export const csiFlags: readonly FlagSpec[] = [
  { flags: '--endpoint <url>', key: 'endpoint', description: 'driver endpoint (unix:///path or host:port); unset: embedded reference driver' },
  { flags: '--controller-endpoint <url>', key: 'controllerEndpoint', description: 'controller service endpoint when split from --endpoint' },
  { flags: '--node-endpoint <url>', key: 'nodeEndpoint', description: 'node service endpoint when split from --endpoint' },
  { flags: '--connect-timeout <duration>', key: 'connectTimeout', description: 'how long to wait for the driver to accept connections (10s)', parse: checked(parseDuration, '--connect-timeout') },
  { flags: '--rpc-timeout <duration>', key: 'rpcTimeout', description: 'upper bound of one RPC (10s)', parse: checked(parseDuration, '--rpc-timeout') },
  { flags: '--path-base-dir <dir>', key: 'pathBaseDir', description: 'parent of the per-test temporary target and staging directories' },
  { flags: '--create-target-path-cmd <arg>', key: 'createTargetPathCmd', repeatable: true, parse: argvFlag('--create-target-path-cmd'), description: 'command creating a target path: JSON array or the flag once per argv element; gets the suggested path as last argument, prints the path' },
  { flags: '--create-staging-path-cmd <arg>', key: 'createStagingPathCmd', repeatable: true, parse: argvFlag('--create-staging-path-cmd'), description: 'command creating a staging path (as --create-target-path-cmd)' },
  { flags: '--remove-target-path-cmd <arg>', key: 'removeTargetPathCmd', repeatable: true, parse: argvFlag('--remove-target-path-cmd'), description: 'command removing a target path; gets the path as last argument' },
  { flags: '--remove-staging-path-cmd <arg>', key: 'removeStagingPathCmd', repeatable: true, parse: argvFlag('--remove-staging-path-cmd'), description: 'command removing a staging path; gets the path as last argument' },
  { flags: '--check-path-cmd <arg>', key: 'checkPathCmd', repeatable: true, parse: argvFlag('--check-path-cmd'), description: 'command printing file, directory, not_found or other for the path given as last argument' },
  { flags: '--path-cmd-timeout <duration>', key: 'pathCmdTimeout', description: 'deadline of each path command (10s)', parse: checked(parseDuration, '--path-cmd-timeout') },
  { flags: '--test-volume-size <size>', key: 'testVolumeSize', description: 'capacity of test volumes (1Mi)', parse: checked(parseSize, '--test-volume-size') },
  { flags: '--test-volume-expand-size <size>', key: 'testVolumeExpandSize', description: 'size expansion tests grow to (twice the volume size)', parse: checked(parseSize, '--test-volume-expand-size') },
  { flags: '--access-type <type>', key: 'accessType', repeatable: true, parse: list('--access-type', ACCESS_TYPES), description: 'mount or block; repeat when the driver supports both (the first is used by general tests)' },
  { flags: '--access-mode <mode>', key: 'accessModes', repeatable: true, parse: list('--access-mode', ACCESS_MODES), description: 'an access mode the driver supports (repeatable), e.g. MULTI_NODE_MULTI_WRITER' },
  { flags: '--fs-type <type>', key: 'fsType', description: 'fs_type of mount volumes (driver default)' },
  { flags: '--volume-parameter <key=value>', key: 'volumeParameters', repeatable: true, parse: kv('--volume-parameter'), description: 'CreateVolume parameter (repeatable)' },
  { flags: '--volume-parameters-file <file>', key: 'volumeParametersFile', description: 'YAML map of CreateVolume parameters' },
  { flags: '--mutable-parameter <key=value>', key: 'mutableParameters', repeatable: true, parse: kv('--mutable-parameter'), description: 'mutable parameter for CreateVolume/ControllerModifyVolume (repeatable)' },
  { flags: '--mutable-parameters-file <file>', key: 'mutableParametersFile', description: 'YAML map of mutable parameters' },
  { flags: '--snapshot-parameter <key=value>', key: 'snapshotParameters', repeatable: true, parse: kv('--snapshot-parameter'), description: 'CreateSnapshot parameter (repeatable)' },
  { flags: '--snapshot-parameters-file <file>', key: 'snapshotParametersFile', description: 'YAML map of CreateSnapshot parameters' },
  { flags: '--secrets-file <file>', key: 'secretsFile', description: 'YAML secrets per RPC (csi-sanity format: CreateVolumeSecret: {key: value}, ...)' },
  { flags: '--topology <key=value>', key: 'topologySegments', repeatable: true, parse: kv('--topology'), description: 'topology segment volumes must be accessible from (repeatable); default: the node\'s topology' },
  { flags: '--test-node-attach-limit', key: 'testNodeAttachLimit', description: 'run the node attach limit test' },
  { flags: '--other-node-id <id>', key: 'otherNodeIds', repeatable: true, parse: list('--other-node-id'), description: 'another node id the controller knows (repeatable): enables multi-node publish tests' },
  { flags: '--secrets-required', key: 'secretsRequired', description: 'the driver rejects calls without the configured secrets: run the negative secrets tests' },
  { flags: '--idempotent-count <n>', key: 'idempotentCount', description: 'repetitions in idempotency tests (3)', parse: (v) => parseCount(v, '--idempotent-count', 2) },
  { flags: '--reference-disable <capability>', key: 'referenceDisable', repeatable: true, parse: list('--reference-disable', [...KNOWN_CAPABILITIES]), description: 'embedded reference only: remove a capability (repeatable), e.g. controller.LIST_VOLUMES' },
  { flags: '--reference-fault <name>', hidden: true, key: 'referenceFault', description: 'embedded reference only, for conformal\'s own tests: inject a named fault' },
];

/** `conformal reference csi`: what the served driver offers. */
export const csiReferenceFlags: readonly FlagSpec[] = [
  describedFlag(csiFlags, '--reference-disable', 'a capability the served driver does not offer (repeatable), e.g. controller.LIST_VOLUMES, expansion.ONLINE'),
  describedFlag(csiFlags, '--reference-fault', 'serve a fault-injected variant of the driver (for conformal\'s own tests)'),
];
