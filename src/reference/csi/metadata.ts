// SnapshotMetadata service: allocated and changed block ranges of snapshots, as server streams.
// Writes are simulated: generation g of a volume writes a pseudo-random eighth of its blocks,
// so a snapshot's allocated blocks are everything written up to its generation and the delta
// between two snapshots is everything written after the base and up to the target.
import type { GetMetadataAllocatedResponse } from '../../interfaces/csi/generated/csi/v1/GetMetadataAllocatedResponse.js';
import type { BlockMetadata } from '../../interfaces/csi/generated/csi/v1/BlockMetadata.js';
import { checkSecrets, toNumber, unimplementedUnless, type DriverContext } from './context.js';
import type { CsiHandlers } from './rpc.js';
import type { SnapshotRecord } from './state.js';
import { invalidArgument, notFound, outOfRange, requireString } from './status.js';

/** Most blocks a volume is divided into; larger volumes get larger blocks so streams stay small. */
const MAX_BLOCKS = 4096;
const DEFAULT_PAGE = 256;

function blockSizeFor(ctx: DriverContext, capacity: number): number {
  let size = ctx.options.metadataBlockSize;
  while (Math.ceil(capacity / size) > MAX_BLOCKS) size *= 2;
  return size;
}

/** FNV-1a: a cheap, stable hash deciding which blocks a generation wrote. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function written(volumeId: string, generation: number, block: number): boolean {
  return hash(`${volumeId}:${generation}:${block}`) % 8 === 0;
}

/** Blocks written in generations (fromGeneration, toGeneration], as fixed-length ranges. */
function changedBlocks(volumeId: string, capacity: number, blockSize: number, fromGeneration: number, toGeneration: number): BlockMetadata[] {
  const blocks: BlockMetadata[] = [];
  const count = Math.ceil(capacity / blockSize);
  for (let block = 0; block < count; block += 1) {
    for (let g = fromGeneration + 1; g <= toGeneration; g += 1) {
      if (written(volumeId, g, block)) {
        blocks.push({ byteOffset: block * blockSize, sizeBytes: blockSize });
        break;
      }
    }
  }
  return blocks;
}

function readPaging(startingOffset: unknown, maxResults: number | undefined, capacity: number): { offset: number; pageSize: number } {
  const offset = toNumber(startingOffset as number | undefined);
  if (offset < 0 || offset > capacity) outOfRange(`starting_offset ${offset} is negative or beyond the volume size ${capacity}`);
  const max = maxResults ?? 0;
  if (max < 0) invalidArgument(`max_results must not be negative (got ${max})`);
  return { offset, pageSize: max > 0 ? max : DEFAULT_PAGE };
}

/** Drops ranges that end at or before the offset (spec: S < B0.byte_offset + B0.size_bytes) and pages the rest. */
function toStream(blocks: BlockMetadata[], offset: number, pageSize: number, capacity: number): GetMetadataAllocatedResponse[] {
  const from = blocks.filter((b) => toNumber(b.byteOffset) + toNumber(b.sizeBytes) > offset);
  const messages: GetMetadataAllocatedResponse[] = [];
  for (let i = 0; i < from.length; i += pageSize) {
    messages.push({ blockMetadataType: 'FIXED_LENGTH', volumeCapacityBytes: capacity, blockMetadata: from.slice(i, i + pageSize) });
  }
  if (messages.length === 0) messages.push({ blockMetadataType: 'FIXED_LENGTH', volumeCapacityBytes: capacity, blockMetadata: [] });
  return messages;
}

export function metadataHandlers(ctx: DriverContext): Pick<CsiHandlers, 'GetMetadataAllocated' | 'GetMetadataDelta'> {
  const { state, options } = ctx;
  const requireService = (rpc: string) =>
    unimplementedUnless(options.capabilities.plugin.has('SNAPSHOT_METADATA_SERVICE'), `${rpc}: the SnapshotMetadata service is switched off`);
  const findSnapshot = (id: string): SnapshotRecord => state.snapshots.get(id) ?? notFound(`snapshot ${id} does not exist`);

  return {
    async GetMetadataAllocated(request) {
      requireService('GetMetadataAllocated');
      const snapshot = findSnapshot(requireString(request.snapshotId, 'snapshot_id'));
      checkSecrets(ctx, 'GetMetadataAllocated', request.secrets);
      const capacity = snapshot.sizeBytes;
      const { offset, pageSize } = readPaging(request.startingOffset, request.maxResults, capacity);
      const blockSize = blockSizeFor(ctx, capacity);
      return toStream(changedBlocks(snapshot.sourceVolumeId, capacity, blockSize, 0, snapshot.generation), offset, pageSize, capacity);
    },

    async GetMetadataDelta(request) {
      requireService('GetMetadataDelta');
      const baseId = requireString(request.baseSnapshotId, 'base_snapshot_id');
      const targetId = requireString(request.targetSnapshotId, 'target_snapshot_id');
      const base = findSnapshot(baseId);
      const target = findSnapshot(targetId);
      checkSecrets(ctx, 'GetMetadataDelta', request.secrets);
      if (base.sourceVolumeId !== target.sourceVolumeId) invalidArgument(`snapshots ${baseId} and ${targetId} are of different volumes`);
      if (base.generation >= target.generation) invalidArgument(`base snapshot ${baseId} was not taken before target snapshot ${targetId}`);
      const capacity = target.sizeBytes;
      const { offset, pageSize } = readPaging(request.startingOffset, request.maxResults, capacity);
      const blockSize = blockSizeFor(ctx, capacity);
      return toStream(changedBlocks(target.sourceVolumeId, capacity, blockSize, base.generation, target.generation), offset, pageSize, capacity);
    },
  };
}
