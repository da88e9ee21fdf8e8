// Proof that the suite catches bugs: for each fault-injected variant of the reference driver
// (src/reference/csi/faults.ts) the suite runs in-process and the tests that check the broken
// rule must fail. The unmodified reference passing everything is in reference.test.ts.
import { describe, expect, it } from 'vitest';
import { CSI_FAULT_NAMES } from '../../../src/reference/csi/index.js';
import { csiTests } from '../../../suites/csi/index.js';
import { runCsiSuite } from './run-suite.js';

/** Fault → test ids that must fail against it. */
const EXPECTED: Record<string, readonly string[]> = {
  'create-volume-not-idempotent': ['csi.controller.create-volume.idempotent', 'csi.controller.create-volume.incompatible-size'],
  'no-already-exists-on-incompatible-recreate': ['csi.controller.create-volume.incompatible-size', 'csi.controller.create-volume.incompatible-capability'],
  'capacity-ignored': ['csi.controller.create-volume.basic', 'csi.controller.create-volume.limit-bytes'],
  'snapshot-source-ignored': ['csi.controller.create-volume.from-snapshot', 'csi.controller.create-volume.from-missing-snapshot'],
  'create-volume-ignores-requisite-topology': ['csi.controller.create-volume.unreachable-topology'],
  'delete-volume-unknown-id-error': ['csi.controller.delete-volume.unknown-id', 'csi.controller.delete-volume.idempotent'],
  'wrong-code-missing-volume-id': [
    'csi.controller.delete-volume.missing-id', 'csi.controller.publish-volume.missing-volume-id', 'csi.controller.unpublish-volume.missing-volume-id',
    'csi.controller.validate-volume-capabilities.missing-volume-id', 'csi.controller.get-volume.missing-id', 'csi.controller.modify-volume.missing-id',
    'csi.controller.expand-volume.missing-id', 'csi.node.stage-volume.missing-volume-id', 'csi.node.unstage-volume.missing-volume-id',
    'csi.node.publish-volume.missing-volume-id', 'csi.node.unpublish-volume.missing-volume-id', 'csi.node.get-volume-stats.missing-volume-id',
    'csi.node.expand-volume.missing-volume-id',
  ],
  'list-volumes-ignores-max-entries': ['csi.controller.list-volumes.max-entries'],
  'bad-starting-token-accepted': ['csi.controller.list-volumes.bad-token', 'csi.controller.list-snapshots.bad-token'],
  'publish-without-node-id-accepted': ['csi.controller.publish-volume.missing-node-id'],
  'single-node-volume-published-twice': ['csi.controller.publish-volume.single-node-elsewhere'],
  'attach-limit-ignored': ['csi.controller.publish-volume.attach-limit'],
  'validate-confirms-unsupported-mode': ['csi.controller.validate-volume-capabilities.rejects-other-type'],
  'expand-shrinks-or-ignores': ['csi.controller.expand-volume.basic', 'csi.controller.expand-volume.visible'],
  'modify-accepts-unknown-key': ['csi.controller.modify-volume.unsupported-key'],
  'controller-get-volume-no-published-nodes': ['csi.controller.get-volume.published-nodes'],
  'get-capacity-ignores-topology': ['csi.controller.get-capacity.unknown-topology'],
  'delete-snapshot-unknown-id-error': ['csi.controller.delete-snapshot.unknown-id', 'csi.controller.delete-snapshot.idempotent'],
  'list-snapshots-ignores-source-filter': ['csi.controller.list-snapshots.by-source'],
  'group-snapshot-not-idempotent': ['csi.group.create-group-snapshot.idempotent'],
  'metadata-stream-ignores-offset': ['csi.metadata.get-allocated.starting-offset'],
  'stage-ignores-missing-capability': ['csi.node.stage-volume.missing-capability'],
  'block-volume-published-as-mount': ['csi.node.publish-volume.wrong-access-type'],
  'node-unpublish-not-idempotent': ['csi.node.unpublish-volume.idempotent'],
  'volume-stats-negative': ['csi.node.get-volume-stats.usage'],
  'node-get-info-missing-topology': ['csi.node.get-info.topology-reported'],
  'get-plugin-info-empty-name': ['csi.identity.get-plugin-info.name-format'],
  'probe-error': ['csi.identity.probe.healthy'],
  'controller-publish-not-idempotent': ['csi.controller.publish-volume.idempotent'],
  'controller-unpublish-not-idempotent': ['csi.controller.unpublish-volume.idempotent', 'csi.controller.unpublish-volume.never-published'],
  'delete-volume-keeps-volume': ['csi.controller.delete-volume.basic', 'csi.controller.list-volumes.excludes-deleted'],
  'list-volumes-pagination-skips': ['csi.controller.list-volumes.pagination'],
  'node-publish-not-idempotent': ['csi.node.publish-volume.idempotent'],
  'node-stage-not-idempotent': ['csi.node.stage-volume.idempotent'],
  'node-unstage-not-idempotent': ['csi.node.unstage-volume.idempotent', 'csi.node.unstage-volume.never-staged'],
};

const titles = new Map(csiTests.map((t) => [t.id, t.title]));
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs `work` over `items` with at most `limit` at once (each run starts its own reference server). */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  }));
  return results;
}

describe('CSI suite against fault-injected reference drivers', () => {
  it('knows every fault and expects only tests that exist', () => {
    expect([...CSI_FAULT_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(CSI_FAULT_NAMES.length).toBeGreaterThanOrEqual(15);
    const ids = new Set(csiTests.map((t) => t.id));
    expect(Object.values(EXPECTED).flat().filter((id) => !ids.has(id))).toEqual([]);
  });

  it('fails the expected tests for each fault, and no fault breaks the run itself', async () => {
    const outcomes = await pool(CSI_FAULT_NAMES, 4, async (fault) => {
      // Only the expected tests run (selected by their full names), which keeps 28 runs fast.
      const focus = (EXPECTED[fault] ?? []).map((id) => `^\\[csi\\] ${escapeRegExp(titles.get(id) ?? id)}( \\[|$)`);
      const { result, error } = await runCsiSuite({ referenceFault: fault }, { focus });
      const failed = new Set(result.results.filter((r) => r.status === 'failed').map((r) => r.id));
      const ran = result.results.filter((r) => r.status !== 'filtered').length;
      return { fault, ran, error: error === undefined ? undefined : String(error), missed: (EXPECTED[fault] ?? []).filter((id) => !failed.has(id)) };
    });
    expect(outcomes.filter((o) => o.error !== undefined || o.missed.length > 0 || o.ran !== EXPECTED[o.fault]!.length)).toEqual([]);
  }, 240_000);
});
