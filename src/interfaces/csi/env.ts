// What every CSI test receives as ctx.env: the typed clients, the resolved options, what the
// driver said about itself (once per run), the path provider and the record of created objects.
import type { AttachSlots } from './attach-slots.js';
import type { CsiClients } from './client.js';
import type { DiscoveredCapabilities } from './capabilities.js';
import type { TestPaths } from './paths.js';
import type { ResolvedCsiOptions } from './resolve.js';
import type { GetPluginInfoResponse, NodeGetInfoResponse, TopologyRequirement } from './types.js';

/** Ids this run created and has not yet seen deleted: the leak check looks for these. */
export class CreatedObjects {
  /** Created and not yet deleted (by cleanup or by a test). */
  readonly volumes = new Set<string>();
  readonly snapshots = new Set<string>();
  readonly groupSnapshots = new Set<string>();
  /**
   * Everything the run created, deleted or not: a driver that answers DeleteVolume OK yet keeps
   * listing the volume leaks it, and only the listing can show that.
   */
  readonly everVolumes = new Set<string>();
  readonly everSnapshots = new Set<string>();
}

export interface CsiEnv {
  readonly clients: CsiClients;
  readonly options: ResolvedCsiOptions;
  readonly pluginInfo: GetPluginInfoResponse;
  readonly nodeInfo: NodeGetInfoResponse;
  /** The capability answers as the driver gave them (the capability tests inspect them). */
  readonly capabilityAnswers: DiscoveredCapabilities['raw'];
  readonly paths: TestPaths;
  readonly created: CreatedObjects;
  /** Set when the node has an attach limit: tests hold a slot per volume they attach to it. */
  readonly attachSlots: AttachSlots | undefined;
  /** Accessibility requirement put on created volumes (option topologySegments, else the node's topology). */
  readonly topology: TopologyRequirement | undefined;
}
