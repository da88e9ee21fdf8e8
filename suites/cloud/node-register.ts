// The cloud node controller initialising a node the suite registers, watched from its first
// version: what it sets, in which order, and what it must leave alone.
import { ConformanceError } from '../../src/core/errors.js';
import { watchEvents } from '../../src/kube-kit/events.js';
import { INSTANCE_TYPE_LABEL, LABEL_TWINS, REGION_LABEL, UNINITIALIZED_TAINT, ZONE_LABEL } from '../../src/interfaces/cloud/well-known.js';
import { addressProblems, foreignKubernetesLabels, isInitialised } from './checks.js';
import { CHANGES_NODES, cloudTest, NODE_TAGS, REGISTER, spec } from './define.js';
import { createInstance, hasTaint, initialised, registerNode } from './kubelet.js';

const NODE_CONTROLLER = 'controllers/node/node_controller.go';
const USER_LABEL = 'example.com/conformal-owner';

export const registeredNodeTests = [
  cloudTest({
    id: 'cloud.node.register.initialised',
    title: 'a registered node is initialised with the providerID of its instance',
    spec: spec('cloud node controller', 'a node with the uninitialized taint gets spec.providerID from the cloud and loses the taint', NODE_CONTROLLER),
    profile: 'extended',
    requires: REGISTER,
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    operations: ['InstanceMetadata'],
    async run(ctx) {
      const started = Date.now();
      const node = await registerNode(ctx);
      const done = await initialised(ctx, node);
      ctx.measure('node_initialisation_seconds', (Date.now() - started) / 1000);
      if (done.spec?.providerID !== node.instance.providerID) {
        throw new ConformanceError(`node ${node.name} got providerID "${done.spec?.providerID ?? ''}", its instance is "${node.instance.providerID}"`);
      }
    },
  }),
  cloudTest({
    id: 'cloud.node.register.provider-id-before-taint-removal',
    title: 'the uninitialized taint is removed in the same update that sets the providerID and labels',
    spec: spec('cloud node controller', 'the taint is never removed while spec.providerID is empty; one update sets providerID, labels and removes the taint', NODE_CONTROLLER),
    profile: 'extended',
    requires: REGISTER,
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    async run(ctx) {
      const node = await registerNode(ctx);
      await initialised(ctx, node);
      const first = node.observer.history(node.name).map((e) => e.object).find(isInitialised)!;
      if (!first.spec?.providerID) throw new ConformanceError(`node ${node.name} lost the ${UNINITIALIZED_TAINT} taint while its providerID was still empty`);
      const type = node.instance.instanceType;
      if (type && first.metadata?.labels?.[INSTANCE_TYPE_LABEL] !== type) {
        throw new ConformanceError(`node ${node.name} lost the taint before ${INSTANCE_TYPE_LABEL}=${type} was set (labels then: ${JSON.stringify(first.metadata?.labels)})`);
      }
    },
  }),
  cloudTest({
    id: 'cloud.node.register.labels-from-cloud',
    title: "a registered node's zone, region and instance-type labels are its instance's, under both keys",
    spec: spec('cloud node controller', 'InstanceMetadata zone, region and instance type become the GA labels and their deprecated twins', NODE_CONTROLLER),
    profile: 'extended',
    requires: REGISTER,
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    async run(ctx) {
      const node = await registerNode(ctx);
      const done = await initialised(ctx, node);
      const labels = done.metadata?.labels ?? {};
      const expected: Array<[string, string | undefined]> = [[ZONE_LABEL, node.instance.zone], [REGION_LABEL, node.instance.region], [INSTANCE_TYPE_LABEL, node.instance.instanceType]];
      const problems: string[] = [];
      for (const [ga, value] of expected) {
        if (!value) continue;
        const beta = LABEL_TWINS.find(([g]) => g === ga)![1];
        if (labels[ga] !== value) problems.push(`${ga}=${labels[ga] ?? '<absent>'}, the instance says ${value}`);
        if (labels[beta] !== value) problems.push(`${beta}=${labels[beta] ?? '<absent>'}, the instance says ${value}`);
      }
      if (expected.every(([, v]) => !v)) ctx.notSupported('the cloud reports no zone, region or instance type for its instances');
      if (problems.length) throw new ConformanceError(`node ${node.name}: ${problems.join('; ')}`);
    },
  }),
  cloudTest({
    id: 'cloud.node.register.no-reserved-labels',
    title: 'the CCM adds no label of its own in the kubernetes.io or k8s.io namespaces',
    spec: spec('cloud node controller', 'additional labels whose key is in the kubernetes.io or k8s.io namespace are dropped', NODE_CONTROLLER),
    profile: 'extended',
    requires: REGISTER,
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    async run(ctx) {
      const node = await registerNode(ctx);
      const done = await initialised(ctx, node);
      const foreign = foreignKubernetesLabels(done);
      if (foreign.length) throw new ConformanceError(`node ${node.name} got labels in reserved namespaces: ${foreign.map((k) => `${k}=${done.metadata?.labels?.[k]}`).join(', ')}`);
    },
  }),
  cloudTest({
    id: 'cloud.node.register.user-labels-kept',
    title: 'labels a node was registered with keep their values through initialisation',
    spec: spec('cloud node controller', 'labels already on the node are not overwritten by additional labels', NODE_CONTROLLER),
    profile: 'extended',
    requires: REGISTER,
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    async run(ctx) {
      const node = await registerNode(ctx, { labels: { [USER_LABEL]: 'kept', 'example.com/pool': 'conformal' } });
      const done = await initialised(ctx, node);
      const labels = done.metadata?.labels ?? {};
      if (labels[USER_LABEL] !== 'kept' || labels['example.com/pool'] !== 'conformal') {
        throw new ConformanceError(`node ${node.name} had its labels changed: ${USER_LABEL}=${labels[USER_LABEL] ?? '<absent>'}, example.com/pool=${labels['example.com/pool'] ?? '<absent>'}`);
      }
    },
  }),
  cloudTest({
    id: 'cloud.node.register.addresses',
    title: "a registered node's addresses are its instance's, none listed twice",
    spec: spec('cloud node controller', 'status.addresses come from the cloud; no duplicate (type, address)', NODE_CONTROLLER),
    profile: 'extended',
    requires: REGISTER,
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    async run(ctx) {
      const node = await registerNode(ctx);
      await initialised(ctx, node);
      // The addresses may follow the taint removal in a second update (upstream patches them right after).
      const wanted = node.instance.addresses;
      const done = await node.observer.object(node.name, (n) => wanted.every((w) => n.status?.addresses?.some((a) => a.type === w.type && a.address === w.address)), `the instance's addresses on node ${node.name}`, ctx.signal, (n) => JSON.stringify(n?.status?.addresses ?? []));
      const problems = addressProblems(done);
      if (problems.length) throw new ConformanceError(problems.join('; '));
    },
  }),
  cloudTest({
    id: 'cloud.node.register.provided-node-ip',
    title: "the kubelet's provided node IP is the node's only address of its type",
    spec: spec('cloud node controller', 'with alpha.kubernetes.io/provided-node-ip, that address is listed first and is the only address of its type', NODE_CONTROLLER),
    profile: 'extended',
    requires: REGISTER,
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    async run(ctx) {
      const instance = await createInstance(ctx, ctx.unique('node'));
      const provided = instance.addresses.find((a) => a.type === 'InternalIP');
      if (!provided) return ctx.notSupported('the cloud gives its instances no InternalIP address');
      const node = await registerNode(ctx, { instance, providedNodeIP: provided.address, podCidr: false });
      await initialised(ctx, node);
      const done = await node.observer.object(node.name, (n) => n.status?.addresses?.some((a) => a.type === 'InternalIP') ?? false, `an InternalIP on node ${node.name}`, ctx.signal);
      const internal = (done.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address);
      if (internal.length !== 1 || internal[0] !== provided.address) {
        throw new ConformanceError(`node ${node.name} was registered with provided-node-ip ${provided.address}; its InternalIP addresses are ${JSON.stringify(internal)}`);
      }
    },
  }),
  cloudTest({
    id: 'cloud.node.register.bogus-provided-ip',
    title: 'a node whose provided node IP the instance does not have stays uninitialised',
    spec: spec('cloud node controller', 'if the provided-node-ip is not among the cloud addresses, initialisation fails and the taint stays', NODE_CONTROLLER),
    profile: 'extended',
    requires: REGISTER,
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    async run(ctx) {
      // 192.0.2.0/24 is reserved for documentation: no cloud hands it out.
      const bogus = await registerNode(ctx, { providedNodeIP: '192.0.2.251', podCidr: false });
      // A node registered after it and initialised shows the CCM has had its turn at the first.
      const witness = await registerNode(ctx, { podCidr: false });
      await initialised(ctx, witness);
      const node = bogus.current();
      if (!node) throw new ConformanceError(`node ${bogus.name} disappeared`);
      if (!hasTaint(node, UNINITIALIZED_TAINT)) throw new ConformanceError(`node ${bogus.name} was initialised although its provided-node-ip 192.0.2.251 is not an address of its instance (addresses now: ${JSON.stringify(node.status?.addresses ?? [])})`);
    },
  }),
  cloudTest({
    id: 'cloud.node.register.synced-event',
    title: 'initialising a node records a Synced event about it',
    spec: spec('cloud node controller', 'after initialisation the controller records Normal Synced "Node synced successfully"', NODE_CONTROLLER),
    profile: 'extended',
    requires: REGISTER,
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    async run(ctx) {
      const instance = await createInstance(ctx, ctx.unique('node'));
      const events = await watchEvents(ctx.env.kc, { kind: 'Node', name: instance.nodeName }, ctx.ledger);
      const node = await registerNode(ctx, { instance, podCidr: false });
      await initialised(ctx, node);
      await events.waitFor({ reason: 'Synced', type: 'Normal' }, ctx.signal, `node ${node.name}`);
    },
  }),
];
