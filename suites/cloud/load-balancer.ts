// The service controller, seen through the API alone: what every CCM that provides load
// balancers must do with a Service of type LoadBalancer.
import { ConformanceError } from '../../src/core/errors.js';
import { CloudCapability } from '../../src/interfaces/cloud/capabilities.js';
import { LB_CLEANUP_FINALIZER } from '../../src/interfaces/cloud/well-known.js';
import { cloudTest, NEEDS_NODES_STEADY, spec } from './define.js';
import {
  assertNoProblems, createService, describeService, ENSURED, hasFinalizer, ingressOf, ingressProblems, patchService, provisioned, resyncBarrier, serviceNamespace, SERVICE_CONTROLLER,
} from './services.js';

const LB = [CloudCapability.loadBalancer] as const;

function sameIngress(a: ReturnType<typeof ingressOf>, b: ReturnType<typeof ingressOf>): boolean {
  const key = (list: ReturnType<typeof ingressOf>) => list.map((i) => `${i.ip ?? ''}|${i.hostname ?? ''}`).sort().join(',');
  return key(a) === key(b);
}

export const loadBalancerTests = [
  cloudTest({
    id: 'cloud.lb.provisioned',
    title: 'a LoadBalancer Service gets the cleanup finalizer and a valid ingress',
    spec: spec('service controller', 'the cleanup finalizer is added before the load balancer is made; status.loadBalancer.ingress has an ip or hostname, ipMode VIP or Proxy with an ip', SERVICE_CONTROLLER),
    profile: 'core',
    requires: LB,
    sharedState: NEEDS_NODES_STEADY,
    operations: ['EnsureLoadBalancer'],
    async run(ctx) {
      const where = await serviceNamespace(ctx);
      const started = Date.now();
      const svc = await createService(ctx, where);
      const done = await provisioned(ctx, svc);
      ctx.measure('load_balancer_ingress_seconds', (Date.now() - started) / 1000);
      assertNoProblems(ingressProblems(done), `service ${svc.namespace}/${svc.name}`);
      const firstWithIngress = svc.services.history(svc.name).map((e) => e.object).find((s) => ingressOf(s).length > 0)!;
      if (!hasFinalizer(firstWithIngress)) throw new ConformanceError(`service ${svc.namespace}/${svc.name} got an ingress before the ${LB_CLEANUP_FINALIZER} finalizer: its load balancer could outlive it`);
    },
  }),
  cloudTest({
    id: 'cloud.lb.events',
    title: 'provisioning records EnsuringLoadBalancer and then EnsuredLoadBalancer',
    spec: spec('service controller', 'Normal EnsuringLoadBalancer before the cloud call, Normal EnsuredLoadBalancer after it', SERVICE_CONTROLLER),
    profile: 'core',
    requires: LB,
    sharedState: NEEDS_NODES_STEADY,
    async run(ctx) {
      const svc = await createService(ctx, await serviceNamespace(ctx));
      await svc.events.waitFor(ENSURED, ctx.signal, `service ${svc.namespace}/${svc.name}`);
      const reasons = svc.events.reasons();
      const ensuring = reasons.indexOf('EnsuringLoadBalancer');
      if (ensuring < 0 || ensuring > reasons.indexOf('EnsuredLoadBalancer')) {
        throw new ConformanceError(`expected EnsuringLoadBalancer before EnsuredLoadBalancer; events in order: ${reasons.join(', ')}`);
      }
    },
  }),
  cloudTest({
    id: 'cloud.lb.no-status-churn',
    title: 'a re-sync that changes nothing writes nothing to the Service',
    spec: spec('service controller', 'status.loadBalancer is patched only when it changed; a re-sync leaves the resourceVersion alone', SERVICE_CONTROLLER),
    profile: 'core',
    requires: LB,
    // Alone: every Node change elsewhere in the run sends this Service an UpdatedLoadBalancer event,
    // and client-go's recorder drops events past 25 per object, so a busy run could eat the
    // EnsuredLoadBalancer the barrier waits for.
    serial: true,
    async run(ctx) {
      const svc = await createService(ctx, await serviceNamespace(ctx));
      await provisioned(ctx, svc);
      // Three re-syncs: by the last EnsuredLoadBalancer everything the first two wrote is in.
      const ours = new Set<string>();
      for (let i = 0; i < 3; i++) ours.add((await resyncBarrier(ctx, svc)).metadata!.resourceVersion!);
      const history = svc.services.history(svc.name).map((e) => e.object);
      const firstOurs = history.findIndex((s) => ours.has(s.metadata!.resourceVersion!));
      const foreign = history.slice(firstOurs).filter((s) => !ours.has(s.metadata!.resourceVersion!));
      if (foreign.length) {
        throw new ConformanceError(`the CCM wrote the Service ${foreign.length} time(s) during re-syncs that changed nothing it owns; e.g. ${describeService(foreign[0])}`);
      }
    },
  }),
  cloudTest({
    id: 'cloud.lb.update-reensures',
    title: 'changing ports, source ranges and traffic policy re-ensures the load balancer and keeps its ingress',
    spec: spec('service controller', 'a change of ports, loadBalancerSourceRanges or externalTrafficPolicy syncs the load balancer again; its ingress stays', SERVICE_CONTROLLER),
    profile: 'core',
    requires: LB,
    sharedState: NEEDS_NODES_STEADY,
    operations: ['EnsureLoadBalancer'],
    async run(ctx) {
      const svc = await createService(ctx, await serviceNamespace(ctx));
      const before = await provisioned(ctx, svc);
      const count = svc.events.count(ENSURED);
      await patchService(ctx, svc, {
        spec: {
          ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' }],
          loadBalancerSourceRanges: ['203.0.113.0/24'],
          externalTrafficPolicy: 'Local',
        },
      });
      await svc.events.waitForCount(ENSURED, count + 1, ctx.signal, `service ${svc.namespace}/${svc.name} after its update`);
      await resyncBarrier(ctx, svc);
      // Every version written since, not just the last: an ingress that changed and came back is still a change.
      const versions = svc.services.history(svc.name).map((e) => e.object);
      const changed = versions.slice(versions.findIndex((v) => v.metadata?.resourceVersion === before.metadata?.resourceVersion) + 1).find((v) => !sameIngress(ingressOf(before), ingressOf(v)));
      if (changed) {
        throw new ConformanceError(`the ingress changed on update: before ${JSON.stringify(ingressOf(before))}, then ${JSON.stringify(ingressOf(changed))}`);
      }
    },
  }),
  cloudTest({
    id: 'cloud.lb.type-change-cleans-up',
    title: 'changing the type away from LoadBalancer clears the status and the finalizer; changing it back provisions again',
    spec: spec('service controller', 'a Service no longer of type LoadBalancer has its load balancer deleted, status cleared, finalizer removed and DeletedLoadBalancer recorded', SERVICE_CONTROLLER),
    profile: 'core',
    requires: LB,
    sharedState: NEEDS_NODES_STEADY,
    operations: ['EnsureLoadBalancerDeleted'],
    async run(ctx) {
      const svc = await createService(ctx, await serviceNamespace(ctx));
      await provisioned(ctx, svc);
      await patchService(ctx, svc, { spec: { type: 'ClusterIP' } });
      await svc.services.object(svc.name, (s) => !hasFinalizer(s) && ingressOf(s).length === 0, `service ${svc.namespace}/${svc.name} cleaned up (no finalizer, no ingress)`, ctx.signal, describeService);
      await svc.events.waitFor({ reason: 'DeletedLoadBalancer', type: 'Normal' }, ctx.signal, `service ${svc.namespace}/${svc.name}`);
      await patchService(ctx, svc, { spec: { type: 'LoadBalancer' } });
      await provisioned(ctx, svc);
    },
  }),
  cloudTest({
    id: 'cloud.lb.deletion-waits-for-cleanup',
    title: 'deleting a LoadBalancer Service waits for the load balancer to be deleted',
    spec: spec('service controller', 'a deleted Service stays (deletionTimestamp set) until the controller deleted its load balancer and removed the finalizer', SERVICE_CONTROLLER),
    profile: 'core',
    requires: LB,
    sharedState: NEEDS_NODES_STEADY,
    operations: ['EnsureLoadBalancerDeleted'],
    async run(ctx) {
      const svc = await createService(ctx, await serviceNamespace(ctx));
      await provisioned(ctx, svc);
      await ctx.env.core.deleteNamespacedService({ name: svc.name, namespace: svc.namespace });
      await svc.services.gone(svc.name, `service ${svc.namespace}/${svc.name} deleted (its finalizer removed)`, ctx.signal);
      const held = svc.services.history(svc.name).some((e) => e.object.metadata?.deletionTimestamp && hasFinalizer(e.object));
      if (!held) throw new ConformanceError(`service ${svc.namespace}/${svc.name} vanished without ever being held by the ${LB_CLEANUP_FINALIZER} finalizer`);
      await svc.events.waitFor({ reason: 'DeletedLoadBalancer', type: 'Normal' }, ctx.signal, `service ${svc.namespace}/${svc.name}`);
    },
  }),
  cloudTest({
    id: 'cloud.lb.class-ignored',
    title: 'a Service with a loadBalancerClass is left entirely alone',
    spec: spec('service controller', 'a Service with spec.loadBalancerClass set gets no finalizer, no status and no events from the CCM', SERVICE_CONTROLLER),
    profile: 'core',
    requires: LB,
    sharedState: NEEDS_NODES_STEADY,
    async run(ctx) {
      const where = await serviceNamespace(ctx);
      const classed = await createService(ctx, where, { loadBalancerClass: 'conformal.io/not-this-ccm' }, 'classed');
      // A Service made after it and provisioned shows the controller has seen the first.
      const witness = await createService(ctx, where, {}, 'witness');
      await provisioned(ctx, witness);
      await resyncBarrier(ctx, witness);
      const current = classed.current();
      const touched = hasFinalizer(current) || ingressOf(current).length > 0 || classed.events.all().length > 0;
      if (touched) throw new ConformanceError(`the CCM handled a Service of another loadBalancerClass: ${describeService(current)}; events: ${classed.events.reasons().join(', ') || 'none'}`);
    },
  }),
];
