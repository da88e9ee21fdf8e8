// Each fault-injected variant of the reference providers and core controllers is caught by the
// tests written for the rule it breaks, and every test of the suite catches at least one fault
// (it passes on the clean reference: reference.test.ts).
import { describe, expect, it } from 'vitest';
import { repeatedCiRun } from '../../support/real-tools.js';
import { CAPI_FAULTS } from '../../../src/reference/capi/index.js';
import { capiTests } from '../../../suites/capi/index.js';
import { onlyId, runCapiAgainstReference } from './run-reference.js';

/** Fault → the tests that must fail under it. */
const caughtBy: Record<string, readonly string[]> = {
  'acts-before-owner': ['capi.infra.cluster.waits-for-owner', 'capi.infra.machine.waits-for-owner', 'capi.bootstrap.waits-for-owner'],
  'provisioned-before-endpoint': ['capi.infra.cluster.provisioned-with-endpoint'],
  'v1beta1-fields': ['capi.infra.cluster.failure-domains', 'capi.infra.cluster.conditions'],
  'ignores-pause': ['capi.infra.cluster.paused', 'capi.infra.cluster.paused-annotation', 'capi.infra.machine.paused'],
  'keeps-finalizer': ['capi.infra.cluster.deletion', 'capi.infra.machine.deletion'],
  'leaks-cloud-machine': ['capi.infra.machine.deletion-releases-cloud'],
  'hot-loop': ['capi.infra.cluster.no-hot-loop', 'capi.infra.machine.no-hot-loop'],
  'finalizer-added-once': ['capi.infra.cluster.finalizer-restored', 'capi.core.finalizers-restored'],
  'provider-id-changes': ['capi.infra.machine.provider-id-stable'],
  'ignores-failure-domain': ['capi.infra.machine.failure-domain'],
  'mutable-template': ['capi.infra.machine.template-clone-kept'],
  'no-bootstrap-wait': ['capi.infra.machine.waits-for-bootstrap-data'],
  'bad-address-type': ['capi.infra.machine.provisioned'],
  'wrong-contract-label': ['capi.infra.crd.contract-label', 'capi.bootstrap.crd.contract-label'],
  'no-clusterctl-label': ['capi.infra.crd.clusterctl', 'capi.bootstrap.crd.clusterctl'],
  'data-secret-nowhere': ['capi.bootstrap.data-secret'],
  'bootstrap-secret-format': ['capi.bootstrap.secret-format'],
  'no-node-ref': ['capi.core.machine-deployment.scale'],
  'no-deletion-cascade': ['capi.core.cluster.deletion-cascade'],
  'owner-refs-once': ['capi.core.owner-references-restored'],
};

/** The control-plane provider's faults, and the older faults whose deviation reaches its CRDs too. */
const controlPlaneCaughtBy: Record<string, readonly string[]> = {
  'wrong-contract-label': ['capi.control-plane.crd.contract-label'],
  'no-clusterctl-label': ['capi.control-plane.crd.clusterctl'],
  'cp-acts-before-owner': ['capi.control-plane.waits-for-owner'],
  'cp-never-initialized': ['capi.control-plane.initialized', 'capi.control-plane.cluster-initialized'],
  'cp-initialized-early': ['capi.control-plane.endpoint'],
  'cp-kubeconfig-format': ['capi.control-plane.kubeconfig'],
  'cp-replicas-ignore-spec': ['capi.control-plane.replicas'],
  'cp-no-version-status': ['capi.control-plane.version'],
  'cp-machines-unlabelled': ['capi.control-plane.machines'],
  'cp-ignores-pause': ['capi.control-plane.paused', 'capi.control-plane.paused-annotation'],
  'cp-keeps-finalizer': ['capi.control-plane.deletion'],
  'cp-v1beta1-conditions': ['capi.control-plane.conditions'],
  'cp-hot-loop': ['capi.control-plane.no-hot-loop'],
  'cp-finalizer-once': ['capi.control-plane.finalizer-restored'],
  'core-ignores-control-plane': ['capi.control-plane.cluster-initialized'],
};
for (const [fault, ids] of Object.entries(controlPlaneCaughtBy)) caughtBy[fault] = [...(caughtBy[fault] ?? []), ...ids];

// The reference settles in well under a second, so a fault shows within a few; the variants run concurrently.
// A fault table is about the suite, not the Node version: CI's second (Node 24) run leaves it out.
describe.skipIf(repeatedCiRun).concurrent('capi fault variants of the reference', () => {
  it('covers every fault the reference can inject (at least 12), and every test catches one', () => {
    expect(Object.keys(caughtBy).sort()).toEqual(CAPI_FAULTS.map((f) => f.name).sort());
    expect(CAPI_FAULTS.length).toBeGreaterThanOrEqual(12);
    const catching = new Set(Object.values(caughtBy).flat());
    expect(capiTests.map((t) => t.id).filter((id) => !catching.has(id))).toEqual([]);
  });

  for (const [fault, testIds] of Object.entries(caughtBy)) {
    it(`${fault} is caught by ${testIds.join(', ')}`, async () => {
      const run = await runCapiAgainstReference({ fault, focus: testIds.map(onlyId), timeout: '8s' });
      for (const id of testIds) {
        const result = run.results.find((r) => r.id === id);
        expect(result?.status, `${id} under fault ${fault}: ${result?.reason ?? ''}`).toBe('failed');
      }
      expect(run.implementation.details?.fault).toBe(fault);
    }, 90_000);
  }
});
