// Each fault-injected variant of the reference providers and core controllers is caught by the
// tests written for the rule it breaks, and every test of the suite catches at least one fault
// (it passes on the clean reference: reference.test.ts). The v1beta1 tests are proven on the
// reference serving that contract (--contract v1beta1): by the faults both contracts share, under
// their v1beta1 ids, and by faults of their own.
import { describe, expect, it } from 'vitest';
import { repeatedCiRun } from '../../support/real-tools.js';
import { CAPI_FAULTS } from '../../../src/reference/capi/index.js';
import { faultContract } from '../../../src/reference/capi/faults.js';
import { v1beta1Id } from '../../../suites/capi/define.js';
import { capiTests } from '../../../suites/capi/index.js';
import { onlyId, runCapiAgainstReference } from './run-reference.js';

/** Fault → the tests that must fail under it, on the reference serving contract v1beta2. */
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
  // The with-core Clusters have the control plane under test (on the reference, its ConformalControlPlane, v1beta2 for either contract).
  'no-control-plane-cascade': ['capi.core.cluster.deletion-cascade'],
  'cp-owner-ref-once': ['capi.core.owner-references-restored'],
};

/** Fault → the tests that must fail under it on the reference serving contract v1beta1: every fault both contracts share, and v1beta1's own. */
const caughtByV1beta1: Record<string, readonly string[]> = {
  ...Object.fromEntries(Object.entries(caughtBy).filter(([fault]) => faultContract(fault) === undefined).map(([fault, ids]) => [fault, ids.map(v1beta1Id)])),
  'v1beta2-fields': ['capi.v1beta1.infra.cluster.ready-with-endpoint', 'capi.v1beta1.bootstrap.data-secret'],
  'failure-domains-list': ['capi.v1beta1.infra.cluster.failure-domains'],
  'transient-failure-reason': ['capi.v1beta1.infra.cluster.terminal-failures', 'capi.v1beta1.infra.machine.terminal-failures'],
  'condition-severity-on-true': ['capi.v1beta1.infra.cluster.conditions'],
  // The v1beta1 reference's with-core Clusters have the (v1beta2) ConformalControlPlane too.
  'cp-finalizer-once': ['capi.v1beta1.core.finalizers-restored'],
};

// Defined after caughtByV1beta1: the ControlPlane contract is checked in its v1beta2 form only.
/** The control-plane provider's faults, and the older faults whose deviation reaches its CRDs too. */
const controlPlaneCaughtBy: Record<string, readonly string[]> = {
  'wrong-contract-label': ['capi.control-plane.crd.contract-label', 'capi.control-plane.template.crd'],
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
  'cp-finalizer-once': ['capi.control-plane.finalizer-restored', 'capi.core.finalizers-restored'],
  'cp-certificates-format': ['capi.control-plane.certificates'],
  'cp-ignores-failure-domains': ['capi.control-plane.placement'],
  'cp-metadata-not-in-place': ['capi.control-plane.metadata-propagation'],
  'cp-template-flat': ['capi.control-plane.template.crd', 'capi.control-plane.template.clone'],
  'core-ignores-control-plane': ['capi.control-plane.cluster-initialized'],
};
for (const [fault, ids] of Object.entries(controlPlaneCaughtBy)) caughtBy[fault] = [...(caughtBy[fault] ?? []), ...ids];

const cases = [
  ...Object.entries(caughtBy).map(([fault, ids]) => ({ fault, contract: 'v1beta2' as const, ids })),
  ...Object.entries(caughtByV1beta1).map(([fault, ids]) => ({ fault, contract: 'v1beta1' as const, ids })),
];

// The reference settles in well under a second, so a fault shows within a few; the variants run concurrently.
// A fault table is about the suite, not the Node version: CI's second (Node 24) run leaves it out.
describe.skipIf(repeatedCiRun).concurrent('capi fault variants of the reference', () => {
  it('covers every fault the reference can inject (at least 12; at least 3 of contract v1beta1 alone), and every test catches one', () => {
    expect([...new Set(cases.map((c) => c.fault))].sort()).toEqual(CAPI_FAULTS.map((f) => f.name).sort());
    expect(CAPI_FAULTS.length).toBeGreaterThanOrEqual(12);
    expect(CAPI_FAULTS.filter((f) => faultContract(f.name) === 'v1beta1').length).toBeGreaterThanOrEqual(3);
    for (const c of cases) expect(faultContract(c.fault) ?? c.contract, c.fault).toBe(c.contract);
    const catching = new Set(cases.flatMap((c) => c.ids));
    expect(capiTests.map((t) => t.id).filter((id) => !catching.has(id))).toEqual([]);
    expect([...catching].filter((id) => !capiTests.some((t) => t.id === id))).toEqual([]);
  });

  for (const { fault, contract, ids: testIds } of cases) {
    it(`${fault} (contract ${contract}) is caught by ${testIds.join(', ')}`, async () => {
      const run = await runCapiAgainstReference({ fault, ...(contract === 'v1beta1' ? { contract } : {}), focus: testIds.map(onlyId), timeout: '8s' });
      for (const id of testIds) {
        const result = run.results.find((r) => r.id === id);
        expect(result?.status, `${id} under fault ${fault}: ${result?.reason ?? ''}`).toBe('failed');
      }
      expect(run.implementation.details?.fault).toBe(fault);
    }, 90_000);
  }
});
