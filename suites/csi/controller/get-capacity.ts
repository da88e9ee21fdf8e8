// Controller: GetCapacity.
import { CREATE_DELETE, csi, csiTest, spec } from '../define.js';

const RPC = 'GetCapacity';
const CAPACITY = [...CREATE_DELETE, 'controller.GET_CAPACITY'] as const;

export const getCapacityTests = [
  csiTest({
    id: 'csi.controller.get-capacity.basic',
    tags: ['Feature:GetCapacity'],
    title: 'GetCapacity reports a non-negative available capacity',
    spec: spec(RPC, 'available_capacity MUST NOT be negative'),
    profile: 'extended',
    requires: CAPACITY,
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      const { availableCapacity, maximumVolumeSize, minimumVolumeSize } = await k.controller.GetCapacity({});
      k.assert(availableCapacity >= 0, `GetCapacity: available_capacity ${availableCapacity}`);
      if (maximumVolumeSize && minimumVolumeSize) {
        k.assert(minimumVolumeSize.value <= maximumVolumeSize.value, `GetCapacity: minimum_volume_size ${minimumVolumeSize.value} above maximum_volume_size ${maximumVolumeSize.value}`);
      }
    },
  }),
  csiTest({
    id: 'csi.controller.get-capacity.with-capability',
    tags: ['Feature:GetCapacity'],
    title: 'GetCapacity answers for the test volume capability and parameters',
    spec: spec(RPC, 'volume_capabilities and parameters narrow the question'),
    profile: 'extended',
    requires: CAPACITY,
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      const { availableCapacity } = await k.controller.GetCapacity({ volumeCapabilities: [k.capability()], parameters: k.options.volumeParameters });
      k.assert(availableCapacity >= 0, `GetCapacity: available_capacity ${availableCapacity}`);
    },
  }),
  csiTest({
    id: 'csi.controller.get-capacity.topology',
    title: 'GetCapacity for the node topology is at most the capacity of all topologies together',
    spec: spec(RPC, 'accessible_topology limits the answer to that topology'),
    profile: 'extended',
    requires: [...CAPACITY, 'plugin.VOLUME_ACCESSIBILITY_CONSTRAINTS', 'node.topology'],
    tags: ['Feature:Topology'],
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      const all = await k.controller.GetCapacity({});
      const here = await k.controller.GetCapacity({ accessibleTopology: k.env.nodeInfo.accessibleTopology! });
      k.assert(here.availableCapacity >= 0, `GetCapacity: available_capacity ${here.availableCapacity}`);
      k.assert(here.availableCapacity <= all.availableCapacity, `GetCapacity: ${here.availableCapacity} bytes in the node's topology, more than ${all.availableCapacity} overall`);
    },
  }),
  csiTest({
    id: 'csi.controller.get-capacity.unknown-topology',
    title: 'GetCapacity for a topology nobody is in reports nothing available',
    spec: spec(RPC, 'available_capacity is the capacity usable in the given accessible_topology'),
    profile: 'extended',
    requires: [...CAPACITY, 'plugin.VOLUME_ACCESSIBILITY_CONSTRAINTS', 'node.topology'],
    tags: ['Feature:Topology'],
    operations: [RPC],
    async run(ctx) {
      const k = csi(ctx);
      const segments = Object.fromEntries(Object.keys(k.env.nodeInfo.accessibleTopology!.segments).map((key) => [key, 'conformal-nowhere']));
      try {
        const { availableCapacity } = await k.controller.GetCapacity({ accessibleTopology: { segments } });
        k.assert(availableCapacity === 0, `GetCapacity: ${availableCapacity} bytes available in a topology no node has`);
      } catch (error) {
        if ((error as { grpcCode?: string }).grpcCode !== 'INVALID_ARGUMENT') throw error;
      }
    },
  }),
  csiTest({
    id: 'csi.controller.get-capacity.maximum-enforced',
    tags: ['Feature:GetCapacity'],
    title: 'CreateVolume above the maximum volume size GetCapacity reports is refused as out of range',
    spec: spec(RPC, 'maximum_volume_size: the largest size CreateVolume accepts'),
    profile: 'extended',
    requires: CAPACITY,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const { maximumVolumeSize } = await k.controller.GetCapacity({ volumeCapabilities: [k.capability()], parameters: k.options.volumeParameters });
      if (!maximumVolumeSize) return ctx.notSupported('GetCapacity reports no maximum_volume_size');
      const tooBig = maximumVolumeSize.value + 2 ** 20;
      await k.expectGrpcError(k.controller.CreateVolume(k.volumeRequest({ capacityRange: { requiredBytes: tooBig } })), 'OUT_OF_RANGE', `CreateVolume of ${tooBig} bytes (maximum ${maximumVolumeSize.value})`);
    },
  }),
  csiTest({
    id: 'csi.controller.get-capacity.minimum-enforced',
    tags: ['Feature:GetCapacity'],
    title: 'CreateVolume limited below the minimum volume size GetCapacity reports is refused as out of range',
    spec: spec(RPC, 'minimum_volume_size: the smallest size CreateVolume accepts'),
    profile: 'extended',
    requires: CAPACITY,
    operations: [RPC, 'CreateVolume'],
    async run(ctx) {
      const k = csi(ctx);
      const { minimumVolumeSize } = await k.controller.GetCapacity({ volumeCapabilities: [k.capability()], parameters: k.options.volumeParameters });
      if (!minimumVolumeSize || minimumVolumeSize.value <= 1) return ctx.notSupported('GetCapacity reports no minimum_volume_size above 1 byte');
      const limit = minimumVolumeSize.value - 1;
      await k.expectGrpcError(k.controller.CreateVolume(k.volumeRequest({ capacityRange: { requiredBytes: 1, limitBytes: limit } })), 'OUT_OF_RANGE', `CreateVolume with limit_bytes ${limit} (minimum ${minimumVolumeSize.value})`);
    },
  }),
];
