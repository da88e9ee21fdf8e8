// SnapshotMetadata (alpha, server streaming): GetMetadataAllocated and GetMetadataDelta.
import type { MetadataResponse } from '../../../src/interfaces/csi/types.js';
import type { CsiKit } from '../define.js';
import { csi, csiTest, errorCase, MISSING_ID, SNAPSHOTS, spec } from '../define.js';

const ALLOCATED = 'GetMetadataAllocated';
const DELTA = 'GetMetadataDelta';
const METADATA = [...SNAPSHOTS, 'plugin.SNAPSHOT_METADATA_SERVICE', 'access-type.block'] as const;
const tags = ['Feature:SnapshotMetadata'];

/** A block volume with two snapshots: what the metadata RPCs describe. */
async function blockSnapshots(k: CsiKit) {
  const volume = await k.createVolume({ volumeCapabilities: [k.capability({ type: 'block' })], capacityRange: { requiredBytes: k.options.testVolumeSize * 64 } });
  const base = await k.createSnapshot(volume.volumeId);
  const target = await k.createSnapshot(volume.volumeId);
  return { volume, base, target };
}

/** Checks the stream's rules: one block type throughout, ascending non-overlapping ranges within the capacity. */
function checkStream(k: CsiKit, rpc: string, messages: MetadataResponse[], startingOffset = 0): void {
  k.assert(messages.length > 0, `${rpc}: the stream ended without a message`);
  const type = messages[0]!.blockMetadataType;
  k.assert(type === 'FIXED_LENGTH' || type === 'VARIABLE_LENGTH', `${rpc}: block_metadata_type is ${type}`);
  let end = -1;
  let fixedSize: number | undefined;
  for (const message of messages) {
    k.assert(message.blockMetadataType === type, `${rpc}: block_metadata_type changed mid-stream from ${type} to ${message.blockMetadataType}`);
    for (const block of message.blockMetadata) {
      k.assert(block.byteOffset > end - 1 && block.byteOffset >= end, `${rpc}: range at ${block.byteOffset} overlaps or precedes the previous one ending at ${end}`);
      k.assert(block.sizeBytes > 0, `${rpc}: range at ${block.byteOffset} has size ${block.sizeBytes}`);
      k.assert(block.byteOffset + block.sizeBytes > startingOffset, `${rpc}: range ${block.byteOffset}+${block.sizeBytes} ends before starting_offset ${startingOffset}`);
      k.assert(message.volumeCapacityBytes === 0 || block.byteOffset + block.sizeBytes <= message.volumeCapacityBytes,
        `${rpc}: range ${block.byteOffset}+${block.sizeBytes} runs past the volume capacity ${message.volumeCapacityBytes}`);
      if (type === 'FIXED_LENGTH') {
        fixedSize ??= block.sizeBytes;
        k.assert(block.sizeBytes === fixedSize, `${rpc}: FIXED_LENGTH ranges of ${fixedSize} and ${block.sizeBytes} bytes`);
      }
      end = block.byteOffset + block.sizeBytes;
    }
  }
}

/** A test that asks `rpc` for one range per message and checks that no message carries more. */
function maxResultsTest(rpc: string, id: string, ask: (k: CsiKit, snapshots: Awaited<ReturnType<typeof blockSnapshots>>) => Promise<MetadataResponse[]>) {
  return csiTest({
    id,
    title: `${rpc} puts no more ranges in a message than max_results`,
    spec: spec(rpc, 'max_results limits the tuples per response message'),
    profile: 'extended',
    requires: METADATA,
    tags,
    operations: [rpc],
    async run(ctx) {
      const k = csi(ctx);
      for (const message of await ask(k, await blockSnapshots(k))) {
        k.assert(message.blockMetadata.length <= 1, `${rpc} max_results 1: a message carries ${message.blockMetadata.length} ranges`);
      }
    },
  });
}

export const snapshotMetadataTests = [
  csiTest({
    id: 'csi.metadata.get-allocated.stream',
    title: 'GetMetadataAllocated streams ordered, non-overlapping ranges of one block type',
    spec: spec('Metadata Format', 'tuples ascend by byte_offset without overlap; the style does not change mid-stream'),
    profile: 'extended',
    requires: METADATA,
    tags,
    operations: [ALLOCATED, 'CreateSnapshot'],
    async run(ctx) {
      const k = csi(ctx);
      const { base } = await blockSnapshots(k);
      checkStream(k, ALLOCATED, await k.metadata.GetMetadataAllocated({ snapshotId: base.snapshotId }));
    },
  }),
  csiTest({
    id: 'csi.metadata.get-allocated.starting-offset',
    title: 'GetMetadataAllocated resumed from an offset sends nothing that ends before it',
    spec: spec('GetMetadataAllocated', 'starting_offset is considered in computing the first range'),
    profile: 'extended',
    requires: METADATA,
    tags,
    operations: [ALLOCATED],
    async run(ctx) {
      const k = csi(ctx);
      const { base } = await blockSnapshots(k);
      const all = await k.metadata.GetMetadataAllocated({ snapshotId: base.snapshotId });
      const blocks = all.flatMap((m) => m.blockMetadata);
      // Resume at the second range when there is one, else half-way through the volume.
      const offset = blocks[1]?.byteOffset ?? Math.floor((all[0]?.volumeCapacityBytes || k.options.expandSize) / 2);
      checkStream(k, `${ALLOCATED} from ${offset}`, await k.metadata.GetMetadataAllocated({ snapshotId: base.snapshotId, startingOffset: offset }), offset);
    },
  }),
  maxResultsTest(ALLOCATED, 'csi.metadata.get-allocated.max-results', (k, { base }) => k.metadata.GetMetadataAllocated({ snapshotId: base.snapshotId, maxResults: 1 })),
  errorCase({
    id: 'csi.metadata.get-allocated.missing-id',
    title: 'GetMetadataAllocated without a snapshot id is rejected as invalid',
    rpc: ALLOCATED, what: 'without snapshot_id', rule: 'Missing argument: INVALID_ARGUMENT', code: 'INVALID_ARGUMENT', requires: ['plugin.SNAPSHOT_METADATA_SERVICE'], profile: 'extended', tags,
    call: (k) => k.metadata.GetMetadataAllocated({ snapshotId: '' }),
  }),
  errorCase({
    id: 'csi.metadata.get-allocated.unknown-id',
    title: 'GetMetadataAllocated of a snapshot that does not exist reports it not found',
    rpc: ALLOCATED, what: 'of an unknown snapshot', rule: 'Invalid snapshot_id: NOT_FOUND', code: 'NOT_FOUND', requires: ['plugin.SNAPSHOT_METADATA_SERVICE'], profile: 'extended', tags,
    call: (k) => k.metadata.GetMetadataAllocated({ snapshotId: MISSING_ID }),
  }),
  errorCase({
    id: 'csi.metadata.get-allocated.offset-out-of-range',
    title: 'GetMetadataAllocated from an offset past the end of the volume is out of range',
    rpc: ALLOCATED, what: 'with starting_offset beyond the volume', rule: 'Invalid starting_offset: OUT_OF_RANGE', code: 'OUT_OF_RANGE', requires: METADATA, profile: 'extended', tags, uses: ['CreateSnapshot'],
    setup: blockSnapshots,
    call: (k, { base, volume }) => k.metadata.GetMetadataAllocated({ snapshotId: base.snapshotId, startingOffset: volume.capacityBytes * 4 + k.options.expandSize * 4 }),
  }),
  errorCase({
    id: 'csi.metadata.get-allocated.negative-offset',
    title: 'GetMetadataAllocated from a negative offset is out of range',
    rpc: ALLOCATED, what: 'with a negative starting_offset', rule: 'Invalid starting_offset (negative): OUT_OF_RANGE', code: 'OUT_OF_RANGE', requires: METADATA, profile: 'extended', tags, uses: ['CreateSnapshot'],
    setup: blockSnapshots,
    call: (k, { base }) => k.metadata.GetMetadataAllocated({ snapshotId: base.snapshotId, startingOffset: -1 }),
  }),
  csiTest({
    id: 'csi.metadata.get-delta.stream',
    title: 'GetMetadataDelta streams ordered, non-overlapping changed ranges between two snapshots',
    spec: spec('GetMetadataDelta', 'changed ranges follow the metadata format rules'),
    profile: 'extended',
    requires: METADATA,
    tags,
    operations: [DELTA, 'CreateSnapshot'],
    async run(ctx) {
      const k = csi(ctx);
      const { base, target } = await blockSnapshots(k);
      const messages = await k.metadata.GetMetadataDelta({ baseSnapshotId: base.snapshotId, targetSnapshotId: target.snapshotId });
      checkStream(k, DELTA, messages);
    },
  }),
  csiTest({
    id: 'csi.metadata.get-delta.starting-offset',
    title: 'GetMetadataDelta resumed from an offset sends nothing that ends before it',
    spec: spec('GetMetadataDelta', 'starting_offset is considered in computing the first range'),
    profile: 'extended',
    requires: METADATA,
    tags,
    operations: [DELTA],
    async run(ctx) {
      const k = csi(ctx);
      const { base, target } = await blockSnapshots(k);
      const full = await k.metadata.GetMetadataDelta({ baseSnapshotId: base.snapshotId, targetSnapshotId: target.snapshotId });
      // Resume at the second changed range when there is one (only earlier ranges can reveal an ignored offset), else half-way.
      const offset = full.flatMap((m) => m.blockMetadata)[1]?.byteOffset ?? Math.floor((full[0]?.volumeCapacityBytes || k.options.expandSize) / 2);
      const messages = await k.metadata.GetMetadataDelta({ baseSnapshotId: base.snapshotId, targetSnapshotId: target.snapshotId, startingOffset: offset });
      checkStream(k, `${DELTA} from ${offset}`, messages, offset);
    },
  }),
  maxResultsTest(DELTA, 'csi.metadata.get-delta.max-results',
    (k, { base, target }) => k.metadata.GetMetadataDelta({ baseSnapshotId: base.snapshotId, targetSnapshotId: target.snapshotId, maxResults: 1 })),
  csiTest({
    id: 'csi.metadata.capacity-reported',
    title: 'GetMetadataAllocated and GetMetadataDelta report the volume capacity in every message',
    spec: spec('GetMetadataAllocated', 'volume_capacity_bytes is REQUIRED'),
    profile: 'extended',
    requires: METADATA,
    tags,
    operations: [ALLOCATED, DELTA],
    async run(ctx) {
      const k = csi(ctx);
      const { base, target } = await blockSnapshots(k);
      const streams = {
        [ALLOCATED]: await k.metadata.GetMetadataAllocated({ snapshotId: target.snapshotId }),
        [DELTA]: await k.metadata.GetMetadataDelta({ baseSnapshotId: base.snapshotId, targetSnapshotId: target.snapshotId }),
      };
      for (const [rpc, messages] of Object.entries(streams)) {
        for (const message of messages) k.assert(message.volumeCapacityBytes > 0, `${rpc}: a message with volume_capacity_bytes ${message.volumeCapacityBytes}`);
      }
    },
  }),
  errorCase({
    id: 'csi.metadata.get-delta.missing-base',
    title: 'GetMetadataDelta without a base snapshot is rejected as invalid',
    rpc: DELTA, what: 'without base_snapshot_id', rule: 'Missing argument: INVALID_ARGUMENT', code: 'INVALID_ARGUMENT', requires: METADATA, profile: 'extended', tags, uses: ['CreateSnapshot'],
    setup: blockSnapshots,
    call: (k, { target }) => k.metadata.GetMetadataDelta({ baseSnapshotId: '', targetSnapshotId: target.snapshotId }),
  }),
  errorCase({
    id: 'csi.metadata.get-delta.missing-target',
    title: 'GetMetadataDelta without a target snapshot is rejected as invalid',
    rpc: DELTA, what: 'without target_snapshot_id', rule: 'Missing argument: INVALID_ARGUMENT', code: 'INVALID_ARGUMENT', requires: METADATA, profile: 'extended', tags, uses: ['CreateSnapshot'],
    setup: blockSnapshots,
    call: (k, { base }) => k.metadata.GetMetadataDelta({ baseSnapshotId: base.snapshotId, targetSnapshotId: '' }),
  }),
  errorCase({
    id: 'csi.metadata.get-delta.offset-out-of-range',
    title: 'GetMetadataDelta from an offset past the end of the volume is out of range',
    rpc: DELTA, what: 'with starting_offset beyond the volume', rule: 'Invalid starting_offset: OUT_OF_RANGE', code: 'OUT_OF_RANGE', requires: METADATA, profile: 'extended', tags, uses: ['CreateSnapshot'],
    setup: blockSnapshots,
    call: (k, { base, target, volume }) =>
      k.metadata.GetMetadataDelta({ baseSnapshotId: base.snapshotId, targetSnapshotId: target.snapshotId, startingOffset: volume.capacityBytes * 4 + k.options.expandSize * 4 }),
  }),
  errorCase({
    id: 'csi.metadata.get-delta.unknown-target',
    title: 'GetMetadataDelta to a snapshot that does not exist reports it not found',
    rpc: DELTA, what: 'to an unknown target snapshot', rule: 'Invalid base_snapshot_id or target_snapshot_id: NOT_FOUND', code: 'NOT_FOUND', requires: METADATA, profile: 'extended', tags, uses: ['CreateSnapshot'],
    setup: blockSnapshots,
    call: (k, { base }) => k.metadata.GetMetadataDelta({ baseSnapshotId: base.snapshotId, targetSnapshotId: MISSING_ID }),
  }),
];
