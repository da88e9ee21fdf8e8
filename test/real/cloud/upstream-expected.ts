// What the cloud suite reports against upstream's CCM with the fake cloud, test by test: the table of
// docs/cloud/upstream-ccm.md, the same on kube-apiserver and on the in-memory API server (a difference
// between the two is a bug of the in-memory server). A failure would carry the text its message must
// contain; today every test passes.
export interface ExpectedRow {
  readonly status: 'passed' | 'failed' | 'skipped';
  /** For a failure: what its message must say. */
  readonly because?: RegExp;
}

export const UPSTREAM_EXPECTED: Record<string, ExpectedRow> = {
  'cloud.node.existing.provider-id': { status: 'passed' },
  'cloud.node.existing.label-twins': { status: 'passed' },
  'cloud.node.existing.addresses': { status: 'passed' },
  'cloud.node.existing.zone-and-region': { status: 'passed' },
  'cloud.node.register.initialised': { status: 'passed' },
  'cloud.node.register.provider-id-before-taint-removal': { status: 'passed' },
  'cloud.node.register.labels-from-cloud': { status: 'passed' },
  'cloud.node.register.no-reserved-labels': { status: 'passed' },
  'cloud.node.register.user-labels-kept': { status: 'passed' },
  'cloud.node.register.addresses': { status: 'passed' },
  'cloud.node.register.provided-node-ip': { status: 'passed' },
  'cloud.node.register.bogus-provided-ip': { status: 'passed' },
  'cloud.node.register.synced-event': { status: 'passed' },
  'cloud.lifecycle.deleted-instance-deletes-node': { status: 'passed' },
  'cloud.lifecycle.stopped-instance-shutdown-taint': { status: 'passed' },
  'cloud.lifecycle.started-instance-loses-shutdown-taint': { status: 'passed' },
  'cloud.lifecycle.stopped-instance-keeps-node': { status: 'passed' },
  'cloud.lb.provisioned': { status: 'passed' },
  'cloud.lb.events': { status: 'passed' },
  'cloud.lb.no-status-churn': { status: 'passed' },
  'cloud.lb.update-reensures': { status: 'passed' },
  'cloud.lb.type-change-cleans-up': { status: 'passed' },
  'cloud.lb.deletion-waits-for-cleanup': { status: 'passed' },
  'cloud.lb.class-ignored': { status: 'passed' },
  'cloud.lb.cloud.matches-service': { status: 'passed' },
  'cloud.lb.cloud.deleted-with-service': { status: 'passed' },
  'cloud.lb.cloud.backends-follow-nodes': { status: 'passed' },
  'cloud.lb.cloud.error-reported-and-retried': { status: 'passed' },
  'cloud.lb.no-eligible-nodes-warning': { status: 'passed' },
  'cloud.routes.existing-nodes-routed': { status: 'passed' },
  'cloud.routes.route-per-pod-cidr': { status: 'passed' },
  'cloud.routes.removed-with-node': { status: 'passed' },
  'cloud.routes.foreign-routes-untouched': { status: 'passed' },
  'cloud.routes.blackhole-removed': { status: 'passed' },
  'cloud.routes.create-failure-reported': { status: 'passed' },
};

/**
 * Where the suite's result against the same CCM on the real one-node cluster
 * (test/real/cluster/cloud-provider.test.ts: kubelet with --cloud-provider=external, whose Node the
 * CCM initialises too) differs from UPSTREAM_EXPECTED, each with why; the third column of the table
 * in docs/cloud/upstream-ccm.md. Empty: every test ends there as it does on the bare API servers.
 */
export const ONE_NODE_CLUSTER_DIFFERENCES: Record<string, ExpectedRow & { readonly why: string }> = {};

/** UPSTREAM_EXPECTED with ONE_NODE_CLUSTER_DIFFERENCES applied. */
export const ONE_NODE_CLUSTER_EXPECTED: Record<string, ExpectedRow> = { ...UPSTREAM_EXPECTED, ...ONE_NODE_CLUSTER_DIFFERENCES };
