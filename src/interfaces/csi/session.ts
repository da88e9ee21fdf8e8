// open(): start the embedded reference or dial the configured endpoints, wait until they accept
// connections (TargetUnreachableError otherwise), learn the driver once (info, capabilities,
// node info), and build the env every test receives. Also the run's leak check.
import { join } from 'node:path';
import { TargetUnreachableError } from '../../core/errors.js';
import type { OpenContext, Session } from '../../core/plugin.js';
import { parseEndpoint, waitForReady } from '../../transport/grpc.js';
import { AttachSlots } from './attach-slots.js';
import { capabilityAnswerNames, derivedCapabilities, discoverCapabilities } from './capabilities.js';
import { createCsiClients, type CsiClients } from './client.js';
import { CreatedObjects, type CsiEnv } from './env.js';
import type { CsiOptions } from './options.js';
import { TestPaths } from './paths.js';
import { EMBEDDED_SECRETS, startEmbeddedReference, type EmbeddedReference } from './reference.js';
import { resolveCsiOptions, RPCS_WITH_SECRETS, type ResolvedCsiOptions } from './resolve.js';
import type { TopologyRequirement } from './types.js';
import { externalTargets, isEmbedded, validateCsiOptions, type Targets } from './validate.js';

async function connect(clients: CsiClients, targets: Targets, timeoutMs: number): Promise<void> {
  const identity = clients.channels[0]!;
  const node = clients.channels[clients.channels.length - 1]!;
  await waitForReady(identity, targets.controller, timeoutMs);
  if (targets.node !== targets.controller) await waitForReady(node, targets.node, timeoutMs);
}

function topologyFor(options: ResolvedCsiOptions, nodeTopology: Record<string, string> | undefined, enabled: boolean): TopologyRequirement | undefined {
  if (!enabled) return undefined;
  if (options.topologyRequirements) return options.topologyRequirements;
  const segments = options.topologySegments ?? nodeTopology;
  if (!segments || Object.keys(segments).length === 0) return undefined;
  return { requisite: [{ segments }], preferred: [{ segments }] };
}

export async function openCsiSession(raw: CsiOptions, context: OpenContext): Promise<Session<CsiEnv>> {
  validateCsiOptions(raw); // the CLI already did; a programmatic caller gets the same errors
  const embedded = isEmbedded(raw);
  let options = resolveCsiOptions(raw, embedded);

  let reference: EmbeddedReference | undefined;
  let targets: Targets;
  if (embedded) {
    reference = await startEmbeddedReference(join(context.workDir, 'csi-reference.sock'), options);
    targets = { controller: reference.address, node: reference.address, description: 'embedded reference' };
    // The embedded reference demands secrets on every RPC that carries them, so the suite proves it passes them.
    if (Object.keys(options.secretsByRpc).length === 0) {
      options = { ...options, secretsByRpc: Object.fromEntries([...RPCS_WITH_SECRETS].map((rpc) => [rpc, EMBEDDED_SECRETS])) };
    }
  } else {
    targets = externalTargets(options);
  }

  const clients = createCsiClients(parseEndpoint(targets.controller).target, parseEndpoint(targets.node).target);
  try {
    await connect(clients, targets, options.connectTimeout);
    const timeout = options.rpcTimeout;
    const unreachable = (what: string) => (error: unknown) => {
      throw new TargetUnreachableError(targets.description, `${what} failed at ${targets.description}: ${(error as Error).message}`, { cause: error });
    };
    const pluginInfo = await clients.identity.GetPluginInfo({}, context.signal, timeout).catch(unreachable('GetPluginInfo'));
    const discovered = await discoverCapabilities(clients, context.signal, timeout).catch(unreachable('capability discovery'));
    const nodeInfo = await clients.node.NodeGetInfo({}, context.signal, timeout).catch(unreachable('NodeGetInfo'));
    const nodeTopology = nodeInfo.accessibleTopology?.segments;
    const names = new Set([
      ...discovered.names,
      ...derivedCapabilities(discovered.names, options, {
        maxVolumesPerNode: nodeInfo.maxVolumesPerNode,
        hasTopology: !!nodeTopology && Object.keys(nodeTopology).length > 0,
        otherNodes: options.otherNodeIds.length > 0,
        secretsRequired: options.secretsRequired || embedded,
        mutableParameters: Object.keys(options.mutableParameters).length > 0,
        // Paths made by commands live where the driver runs; only a check command can see them.
        pathCheck: !!options.checkPathCmd || (!options.createTargetPathCmd && !options.createStagingPathCmd),
      }),
    ]);
    // Derived capabilities the reference cannot switch off itself are removed here.
    for (const name of options.referenceDisable) names.delete(name);

    const created = new CreatedObjects();
    const env: CsiEnv = {
      clients,
      options,
      pluginInfo,
      nodeInfo,
      capabilityAnswers: discovered.raw,
      paths: new TestPaths({
        baseDir: options.pathBaseDir ?? join(context.workDir, 'csi-paths'),
        createTargetPathCmd: options.createTargetPathCmd,
        createStagingPathCmd: options.createStagingPathCmd,
        removeTargetPathCmd: options.removeTargetPathCmd,
        removeStagingPathCmd: options.removeStagingPathCmd,
        checkPathCmd: options.checkPathCmd,
        timeoutMs: options.pathCmdTimeout,
      }),
      created,
      attachSlots: nodeInfo.maxVolumesPerNode > 0 ? new AttachSlots(nodeInfo.maxVolumesPerNode) : undefined,
      topology: topologyFor(options, nodeTopology, names.has('plugin.VOLUME_ACCESSIBILITY_CONSTRAINTS')),
    };
    context.log.debug(`csi capabilities as answered: ${capabilityAnswerNames(discovered).join(', ')}`);
    return {
      env,
      capabilities: names,
      implementation: {
        name: pluginInfo.name,
        version: pluginInfo.vendorVersion,
        endpoint: targets.description,
        ...(embedded ? { embeddedReference: true } : {}),
        details: { nodeId: nodeInfo.nodeId, ...(raw.referenceFault ? { fault: raw.referenceFault } : {}) },
      },
      leakCheck: (signal) => leakCheck(clients, names, created, options.rpcTimeout, signal, options.secretsByRpc.ListSnapshots ?? {}),
      async close() {
        clients.close();
        await reference?.close();
      },
    };
  } catch (error) {
    clients.close();
    await reference?.close();
    throw error;
  }
}

/** Every id a paged List RPC returns, following next_token (bounded). */
async function listIds(page: (token: string) => Promise<{ ids: string[]; next: string }>): Promise<Set<string>> {
  const ids = new Set<string>();
  let token = '';
  for (let n = 0; n < 10_000; n++) {
    const { ids: found, next } = await page(token);
    for (const id of found) ids.add(id);
    if (!next) break;
    token = next;
  }
  return ids;
}

/** Objects this run created that the driver still lists (or, without List*, that were never deleted). */
export async function leakCheck(
  clients: CsiClients,
  capabilities: ReadonlySet<string>,
  created: CreatedObjects,
  timeoutMs: number,
  signal: AbortSignal,
  /** ListSnapshots carries secrets; a driver that requires them rejects a listing without. */
  listSnapshotsSecrets: Readonly<Record<string, string>> = {},
): Promise<string[]> {
  const leaks: string[] = [];
  // Listable: every id the run ever created that is still listed (a delete answered OK proves nothing).
  // Not listable: only what was never deleted can be named.
  const report = async (kind: string, undeleted: ReadonlySet<string>, ever: ReadonlySet<string>, capability: string, list: () => Promise<Set<string>>) => {
    if (!capabilities.has(capability)) {
      for (const id of undeleted) leaks.push(`${kind} ${id} (not confirmed deleted)`);
      return;
    }
    if (ever.size === 0) return;
    const listed = await list();
    for (const id of ever) if (listed.has(id)) leaks.push(`${kind} ${id}${undeleted.has(id) ? '' : ' (still listed after DeleteVolume/DeleteSnapshot succeeded)'}`);
  };
  await report('volume', created.volumes, created.everVolumes, 'controller.LIST_VOLUMES', () =>
    listIds(async (startingToken) => {
      const r = await clients.controller.ListVolumes({ startingToken }, signal, timeoutMs);
      return { ids: r.entries.flatMap((e) => (e.volume ? [e.volume.volumeId] : [])), next: r.nextToken };
    }));
  await report('snapshot', created.snapshots, created.everSnapshots, 'controller.LIST_SNAPSHOTS', () =>
    listIds(async (startingToken) => {
      const r = await clients.controller.ListSnapshots({ startingToken, secrets: listSnapshotsSecrets }, signal, timeoutMs);
      return { ids: r.entries.flatMap((e) => (e.snapshot ? [e.snapshot.snapshotId] : [])), next: r.nextToken };
    }));
  for (const id of created.groupSnapshots) leaks.push(`group snapshot ${id} (not confirmed deleted)`);
  return leaks;
}
