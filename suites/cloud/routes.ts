// The route controller: a cloud route for every node pod CIDR, the NetworkUnavailable condition
// it owns, and the routes it must not touch.
import type { V1Node } from '@kubernetes/client-node';
import { raceSignal, waitFor } from '../../src/core/deadline.js';
import { ConformanceError } from '../../src/core/errors.js';
import { watchEvents } from '../../src/kube-kit/events.js';
import { CloudCapability } from '../../src/interfaces/cloud/capabilities.js';
import type { CloudRoute } from '../../src/interfaces/cloud/cloud-control.js';
import { cidrInside } from '../../src/interfaces/cloud/pod-cidrs.js';
import { CHANGES_NODES, cloudTest, NEEDS_NODES_STEADY, NODE_TAGS, spec, type CloudContext } from './define.js';
import { createInstance, registerNode } from './kubelet.js';

const ROUTE_CONTROLLER = 'controllers/route/route_controller.go';
const ROUTES = [CloudCapability.routes] as const;
const ROUTES_CLOUD = [CloudCapability.routes, CloudCapability.cloudControl, CloudCapability.cloudRoutes, CloudCapability.instances] as const;

function networkCondition(node: V1Node | undefined) {
  return node?.status?.conditions?.find((c) => c.type === 'NetworkUnavailable');
}

function routeCreated(node: V1Node | undefined): boolean {
  const c = networkCondition(node);
  return c?.status === 'False' && c.reason === 'RouteCreated';
}

/** Polls the cloud's route table (cloud-control has no watch) until `accept` holds. */
function routeTable(ctx: CloudContext, accept: (routes: CloudRoute[]) => boolean, description: string): Promise<CloudRoute[]> {
  let last: CloudRoute[] = [];
  return waitFor(
    async () => {
      last = await ctx.env.cloud!.routes(ctx.signal);
      return accept(last) ? last : undefined;
    },
    { signal: ctx.signal, description, intervalMs: 50, maxIntervalMs: 1000 },
  ).catch((error: unknown) => {
    throw new ConformanceError(`${description}: not seen in the cloud's route table; it has ${JSON.stringify(last.map((r) => `${r.destinationCIDR}->${r.targetNode ?? (r.blackhole ? 'blackhole' : '?')}`))}`, { cause: error });
  });
}

const routeTo = (cidr: string, node?: string) => (routes: CloudRoute[]) => routes.some((r) => r.destinationCIDR === cidr && (node === undefined || r.targetNode === node));

/** A foreign route that the ledger removes again. */
async function addRoute(ctx: CloudContext, route: CloudRoute): Promise<void> {
  const cloud = ctx.env.cloud!;
  await cloud.createRoute(route, ctx.signal);
  ctx.ledger.add(`route ${route.destinationCIDR}`, (signal) => cloud.deleteRoute(route.destinationCIDR, signal));
}

export const routeTests = [
  cloudTest({
    id: 'cloud.routes.existing-nodes-routed',
    title: 'every node with a pod CIDR reports NetworkUnavailable=False with reason RouteCreated',
    spec: spec('route controller', 'once all pod CIDRs of a node are routed, NetworkUnavailable is False, reason RouteCreated', ROUTE_CONTROLLER),
    profile: 'core',
    requires: ROUTES,
    // It reads every node: one another test registered a moment ago is not routed yet.
    sharedState: NEEDS_NODES_STEADY,
    async run(ctx) {
      const nodes = (await raceSignal(ctx.env.core.listNode(), ctx.signal, 'listing nodes')).items.filter((n) => n.spec?.podCIDR || n.spec?.podCIDRs?.length);
      const inCluster = nodes.filter((n) => [n.spec?.podCIDR, ...(n.spec?.podCIDRs ?? [])].some((c) => c && c.includes('.') && cidrInside(c, ctx.env.clusterCidr)));
      if (inCluster.length === 0) throw new ConformanceError(`no node has a pod CIDR inside the cluster CIDR ${ctx.env.clusterCidr} (--cluster-cidr)`);
      const unrouted = inCluster.filter((n) => !routeCreated(n)).map((n) => `${n.metadata?.name}: ${JSON.stringify(networkCondition(n) ?? 'no NetworkUnavailable condition')}`);
      if (unrouted.length) throw new ConformanceError(`nodes not reported routed: ${unrouted.join('; ')}`);
    },
  }),
  cloudTest({
    id: 'cloud.routes.route-per-pod-cidr',
    title: "a registered node's pod CIDR gets a cloud route to it and NetworkUnavailable=False",
    spec: spec('route controller', 'one route per node pod CIDR, targeting the node; then NetworkUnavailable False/RouteCreated', ROUTE_CONTROLLER),
    profile: 'extended',
    requires: ROUTES_CLOUD,
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    operations: ['CreateRoute', 'ListRoutes'],
    async run(ctx) {
      const started = Date.now();
      const node = await registerNode(ctx);
      await routeTable(ctx, routeTo(node.podCidr!, node.name), `a route ${node.podCidr} -> ${node.name}`);
      await node.observer.object(node.name, routeCreated, `NetworkUnavailable=False/RouteCreated on node ${node.name}`, ctx.signal, (n) => JSON.stringify(networkCondition(n) ?? null));
      ctx.measure('route_seconds', (Date.now() - started) / 1000);
    },
  }),
  cloudTest({
    id: 'cloud.routes.removed-with-node',
    title: "deleting a node removes its pod CIDR's route",
    spec: spec('route controller', 'routes inside the cluster CIDR that target a node no longer in the cluster are deleted', ROUTE_CONTROLLER),
    profile: 'extended',
    requires: ROUTES_CLOUD,
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    operations: ['DeleteRoute'],
    async run(ctx) {
      const node = await registerNode(ctx);
      await routeTable(ctx, routeTo(node.podCidr!, node.name), `a route ${node.podCidr} -> ${node.name}`);
      await ctx.env.core.deleteNode({ name: node.name });
      await node.observer.gone(node.name, `node ${node.name} deleted`, ctx.signal);
      await routeTable(ctx, (routes) => !routeTo(node.podCidr!)(routes), `route ${node.podCidr} removed after node ${node.name} was deleted`);
    },
  }),
  cloudTest({
    id: 'cloud.routes.foreign-routes-untouched',
    title: 'routes outside the cluster CIDR are left alone',
    spec: spec('route controller', 'only routes inside the cluster CIDR are reconciled; others are never deleted', ROUTE_CONTROLLER),
    profile: 'extended',
    requires: ROUTES_CLOUD,
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    async run(ctx) {
      // 198.18.0.0/15 is for benchmarking networks; outside any sensible cluster CIDR.
      const foreign = `198.18.${Number.parseInt(ctx.env.runId.slice(0, 2), 16)}.0/24`;
      if (cidrInside(foreign, ctx.env.clusterCidr)) ctx.notSupported(`the cluster CIDR ${ctx.env.clusterCidr} covers ${foreign}`);
      await addRoute(ctx, { destinationCIDR: foreign, blackhole: true });
      // A node routed after the foreign route was added shows a reconcile has run since.
      const witness = await registerNode(ctx);
      await routeTable(ctx, routeTo(witness.podCidr!, witness.name), `a route ${witness.podCidr} -> ${witness.name}`);
      await witness.observer.object(witness.name, routeCreated, `NetworkUnavailable=False on ${witness.name}`, ctx.signal);
      const routes = await ctx.env.cloud!.routes(ctx.signal);
      if (!routeTo(foreign)(routes)) throw new ConformanceError(`the route ${foreign}, outside the cluster CIDR ${ctx.env.clusterCidr}, was deleted by the CCM`);
    },
  }),
  cloudTest({
    id: 'cloud.routes.blackhole-removed',
    title: 'a blackhole route inside the cluster CIDR is removed',
    spec: spec('route controller', 'routes inside the cluster CIDR that are blackholes are deleted', ROUTE_CONTROLLER),
    profile: 'extended',
    requires: ROUTES_CLOUD,
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    async run(ctx) {
      const cidr = ctx.env.nextPodCidr();
      await addRoute(ctx, { destinationCIDR: cidr, blackhole: true });
      // Nudge: a node registration makes a reconcile happen promptly on watch-driven controllers too.
      await registerNode(ctx);
      await routeTable(ctx, (routes) => !routeTo(cidr)(routes), `blackhole route ${cidr} removed`);
    },
  }),
  cloudTest({
    id: 'cloud.routes.create-failure-reported',
    title: 'a failing route creation sets NetworkUnavailable=True/NoRouteCreated and records FailedToCreateRoute',
    spec: spec('route controller', 'a CreateRoute error sets NetworkUnavailable True, reason NoRouteCreated, and records Warning FailedToCreateRoute', ROUTE_CONTROLLER),
    profile: 'extended',
    requires: [...ROUTES_CLOUD, CloudCapability.routeFault],
    tags: NODE_TAGS,
    sharedState: CHANGES_NODES,
    async run(ctx) {
      const cloud = ctx.env.cloud!;
      const instance = await createInstance(ctx, ctx.unique('node'));
      await cloud.injectFault('create-route', { message: 'conformal: route table full', node: instance.nodeName }, ctx.signal);
      ctx.ledger.add('create-route fault', (signal) => cloud.clearFault('create-route', signal));
      const events = await watchEvents(ctx.env.kc, { kind: 'Node', name: instance.nodeName }, ctx.ledger);
      const node = await registerNode(ctx, { instance });
      await node.observer.object(node.name, (n) => networkCondition(n)?.status === 'True' && networkCondition(n)?.reason === 'NoRouteCreated', `NetworkUnavailable=True/NoRouteCreated on node ${node.name}`, ctx.signal, (n) => JSON.stringify(networkCondition(n) ?? null));
      await events.waitFor({ reason: 'FailedToCreateRoute', type: 'Warning' }, ctx.signal, `node ${node.name}`);
    },
  }),
];
