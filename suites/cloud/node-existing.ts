// The cloud node controller, seen on the nodes the cluster already has: every CCM initialises its
// nodes, so these need nothing but the API and are the core of the node profile.
import type { V1Node } from '@kubernetes/client-node';
import { ConformanceError } from '../../src/core/errors.js';
import { raceSignal } from '../../src/core/deadline.js';
import { CloudCapability } from '../../src/interfaces/cloud/capabilities.js';
import { REGION_LABEL, ZONE_LABEL } from '../../src/interfaces/cloud/well-known.js';
import { addressProblems, isInitialised, labelTwinProblems, providerIdProblems } from './checks.js';
import { cloudTest, spec, type CloudContext } from './define.js';

const NODE_CONTROLLER = 'controllers/node/node_controller.go';

async function initialisedNodes(ctx: CloudContext): Promise<V1Node[]> {
  const nodes = (await raceSignal(ctx.env.core.listNode(), ctx.signal, 'listing nodes')).items.filter(isInitialised);
  if (nodes.length === 0) throw new ConformanceError('the cluster has no initialised node (every node still carries the uninitialized taint, or there is none)');
  ctx.log(`checking ${nodes.length} initialised node(s)`);
  return nodes;
}

function expectNone(problems: string[], what: string): void {
  if (problems.length > 0) throw new ConformanceError(`${what}: ${problems.join('; ')}`);
}

export const existingNodeTests = [
  cloudTest({
    id: 'cloud.node.existing.provider-id',
    title: 'every initialised node has a providerID of the form <provider>://<id>',
    spec: spec('cloud node controller', 'an initialised node has spec.providerID = ProviderName() + "://" + instance id', NODE_CONTROLLER),
    profile: 'core',
    operations: ['InstanceMetadata'],
    async run(ctx) {
      expectNone((await initialisedNodes(ctx)).flatMap(providerIdProblems), 'nodes without a valid providerID');
    },
  }),
  cloudTest({
    id: 'cloud.node.existing.label-twins',
    title: 'the zone, region and instance-type labels of every node equal their deprecated twins',
    spec: spec('cloud node controller', 'topology and instance-type labels are set under the GA and the beta key with the same value', NODE_CONTROLLER),
    profile: 'core',
    operations: ['InstanceMetadata'],
    async run(ctx) {
      expectNone((await initialisedNodes(ctx)).flatMap(labelTwinProblems), 'labels that differ from their twins');
    },
  }),
  cloudTest({
    id: 'cloud.node.existing.addresses',
    title: 'every initialised node has valid addresses, none listed twice',
    spec: spec('cloud node controller', 'status.addresses are the cloud\'s addresses: known types, valid IPs, no duplicate (type, address)', NODE_CONTROLLER),
    profile: 'core',
    operations: ['InstanceMetadata'],
    async run(ctx) {
      expectNone((await initialisedNodes(ctx)).flatMap(addressProblems), 'bad node addresses');
    },
  }),
  cloudTest({
    id: 'cloud.node.existing.zone-and-region',
    title: 'every initialised node carries zone and region labels',
    spec: spec('cloud node controller', 'with zone support, InstanceMetadata\'s zone and region become topology.kubernetes.io labels on every node', NODE_CONTROLLER),
    profile: 'extended',
    requires: [CloudCapability.zones],
    tags: ['Feature:Zones'],
    async run(ctx) {
      const problems = (await initialisedNodes(ctx)).flatMap((n) =>
        [ZONE_LABEL, REGION_LABEL].filter((l) => !n.metadata?.labels?.[l]).map((l) => `${n.metadata?.name} has no ${l}`),
      );
      expectNone(problems, 'nodes without topology labels');
    },
  }),
];
