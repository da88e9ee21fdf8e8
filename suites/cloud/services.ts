// LoadBalancer Services for the service-controller tests: one namespace per test, a watch of its
// Services and of the events about the Service, and a re-sync barrier.
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { isIP } from 'node:net';
import { raceSignal } from '../../src/core/deadline.js';
import { ConformanceError } from '../../src/core/errors.js';
import { watchEvents, type EventLog } from '../../src/kube-kit/events.js';
import { createTestNamespace } from '../../src/kube-kit/namespace.js';
import { createTracked } from '../../src/kube-kit/objects.js';
import { observe, type ResourceObserver } from '../../src/kube-kit/observe.js';
import { Resources } from '../../src/kube-kit/resource.js';
import { runLabels } from '../../src/kube-kit/run-labels.js';
import { LB_CLEANUP_FINALIZER } from '../../src/interfaces/cloud/well-known.js';
import type { CloudContext } from './define.js';

export const SERVICE_CONTROLLER = 'controllers/service/controller.go';
const RESYNC_ANNOTATION = 'conformal.io/resync';

export interface TestService {
  readonly name: string;
  readonly namespace: string;
  readonly services: ResourceObserver<V1Service>;
  readonly events: EventLog;
  current(): V1Service | undefined;
}

export async function serviceNamespace(ctx: CloudContext): Promise<{ namespace: string; services: ResourceObserver<V1Service> }> {
  const namespace = await createTestNamespace(ctx.env.kc, ctx, ctx.env.runId);
  const services = await observe<V1Service>(ctx.env.kc, Resources.services(namespace), ctx.ledger);
  return { namespace, services };
}

/** Creates a LoadBalancer Service (or the given variant) and starts recording events about it. */
export async function createService(ctx: CloudContext, where: { namespace: string; services: ResourceObserver<V1Service> }, spec: Partial<V1Service['spec']> = {}, name = 'lb'): Promise<TestService> {
  const events = await watchEvents(ctx.env.kc, { kind: 'Service', name, namespace: where.namespace }, ctx.ledger);
  const body: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: where.namespace },
    spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
  };
  await createTracked(ctx.env.kc, ctx.ledger, body, runLabels(ctx.env.runId, ctx.test.id), ctx.signal);
  return { name, namespace: where.namespace, services: where.services, events, current: () => where.services.get(name, where.namespace) };
}

export function ingressOf(service: V1Service | undefined): Array<{ ip?: string; hostname?: string; ipMode?: string }> {
  return service?.status?.loadBalancer?.ingress ?? [];
}

export function hasFinalizer(service: V1Service | undefined): boolean {
  return service?.metadata?.finalizers?.includes(LB_CLEANUP_FINALIZER) ?? false;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function ingressProblems(service: V1Service): string[] {
  const ingress = ingressOf(service);
  if (ingress.length === 0) return ['status.loadBalancer.ingress is empty'];
  return ingress.flatMap((entry, i) => {
    const problems: string[] = [];
    if (!entry.ip && !entry.hostname) problems.push(`ingress[${i}] has neither ip nor hostname`);
    if (entry.ip && isIP(entry.ip) === 0) problems.push(`ingress[${i}].ip "${entry.ip}" is not an IP address`);
    if (entry.hostname && (!DNS_SUBDOMAIN.test(entry.hostname) || isIP(entry.hostname) !== 0)) problems.push(`ingress[${i}].hostname "${entry.hostname}" is not a DNS name`);
    if (entry.ipMode !== undefined && !['VIP', 'Proxy'].includes(entry.ipMode)) problems.push(`ingress[${i}].ipMode "${entry.ipMode}" is neither VIP nor Proxy`);
    if (entry.ipMode !== undefined && !entry.ip) problems.push(`ingress[${i}] has an ipMode but no ip`);
    return problems;
  });
}

export function describeService(service: V1Service | undefined): string {
  if (!service) return 'service absent';
  return `finalizers=${JSON.stringify(service.metadata?.finalizers ?? [])}, ingress=${JSON.stringify(ingressOf(service))}, deletionTimestamp=${service.metadata?.deletionTimestamp ?? 'none'}`;
}

/** Waits for the cleanup finalizer and an ingress: the load balancer is provisioned. */
export function provisioned(ctx: CloudContext, svc: TestService): Promise<V1Service> {
  return svc.services.object(svc.name, (s) => hasFinalizer(s) && ingressOf(s).length > 0, `service ${svc.namespace}/${svc.name} provisioned (cleanup finalizer and ingress)`, ctx.signal, describeService);
}

/** How many EnsuredLoadBalancer events (aggregated counts included) the service has had. */
export function ensuredCount(svc: TestService): number {
  return svc.events.count(ENSURED);
}

export const ENSURED = { reason: 'EnsuredLoadBalancer', type: 'Normal' } as const;

/** Merge-patches the Service (the client picks the content type from the body's form). */
export async function patchService(ctx: CloudContext, svc: TestService, patch: Record<string, unknown>): Promise<V1Service> {
  return raceSignal(
    ctx.env.core.patchNamespacedService({ name: svc.name, namespace: svc.namespace, body: patch }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
    ctx.signal,
    `patching service ${svc.namespace}/${svc.name}`,
  );
}

let resyncCounter = 0;

/**
 * Changes an annotation (any annotation change makes the service controller sync again) and
 * waits for the next EnsuredLoadBalancer: everything the previous sync wrote is written by then.
 */
export async function resyncBarrier(ctx: CloudContext, svc: TestService): Promise<V1Service> {
  const before = ensuredCount(svc);
  const written = await patchService(ctx, svc, { metadata: { annotations: { [RESYNC_ANNOTATION]: String(++resyncCounter) } } });
  await svc.events.waitForCount(ENSURED, before + 1, ctx.signal, `service ${svc.namespace}/${svc.name} after the re-sync annotation`);
  return written;
}

export function assertNoProblems(problems: string[], what: string): void {
  if (problems.length) throw new ConformanceError(`${what}: ${problems.join('; ')}`);
}
