// Node: NodeGetInfo.
import { CREATE_DELETE, csi, csiTest, spec } from '../define.js';

// Topology key names and values: 63 characters at most, alphanumeric at both ends (spec: Topology).
const TOPOLOGY_NAME = /^(?=.{1,63}$)[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const TOPOLOGY_PREFIX = /^(?=.{1,63}$)[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

export const nodeInfoTests = [
  csiTest({
    id: 'csi.node.get-info.node-id',
    title: 'NodeGetInfo reports a node id of at most 256 bytes',
    spec: spec('NodeGetInfo', 'node_id is REQUIRED and SHALL NOT exceed 256 bytes'),
    profile: 'core',
    operations: ['NodeGetInfo'],
    async run(ctx) {
      const k = csi(ctx);
      const { nodeId } = await k.node.NodeGetInfo({});
      k.assert(nodeId !== '', 'NodeGetInfo: node_id is empty');
      const bytes = Buffer.byteLength(nodeId);
      k.assert(bytes <= 256, `NodeGetInfo: node_id is ${bytes} bytes, more than 256`);
    },
  }),
  csiTest({
    id: 'csi.node.get-info.max-volumes',
    title: 'NodeGetInfo reports a non-negative attach limit',
    spec: spec('NodeGetInfo', 'max_volumes_per_node MUST NOT be negative'),
    profile: 'core',
    operations: ['NodeGetInfo'],
    async run(ctx) {
      const k = csi(ctx);
      const { maxVolumesPerNode } = await k.node.NodeGetInfo({});
      k.assert(maxVolumesPerNode >= 0, `NodeGetInfo: max_volumes_per_node is ${maxVolumesPerNode}`);
    },
  }),
  csiTest({
    id: 'csi.node.get-info.stable',
    title: 'NodeGetInfo answers the same node id every time',
    spec: spec('NodeGetInfo', 'node_id identifies this node in later calls such as ControllerPublishVolume'),
    profile: 'core',
    operations: ['NodeGetInfo'],
    async run(ctx) {
      const k = csi(ctx);
      for (const info of await k.repeat(() => k.node.NodeGetInfo({}))) {
        k.assert(info.nodeId === k.nodeId, `NodeGetInfo: answered ${info.nodeId}, earlier ${k.nodeId}`);
      }
    },
  }),
  csiTest({
    id: 'csi.node.get-info.topology-needs-capability',
    tags: ['Feature:Topology'],
    title: 'A node reporting its topology advertises volume accessibility constraints',
    spec: spec('NodeGetInfo', 'a plugin returning accessible_topology MUST set VOLUME_ACCESSIBILITY_CONSTRAINTS'),
    profile: 'extended',
    requires: ['node.topology'],
    operations: ['NodeGetInfo'],
    async run(ctx) {
      const k = csi(ctx);
      k.assert(k.has('plugin.VOLUME_ACCESSIBILITY_CONSTRAINTS'), 'NodeGetInfo: accessible_topology set but VOLUME_ACCESSIBILITY_CONSTRAINTS not advertised');
    },
  }),
  csiTest({
    id: 'csi.node.get-info.topology-reported',
    title: 'A plugin with volume accessibility constraints says where its node is',
    spec: spec('NodeGetInfo', 'accessible_topology tells the CO where the node is; without it topology-constrained volumes cannot be placed'),
    profile: 'extended',
    requires: ['plugin.VOLUME_ACCESSIBILITY_CONSTRAINTS'],
    tags: ['Feature:Topology'],
    operations: ['NodeGetInfo'],
    async run(ctx) {
      const k = csi(ctx);
      const { accessibleTopology } = await k.node.NodeGetInfo({});
      k.assert(accessibleTopology && Object.keys(accessibleTopology.segments).length > 0,
        'NodeGetInfo: no accessible_topology although VOLUME_ACCESSIBILITY_CONSTRAINTS is advertised');
    },
  }),
  csiTest({
    id: 'csi.node.get-info.topology-format',
    title: 'Topology keys and values the plugin reports follow the spec\'s format',
    spec: spec('CreateVolume', 'Topology: key name and prefix at most 63 characters in their character sets, one prefix, keys unique ignoring case, values at most 63 characters'),
    profile: 'extended',
    requires: [...CREATE_DELETE, 'plugin.VOLUME_ACCESSIBILITY_CONSTRAINTS'],
    tags: ['Feature:Topology'],
    operations: ['NodeGetInfo', 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const { accessibleTopology } = await k.node.NodeGetInfo({});
      const volume = await k.createVolume();
      const reported = [
        ...(accessibleTopology ? [{ where: 'NodeGetInfo', segments: accessibleTopology.segments }] : []),
        ...volume.accessibleTopology.map((t) => ({ where: 'CreateVolume', segments: t.segments })),
      ];
      const prefixes = new Set<string>();
      for (const { where, segments } of reported) {
        const lower = Object.keys(segments).map((key) => key.toLowerCase());
        k.assert(new Set(lower).size === lower.length, `${where}: topology keys [${Object.keys(segments).join(', ')}] repeat when case is ignored`);
        for (const [key, value] of Object.entries(segments)) {
          const slash = key.lastIndexOf('/');
          const prefix = slash < 0 ? undefined : key.slice(0, slash);
          const name = key.slice(slash + 1);
          k.assert(TOPOLOGY_NAME.test(name), `${where}: topology key "${key}": the name is not 1-63 alphanumerics with -, _ or . between`);
          k.assert(prefix === undefined || TOPOLOGY_PREFIX.test(prefix), `${where}: topology key "${key}": the prefix is not 1-63 lower-case alphanumerics with - or . between`);
          if (prefix !== undefined) prefixes.add(prefix);
          k.assert(TOPOLOGY_NAME.test(value), `${where}: topology value "${value}" of "${key}" is not 1-63 alphanumerics with -, _ or . between`);
        }
      }
      k.assert(prefixes.size <= 1, `topology keys use several prefixes: ${[...prefixes].join(', ')}`);
    },
  }),
];
