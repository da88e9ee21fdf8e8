// The service controller checked against the cloud itself (cloud-control) and against changes of
// the node set: what the load balancer really holds, and failures the cloud is made to return.
import { PatchStrategy, setHeaderOptions, type V1Node } from '@kubernetes/client-node';
import { waitFor } from '../../src/core/deadline.js';
import { ConformanceError } from '../../src/core/errors.js';
import { CloudCapability } from '../../src/interfaces/cloud/capabilities.js';
import type { CloudLoadBalancer } from '../../src/interfaces/cloud/cloud-control.js';
import { EXCLUDE_LB_LABEL } from '../../src/interfaces/cloud/well-known.js';
import { raceSignal } from '../../src/core/deadline.js';
import { CHANGES_NODES, cloudTest, NEEDS_NODES_STEADY, NODE_TAGS, spec, type CloudContext } from './define.js';
import { initialised, registerNode } from './kubelet.js';
import { createService, ingressOf, provisioned, serviceNamespace, SERVICE_CONTROLLER } from './services.js';

const LB_CLOUD = [CloudCapability.loadBalancer, CloudCapability.cloudControl, CloudCapability.cloudLoadBalancers] as const;

/** Polls cloud-control (it has no watch) until the Service's load balancer satisfies `accept`. */
function cloudLoadBalancer(ctx: CloudContext, uid: string, accept: (lb: CloudLoadBalancer | undefined) => boolean, description: string): Promise<CloudLoadBalancer | undefined> {
  let last: CloudLoadBalancer | undefined;
  return waitFor(
    async () => {
      [last] = await ctx.env.cloud!.loadBalancers(ctx.signal, uid);
      return accept(last) ? { lb: last } : undefined;
    },
    { signal: ctx.signal, description, intervalMs: 50, maxIntervalMs: 1000 },
  )
    .then((r) => r.lb)
    .catch((error: unknown) => {
      throw new ConformanceError(`${description}: not seen in the cloud; last: ${JSON.stringify(last ?? null)}`, { cause: error });
    });
}

async function setNodeLabel(ctx: CloudContext, name: string, key: string, value: string | null): Promise<void> {
  await raceSignal(ctx.env.core.patchNode({ name, body: { metadata: { labels: { [key]: value } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)), ctx.signal, `labelling node ${name}`);
}

export const loadBalancerCloudTests = [
  cloudTest({
    id: 'cloud.lb.cloud.matches-service',
    title: "the cloud's load balancer carries the Service's ingress and ports",
    spec: spec('service controller', 'EnsureLoadBalancer creates a load balancer for the Service ports; its address is the Service ingress', SERVICE_CONTROLLER),
    profile: 'extended',
    requires: LB_CLOUD,
    sharedState: NEEDS_NODES_STEADY,
    tags: ['Feature:CloudControl'],
    async run(ctx) {
      const svc = await createService(ctx, await serviceNamespace(ctx));
      const done = await provisioned(ctx, svc);
      const lb = (await cloudLoadBalancer(ctx, done.metadata!.uid!, (l) => l !== undefined, `a load balancer for service ${svc.namespace}/${svc.name}`))!;
      const addresses = new Set(lb.ingress.map((i) => i.ip ?? i.hostname));
      const missing = ingressOf(done).filter((i) => !addresses.has(i.ip ?? i.hostname));
      if (missing.length) throw new ConformanceError(`the Service shows ingress ${JSON.stringify(ingressOf(done))}, the cloud's load balancer ${lb.name} has ${JSON.stringify(lb.ingress)}`);
      if (lb.ports) {
        const ports = new Set(lb.ports.map((p) => p.port));
        const absent = (done.spec?.ports ?? []).filter((p) => !ports.has(p.port));
        if (absent.length) throw new ConformanceError(`the cloud's load balancer ${lb.name} lacks port(s) ${absent.map((p) => p.port).join(', ')}`);
      }
    },
  }),
  cloudTest({
    id: 'cloud.lb.cloud.deleted-with-service',
    title: "deleting the Service deletes the cloud's load balancer",
    spec: spec('service controller', 'EnsureLoadBalancerDeleted runs before the finalizer is removed; GetLoadBalancer then reports none', SERVICE_CONTROLLER),
    profile: 'extended',
    requires: LB_CLOUD,
    sharedState: NEEDS_NODES_STEADY,
    tags: ['Feature:CloudControl'],
    async run(ctx) {
      const svc = await createService(ctx, await serviceNamespace(ctx));
      const done = await provisioned(ctx, svc);
      await cloudLoadBalancer(ctx, done.metadata!.uid!, (l) => l !== undefined, `a load balancer for service ${svc.namespace}/${svc.name}`);
      await ctx.env.core.deleteNamespacedService({ name: svc.name, namespace: svc.namespace });
      await svc.services.gone(svc.name, `service ${svc.namespace}/${svc.name} deleted`, ctx.signal);
      const [left] = await ctx.env.cloud!.loadBalancers(ctx.signal, done.metadata!.uid!);
      if (left) throw new ConformanceError(`the finalizer of service ${svc.namespace}/${svc.name} was removed but the cloud still has its load balancer ${left.name}`);
    },
  }),
  cloudTest({
    id: 'cloud.lb.cloud.backends-follow-nodes',
    title: 'a new node joins the load balancer backends and leaves them when labelled for exclusion',
    spec: spec('service controller', `node additions and ${EXCLUDE_LB_LABEL} changes call UpdateLoadBalancer with the new node set; Normal UpdatedLoadBalancer`, SERVICE_CONTROLLER),
    profile: 'extended',
    requires: [...LB_CLOUD, CloudCapability.instances],
    // Its own Node changes too: it runs beside neither side.
    sharedState: { ...CHANGES_NODES, ...NEEDS_NODES_STEADY },
    tags: [...NODE_TAGS, 'Feature:NodeExclusion'],
    operations: ['UpdateLoadBalancer'],
    async run(ctx) {
      const svc = await createService(ctx, await serviceNamespace(ctx));
      const uid = (await provisioned(ctx, svc)).metadata!.uid!;
      const node = await registerNode(ctx, { podCidr: false });
      await initialised(ctx, node);
      await cloudLoadBalancer(ctx, uid, (lb) => lb?.backends.includes(node.name) ?? false, `node ${node.name} among the backends of service ${svc.namespace}/${svc.name}`);
      await svc.events.waitFor({ reason: 'UpdatedLoadBalancer', type: 'Normal' }, ctx.signal, `service ${svc.namespace}/${svc.name}`);
      await setNodeLabel(ctx, node.name, EXCLUDE_LB_LABEL, 'true');
      await cloudLoadBalancer(ctx, uid, (lb) => lb !== undefined && !lb.backends.includes(node.name), `node ${node.name} (excluded) gone from the backends of service ${svc.namespace}/${svc.name}`);
    },
  }),
  cloudTest({
    id: 'cloud.lb.cloud.error-reported-and-retried',
    title: 'a cloud error while ensuring is reported as SyncLoadBalancerFailed and retried',
    spec: spec('service controller', 'an EnsureLoadBalancer error records Warning SyncLoadBalancerFailed and the sync is retried with backoff', SERVICE_CONTROLLER),
    profile: 'extended',
    requires: [CloudCapability.loadBalancer, CloudCapability.cloudControl, CloudCapability.ensureFault],
    sharedState: NEEDS_NODES_STEADY,
    tags: ['Feature:CloudControl'],
    async run(ctx) {
      const where = await serviceNamespace(ctx);
      const cloud = ctx.env.cloud!;
      await cloud.injectFault('ensure-load-balancer', { message: 'conformal: quota exceeded', namespace: where.namespace, service: 'lb' }, ctx.signal);
      ctx.ledger.add('ensure-load-balancer fault', (signal) => cloud.clearFault('ensure-load-balancer', signal));
      const svc = await createService(ctx, where);
      const failed = await svc.events.waitFor({ reason: 'SyncLoadBalancerFailed', type: 'Warning' }, ctx.signal, `service ${svc.namespace}/${svc.name}`);
      if (ingressOf(svc.current()).length) throw new ConformanceError('the Service got an ingress although the cloud failed');
      ctx.log(`failure event: ${failed.message}`);
      await cloud.clearFault('ensure-load-balancer', ctx.signal);
      const cleared = Date.now();
      await provisioned(ctx, svc);
      ctx.measure('load_balancer_retry_seconds', (Date.now() - cleared) / 1000);
    },
  }),
  cloudTest({
    id: 'cloud.lb.no-eligible-nodes-warning',
    title: 'with every node excluded, a LoadBalancer Service gets an UnAvailableLoadBalancer warning',
    spec: spec('service controller', 'an empty backend node set records Warning UnAvailableLoadBalancer', SERVICE_CONTROLLER),
    profile: 'extended',
    requires: [CloudCapability.loadBalancer],
    tags: ['Feature:NodeExclusion', 'Disruptive'],
    serial: true,
    async run(ctx) {
      const nodes: V1Node[] = (await ctx.env.core.listNode()).items.filter((n) => n.metadata?.labels?.[EXCLUDE_LB_LABEL] === undefined);
      for (const n of nodes) {
        const name = n.metadata!.name!;
        await setNodeLabel(ctx, name, EXCLUDE_LB_LABEL, 'true');
        ctx.ledger.add(`exclusion label on node ${name}`, async () => setNodeLabel(ctx, name, EXCLUDE_LB_LABEL, null));
      }
      const svc = await createService(ctx, await serviceNamespace(ctx));
      await svc.events.waitFor({ reason: 'UnAvailableLoadBalancer', type: 'Warning' }, ctx.signal, `service ${svc.namespace}/${svc.name}`);
    },
  }),
];
