// The cloud node lifecycle controller: what happens to a NotReady node when its instance is
// deleted, stopped and started again. The suite stops the instance through cloud-control and
// reports the node's Ready condition as Unknown, as kube-controller-manager does once the
// kubelet of a stopped machine falls silent.
import { ConformanceError } from '../../src/core/errors.js';
import { watchEvents } from '../../src/kube-kit/events.js';
import { CloudCapability } from '../../src/interfaces/cloud/capabilities.js';
import { SHUTDOWN_TAINT } from '../../src/interfaces/cloud/well-known.js';
import { CHANGES_NODES, cloudTest, NODE_TAGS, spec } from './define.js';
import { createInstance, hasTaint, initialised, registerNode } from './kubelet.js';

const LIFECYCLE = 'controllers/nodelifecycle/node_lifecycle_controller.go';
const TAGS = [...NODE_TAGS, 'Feature:NodeLifecycle'];
const SHUTDOWN_TAGS = [...TAGS, 'Feature:InstanceShutdown'];

export const lifecycleTests = [
  cloudTest({
    id: 'cloud.lifecycle.deleted-instance-deletes-node',
    title: 'a NotReady node whose instance is gone is deleted, with a DeletingNode event',
    spec: spec('cloud node lifecycle controller', 'a NotReady node whose instance does not exist is deleted; Normal DeletingNode is recorded', LIFECYCLE),
    profile: 'extended',
    requires: [CloudCapability.cloudControl, CloudCapability.instances],
    tags: TAGS,
    sharedState: CHANGES_NODES,
    operations: ['InstanceExists'],
    async run(ctx) {
      const instance = await createInstance(ctx, ctx.unique('node'));
      const events = await watchEvents(ctx.env.kc, { kind: 'Node', name: instance.nodeName }, ctx.ledger);
      const node = await registerNode(ctx, { instance, podCidr: false });
      await initialised(ctx, node);
      // NotReady first: a node already NotReady may be deleted the moment its instance goes, and a status write after that would find no node.
      await node.setReady('Unknown');
      await ctx.env.cloud!.deleteInstance(instance.id, ctx.signal);
      const started = Date.now();
      await node.observer.gone(node.name, `node ${node.name} deleted after its instance was`, ctx.signal);
      ctx.measure('node_deletion_seconds', (Date.now() - started) / 1000);
      await events.waitFor({ reason: 'DeletingNode', type: 'Normal' }, ctx.signal, `node ${node.name}`);
    },
  }),
  cloudTest({
    id: 'cloud.lifecycle.stopped-instance-shutdown-taint',
    title: 'a NotReady node whose instance is stopped gets the shutdown taint',
    spec: spec('cloud node lifecycle controller', `a NotReady node whose instance is shut down gets ${SHUTDOWN_TAINT}:NoSchedule`, LIFECYCLE),
    profile: 'extended',
    requires: [CloudCapability.cloudControl, CloudCapability.shutdown],
    tags: SHUTDOWN_TAGS,
    sharedState: CHANGES_NODES,
    operations: ['InstanceShutdown'],
    async run(ctx) {
      const node = await registerNode(ctx, { podCidr: false });
      await initialised(ctx, node);
      await ctx.env.cloud!.stopInstance(node.instance.id, ctx.signal);
      await node.setReady('Unknown');
      const tainted = await node.observer.object(node.name, (n) => hasTaint(n, SHUTDOWN_TAINT), `the ${SHUTDOWN_TAINT} taint on node ${node.name}`, ctx.signal, (n) => JSON.stringify(n?.spec?.taints ?? []));
      const taint = tainted.spec!.taints!.find((t) => t.key === SHUTDOWN_TAINT)!;
      if (taint.effect !== 'NoSchedule') throw new ConformanceError(`the ${SHUTDOWN_TAINT} taint has effect ${taint.effect}, not NoSchedule`);
    },
  }),
  cloudTest({
    id: 'cloud.lifecycle.started-instance-loses-shutdown-taint',
    title: 'the shutdown taint is removed once the instance runs and the node is Ready again',
    spec: spec('cloud node lifecycle controller', 'Ready nodes lose the shutdown taint', LIFECYCLE),
    profile: 'extended',
    requires: [CloudCapability.cloudControl, CloudCapability.shutdown],
    tags: SHUTDOWN_TAGS,
    sharedState: CHANGES_NODES,
    async run(ctx) {
      const node = await registerNode(ctx, { podCidr: false });
      await initialised(ctx, node);
      await ctx.env.cloud!.stopInstance(node.instance.id, ctx.signal);
      await node.setReady('Unknown');
      await node.observer.object(node.name, (n) => hasTaint(n, SHUTDOWN_TAINT), `the ${SHUTDOWN_TAINT} taint on node ${node.name}`, ctx.signal);
      await ctx.env.cloud!.startInstance(node.instance.id, ctx.signal);
      await node.setReady('True');
      await node.observer.object(node.name, (n) => !hasTaint(n, SHUTDOWN_TAINT), `the ${SHUTDOWN_TAINT} taint removed from node ${node.name}`, ctx.signal, (n) => JSON.stringify(n?.spec?.taints ?? []));
    },
  }),
  cloudTest({
    id: 'cloud.lifecycle.stopped-instance-keeps-node',
    title: 'a node whose instance is only stopped is never deleted',
    spec: spec('cloud node lifecycle controller', 'an instance that exists but is shut down must not cause its Node to be deleted', LIFECYCLE),
    profile: 'extended',
    requires: [CloudCapability.cloudControl, CloudCapability.shutdown],
    tags: SHUTDOWN_TAGS,
    sharedState: CHANGES_NODES,
    async run(ctx) {
      const stopped = await registerNode(ctx, { podCidr: false });
      const witness = await registerNode(ctx, { podCidr: false });
      await Promise.all([initialised(ctx, stopped), initialised(ctx, witness)]);
      await ctx.env.cloud!.stopInstance(stopped.instance.id, ctx.signal);
      await stopped.setReady('Unknown');
      // Deleting the witness's instance: once its node is gone, the controller has looked at the stopped one too.
      await witness.setReady('Unknown');
      await ctx.env.cloud!.deleteInstance(witness.instance.id, ctx.signal);
      await witness.observer.gone(witness.name, `witness node ${witness.name} deleted`, ctx.signal);
      await stopped.observer.until((latest) => (hasTaint(latest.get(`/${stopped.name}`), SHUTDOWN_TAINT) || !latest.has(`/${stopped.name}`) ? true : undefined), `the shutdown taint on node ${stopped.name}`, ctx.signal);
      if (!stopped.current()) throw new ConformanceError(`node ${stopped.name} was deleted although its instance ${stopped.instance.id} is only stopped`);
    },
  }),
];
