// Identity: GetPluginCapabilities and Probe.
import { csi, csiTest, spec } from '../define.js';

const SERVICE_TYPES = new Set(['CONTROLLER_SERVICE', 'VOLUME_ACCESSIBILITY_CONSTRAINTS', 'GROUP_CONTROLLER_SERVICE', 'SNAPSHOT_METADATA_SERVICE']);
const EXPANSION_TYPES = new Set(['ONLINE', 'OFFLINE']);

export const pluginCapabilityTests = [
  csiTest({
    id: 'csi.identity.get-plugin-capabilities.known-types',
    title: 'GetPluginCapabilities lists only defined service and expansion types, each once',
    spec: spec('GetPluginCapabilities', 'capabilities are PluginCapability values of the defined types'),
    profile: 'core',
    operations: ['GetPluginCapabilities'],
    async run(ctx) {
      const k = csi(ctx);
      const { capabilities } = await k.identity.GetPluginCapabilities({});
      const seen = new Set<string>();
      let expansions = 0;
      for (const cap of capabilities) {
        const name = cap.service ? `service ${cap.service.type}` : cap.volumeExpansion ? `expansion ${cap.volumeExpansion.type}` : 'empty capability';
        k.assert(cap.service ? SERVICE_TYPES.has(cap.service.type) : cap.volumeExpansion ? EXPANSION_TYPES.has(cap.volumeExpansion.type) : false,
          `GetPluginCapabilities: ${name} is not a defined type`);
        k.assert(!seen.has(name), `GetPluginCapabilities: ${name} is listed twice`);
        seen.add(name);
        if (cap.volumeExpansion) expansions++;
      }
      k.assert(expansions <= 1, `GetPluginCapabilities: ${expansions} volume expansion types; ONLINE and OFFLINE exclude each other`);
    },
  }),
  csiTest({
    id: 'csi.identity.get-plugin-capabilities.stable',
    title: 'GetPluginCapabilities answers the same set every time',
    spec: spec('GetPluginCapabilities', 'capabilities are fixed for the life of the plugin'),
    profile: 'core',
    operations: ['GetPluginCapabilities'],
    async run(ctx) {
      const k = csi(ctx);
      const key = (caps: typeof k.env.capabilityAnswers.plugin.capabilities) =>
        caps.map((c) => c.service?.type ?? `expansion:${c.volumeExpansion?.type}`).sort().join(',');
      const first = key(k.env.capabilityAnswers.plugin.capabilities);
      for (const answer of await k.repeat(() => k.identity.GetPluginCapabilities({}))) {
        const now = key(answer.capabilities);
        k.assert(now === first, `GetPluginCapabilities: answered [${now}], earlier [${first}]`);
      }
    },
  }),
  csiTest({
    id: 'csi.identity.get-plugin-capabilities.expansion-needs-rpc',
    title: 'A plugin that advertises ONLINE or OFFLINE volume expansion also advertises an EXPAND_VOLUME capability',
    spec: spec('GetPluginCapabilities', 'VolumeExpansion ONLINE: MUST implement the controller or node EXPAND_VOLUME capability; OFFLINE: MUST implement the controller one'),
    profile: 'extended',
    tags: ['Feature:Expansion'],
    requiresAny: ['expansion.ONLINE', 'expansion.OFFLINE'],
    operations: ['GetPluginCapabilities', 'ControllerGetCapabilities', 'NodeGetCapabilities'],
    async run(ctx) {
      const k = csi(ctx);
      // Without it a CO sees expansion promised and no RPC to perform it.
      if (k.has('expansion.OFFLINE')) {
        k.assert(k.has('controller.EXPAND_VOLUME'), 'GetPluginCapabilities: OFFLINE volume expansion without the controller EXPAND_VOLUME capability');
      } else {
        k.assert(k.has('controller.EXPAND_VOLUME') || k.has('node.EXPAND_VOLUME'),
          'GetPluginCapabilities: ONLINE volume expansion without a controller or node EXPAND_VOLUME capability');
      }
    },
  }),
  csiTest({
    id: 'csi.identity.probe.healthy',
    title: 'Probe of a serving plugin succeeds and does not report it unready',
    spec: spec('Probe', 'a healthy plugin answers OK; ready is true or unset once it serves requests'),
    profile: 'core',
    operations: ['Probe'],
    async run(ctx) {
      const k = csi(ctx);
      const { ready } = await k.identity.Probe({});
      k.assert(ready === null || ready.value === true, 'Probe: ready is false although the plugin already serves requests');
    },
  }),
  csiTest({
    id: 'csi.identity.probe.repeatable',
    title: 'Probe can be called repeatedly',
    spec: spec('Probe', 'the CO MAY call Probe at any time'),
    profile: 'core',
    operations: ['Probe'],
    async run(ctx) {
      const k = csi(ctx);
      await k.repeat(() => k.identity.Probe({}));
    },
  }),
];
