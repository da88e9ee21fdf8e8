// Each fault-injected variant of the reference CCM is caught by the tests written for the rule it
// breaks, and every test of the suite catches at least one fault (it passes on the clean
// reference: reference.test.ts).
import { describe, expect, it } from 'vitest';
import { CLOUD_FAULTS } from '../../../src/reference/cloud/index.js';
import { cloudTests } from '../../../suites/cloud/index.js';
import { onlyId, runCloudAgainstReference } from './run-reference.js';

/** Fault → the tests that must fail under it. */
const caughtBy: Record<string, readonly string[]> = {
  'provider-id-empty': ['cloud.node.register.initialised', 'cloud.node.existing.provider-id'],
  'taint-removed-before-init': ['cloud.node.register.provider-id-before-taint-removal'],
  'beta-zone-labels-only': ['cloud.node.existing.label-twins', 'cloud.node.register.labels-from-cloud'],
  'no-region-label': ['cloud.node.existing.zone-and-region'],
  'ingress-before-finalizer': ['cloud.lb.provisioned'],
  'load-balancer-ports-dropped': ['cloud.lb.cloud.matches-service'],
  'kubernetes-io-label': ['cloud.node.register.no-reserved-labels'],
  'internal-ip-as-hostname': ['cloud.node.existing.addresses', 'cloud.node.register.addresses'],
  'ignores-provided-node-ip': ['cloud.node.register.provided-node-ip'],
  'bogus-provided-ip-initialises': ['cloud.node.register.bogus-provided-ip'],
  'overwrites-user-label': ['cloud.node.register.user-labels-kept'],
  'no-synced-event': ['cloud.node.register.synced-event'],
  'deletes-stopped-node': ['cloud.lifecycle.stopped-instance-keeps-node'],
  'no-node-deletion': ['cloud.lifecycle.deleted-instance-deletes-node'],
  'no-shutdown-taint': ['cloud.lifecycle.stopped-instance-shutdown-taint'],
  'shutdown-taint-kept-after-start': ['cloud.lifecycle.started-instance-loses-shutdown-taint'],
  'no-ensuring-event': ['cloud.lb.events'],
  'finalizer-never-removed': ['cloud.lb.type-change-cleans-up', 'cloud.lb.deletion-waits-for-cleanup'],
  'status-rewritten-on-resync': ['cloud.lb.no-status-churn'],
  'ingress-reallocated-on-update': ['cloud.lb.update-reensures'],
  'handles-load-balancer-class': ['cloud.lb.class-ignored'],
  'no-backend-update': ['cloud.lb.cloud.backends-follow-nodes'],
  'no-unavailable-warning': ['cloud.lb.no-eligible-nodes-warning'],
  'swallows-cloud-errors': ['cloud.lb.cloud.error-reported-and-retried'],
  'lb-left-in-cloud': ['cloud.lb.cloud.deleted-with-service'],
  'routes-never-removed': ['cloud.routes.removed-with-node', 'cloud.routes.blackhole-removed'],
  'network-unavailable-never-set': ['cloud.routes.existing-nodes-routed', 'cloud.routes.route-per-pod-cidr'],
  'deletes-foreign-routes': ['cloud.routes.foreign-routes-untouched'],
  'no-route-failure-condition': ['cloud.routes.create-failure-reported'],
};

// The reference settles in well under a second, so a fault shows within a few; the variants run concurrently.
describe.concurrent('cloud fault variants of the reference CCM', () => {
  it('covers every fault the reference can inject (at least 12), and every test catches one', () => {
    expect(Object.keys(caughtBy).sort()).toEqual(CLOUD_FAULTS.map((f) => f.name).sort());
    expect(CLOUD_FAULTS.length).toBeGreaterThanOrEqual(12);
    const catching = new Set(Object.values(caughtBy).flat());
    expect(cloudTests.map((t) => t.id).filter((id) => !catching.has(id))).toEqual([]);
  });

  for (const [fault, testIds] of Object.entries(caughtBy)) {
    it(`${fault} is caught by ${testIds.join(', ')}`, async () => {
      const run = await runCloudAgainstReference({ fault, focus: testIds.map(onlyId), timeout: '8s' });
      for (const id of testIds) {
        const result = run.results.find((r) => r.id === id);
        expect(result?.status, `${id} under fault ${fault}: ${result?.reason ?? ''}`).toBe('failed');
      }
      expect(run.implementation.details?.fault).toBe(fault);
    }, 90_000);
  }
});
