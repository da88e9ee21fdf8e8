// Every test can fail. Behind a proxy that rewrites the driver's answers:
// - unchanged, the suite passes as an external endpoint (so the external path is exercised too);
// - with every error turned into OK, every error-case test fails;
// - with every answer emptied (OK, no fields), every test that inspects an answer fails;
// - targeted rewrites (an empty vendor version, a duplicated capability, a negative capacity …)
//   fail the identity, capability, node-info and capacity tests the generic rewrites do not reach.
// Together with the reference faults (faults.test.ts) every test of the suite is shown to fail.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_SECRETS, startEmbeddedReference, type EmbeddedReference } from '../../../src/interfaces/csi/reference.js';
import { RPCS_WITH_SECRETS } from '../../../src/interfaces/csi/resolve.js';
import { ACCESS_MODES } from '../../../src/interfaces/csi/types.js';
import { ERROR_CASES } from '../../../suites/csi/define.js';
import { csiTests } from '../../../suites/csi/index.js';
import { startMutatingProxy, type Mutate, type Outcome } from './mutating-proxy.js';
import { EXPECTED } from './fault-expectations.js';
import { failures, focusOnIds, runCsiSuite } from './run-suite.js';

let upstream: EmbeddedReference;
beforeAll(async () => {
  upstream = await startEmbeddedReference(join(mkdtempSync(join(tmpdir(), 'csi-mutations-')), 'csi.sock'), { referenceDisable: [], referenceFault: undefined });
});
afterAll(() => upstream.close());

/** What an embedded run declares implicitly, declared explicitly for an external endpoint. */
const externalOptions = (endpoint: string) => ({
  endpoint,
  accessType: ['mount', 'block'] as Array<'mount' | 'block'>,
  accessModes: [...ACCESS_MODES],
  otherNodeIds: ['conformal-node-2'],
  mutableParameters: { iops: '3000' },
  testNodeAttachLimit: true,
  secrets: Object.fromEntries([...RPCS_WITH_SECRETS].map((rpc) => [rpc, { ...EMBEDDED_SECRETS }])),
  secretsRequired: true,
});

/** Tests seen failing in this file, to check with the fault expectations that every test can fail. */
const provenHere = new Set<string>();

async function runThrough(mutate: Mutate, focus: string[] = [], referenceDisable: string[] = []) {
  const own = referenceDisable.length > 0
    ? await startEmbeddedReference(join(mkdtempSync(join(tmpdir(), 'csi-mutations-')), 'csi.sock'), { referenceDisable, referenceFault: undefined })
    : undefined;
  const proxy = await startMutatingProxy((own ?? upstream).address, mutate);
  try {
    const run = await runCsiSuite(externalOptions(proxy.address), { focus });
    for (const r of run.result.results) if (r.status === 'failed') provenHere.add(r.id);
    return run;
  } finally {
    await proxy.close();
    await own?.close();
  }
}

/** RPCs whose answers the session reads while opening; emptying them would only break the opening. */
const DISCOVERY = new Set(['GetPluginInfo', 'GetPluginCapabilities', 'ControllerGetCapabilities', 'NodeGetCapabilities', 'GroupControllerGetCapabilities', 'NodeGetInfo']);

/** Rewrites the OK answer of one RPC. */
const onAnswer = (rpc: string, rewrite: (response: any, call: number) => unknown): Mutate => {
  let calls = 0;
  return (name, _request, outcome: Outcome) => (name === rpc && !outcome.error ? { response: rewrite(outcome.response, calls++) } : outcome);
};
const withCapability = (response: any, extra: unknown) => ({ ...response, capabilities: [...response.capabilities, extra] });
const withoutRpcCapability = (response: any, ...types: string[]) => ({ ...response, capabilities: response.capabilities.filter((c: any) => !types.includes(c.rpc?.type)) });
/** Answers differently from the second call on (the session asks once while opening). */
const changing = (response: any, call: number, later: (r: any) => unknown) => (call === 0 ? response : later(response));

interface Targeted {
  readonly name: string;
  readonly mutate: Mutate;
  readonly fails: readonly string[];
  readonly referenceDisable?: string[];
}

const TARGETED = ([
  { name: 'empty vendor_version', mutate: onAnswer('GetPluginInfo', (r) => ({ ...r, vendorVersion: '' })), fails: ['csi.identity.get-plugin-info.vendor-version'] },
  { name: 'plugin version changes', mutate: onAnswer('GetPluginInfo', (r, n) => changing(r, n, (x) => ({ ...x, vendorVersion: 'other' }))), fails: ['csi.identity.get-plugin-info.stable'] },
  {
    name: 'plugin capability listed twice',
    mutate: onAnswer('GetPluginCapabilities', (r) => withCapability(r, { service: { type: 'CONTROLLER_SERVICE' } })),
    fails: ['csi.identity.get-plugin-capabilities.known-types'],
  },
  {
    name: 'plugin capabilities change',
    mutate: onAnswer('GetPluginCapabilities', (r, n) => changing(r, n, (x) => ({ ...x, capabilities: x.capabilities.slice(1) }))),
    fails: ['csi.identity.get-plugin-capabilities.stable'],
  },
  {
    name: 'topology without the accessibility capability',
    mutate: onAnswer('GetPluginCapabilities', (r) => ({ ...r, capabilities: r.capabilities.filter((c: any) => c.service?.type !== 'VOLUME_ACCESSIBILITY_CONSTRAINTS') })),
    fails: ['csi.node.get-info.topology-needs-capability'],
  },
  ...(['ControllerGetCapabilities', 'NodeGetCapabilities', 'GroupControllerGetCapabilities'] as const).flatMap((rpc) => {
    const slug = rpc === 'ControllerGetCapabilities' ? 'controller' : rpc === 'NodeGetCapabilities' ? 'node' : 'group';
    return [
      { name: `${rpc}: a capability listed twice`, mutate: onAnswer(rpc, (r) => withCapability(r, r.capabilities[0])), fails: [`csi.${slug}.get-capabilities.known-types`] },
      { name: `${rpc}: an undefined type`, mutate: onAnswer(rpc, (r) => withCapability(r, { rpc: { type: 99 } })), fails: [`csi.${slug}.get-capabilities.known-types`] },
      { name: `${rpc}: answers change`, mutate: onAnswer(rpc, (r, n) => changing(r, n, (x) => ({ ...x, capabilities: x.capabilities.slice(1) }))), fails: [`csi.${slug}.get-capabilities.stable`] },
    ];
  }),
  {
    name: 'published nodes without ListVolumes',
    mutate: onAnswer('ControllerGetCapabilities', (r) => withoutRpcCapability(r, 'LIST_VOLUMES')),
    fails: ['csi.controller.get-capabilities.published-nodes-needs-list'],
  },
  {
    name: 'volume condition without a reporting RPC',
    mutate: onAnswer('ControllerGetCapabilities', (r) => withoutRpcCapability(r, 'LIST_VOLUMES', 'GET_VOLUME')),
    fails: ['csi.controller.get-capabilities.condition-needs-reporting-rpc'],
  },
  {
    name: 'negative capacity',
    mutate: onAnswer('GetCapacity', (r) => ({ ...r, availableCapacity: -1 })),
    fails: ['csi.controller.get-capacity.basic', 'csi.controller.get-capacity.with-capability', 'csi.controller.get-capacity.topology'],
  },
  {
    name: 'more capacity in one zone than overall',
    mutate: onAnswer('GetCapacity', (r) => ({ ...r, availableCapacity: r.availableCapacity + 1 })),
    fails: [],
  },
  { name: 'node id too long', mutate: onAnswer('NodeGetInfo', (r) => ({ ...r, nodeId: 'n'.repeat(300) })), fails: ['csi.node.get-info.node-id'] },
  { name: 'negative attach limit', mutate: onAnswer('NodeGetInfo', (r) => ({ ...r, maxVolumesPerNode: -1 })), fails: ['csi.node.get-info.max-volumes'] },
  { name: 'node id changes', mutate: onAnswer('NodeGetInfo', (r, n) => changing(r, n, (x) => ({ ...x, nodeId: 'elsewhere' }))), fails: ['csi.node.get-info.stable'] },
  {
    name: 'unknown group snapshot fails to delete',
    mutate: (rpc, request, outcome) => (rpc === 'DeleteVolumeGroupSnapshot' && String((request as { groupSnapshotId?: string }).groupSnapshotId).startsWith('conformal-does-not-exist') ? { error: Object.assign(new Error('gone'), { code: 5, details: 'gone', metadata: undefined as never }) as any } : outcome),
    fails: ['csi.group.delete-group-snapshot.unknown-id'],
  },
  {
    name: 'published volumes expand although expansion is offline only',
    mutate: (rpc, _request, outcome) => (rpc === 'ControllerExpandVolume' && outcome.error ? { response: { capacityBytes: 0, nodeExpansionRequired: false } } : outcome),
    fails: ['csi.controller.expand-volume.offline-only'],
    referenceDisable: ['expansion.ONLINE'],
  },
] satisfies Targeted[]).filter((t) => t.fails.length > 0);


describe('CSI tests against drivers whose answers are rewritten', () => {
  it('registers every error-case test of the suite', () => {
    const ids = new Set(csiTests.map((t) => t.id));
    expect(ERROR_CASES.size).toBeGreaterThanOrEqual(90);
    expect([...ERROR_CASES.keys()].filter((id) => !ids.has(id))).toEqual([]);
  });

  it('passes through an unchanged proxy (external endpoint with declared modes, types and secrets)', async () => {
    const { result } = await runThrough((_rpc, _request, outcome) => outcome);
    expect(failures(result)).toEqual([]);
    expect(result.summary.passed).toBe(csiTests.length - 1);
  }, 120_000);

  it('fails every error-case test when errors become OK', async () => {
    const { result } = await runThrough((_rpc, _request, outcome) => (outcome.error ? { response: {} } : outcome));
    const status = new Map(result.results.map((r) => [r.id, r.status]));
    const ran = [...ERROR_CASES.keys()].filter((id) => status.get(id) !== 'skipped');
    expect(ran.length).toBe(ERROR_CASES.size - 1);
    expect(ran.filter((id) => status.get(id) !== 'failed')).toEqual([]);
  }, 120_000);

  it('fails every test that inspects an answer when answers are emptied', async () => {
    const { result } = await runThrough((rpc, _request, outcome) => (outcome.error || DISCOVERY.has(rpc) ? outcome : { response: Array.isArray(outcome.response) ? [] : {} }));
    expect(result.summary.failed).toBeGreaterThan(100);
  }, 120_000);

  it.each(TARGETED)('$name fails $fails', async ({ mutate, fails, referenceDisable }) => {
    const { result } = await runThrough(mutate, focusOnIds(fails), referenceDisable);
    const status = new Map(result.results.map((r) => [r.id, r.status]));
    expect(fails.filter((id) => status.get(id) !== 'failed').map((id) => `${id}: ${status.get(id)}`)).toEqual([]);
  }, 60_000);

  it('together with the reference faults, shows every test of the suite failing somewhere', () => {
    const proven = new Set([...provenHere, ...Object.values(EXPECTED).flat()]);
    expect(csiTests.map((t) => t.id).filter((id) => !proven.has(id))).toEqual([]);
  });
});
