// Finding out, once per run, which controllers the CCM runs: claims are read from the cluster's
// own behaviour, never from a setting, so a core test is never skipped for a missing flag.
import { CoreV1Api, type KubeConfig, type V1Node, type V1Service } from '@kubernetes/client-node';
import { deadlineSignal } from '../../core/deadline.js';
import { Ledger } from '../../core/ledger.js';
import type { Logger } from '../../core/plugin.js';
import { observe } from '../../kube-kit/observe.js';
import { createTracked } from '../../kube-kit/objects.js';
import { Resources } from '../../kube-kit/resource.js';
import { runLabels } from '../../kube-kit/run-labels.js';
import { LB_CLEANUP_FINALIZER, ROUTE_CONDITION_REASONS, ZONE_LABEL } from './well-known.js';

/** Some node's NetworkUnavailable condition was written by a route controller. */
export function routeControllerSeen(nodes: readonly V1Node[]): boolean {
  return nodes.some((n) => n.status?.conditions?.some((c) => c.type === 'NetworkUnavailable' && ROUTE_CONDITION_REASONS.includes(c.reason ?? '')));
}

export function zonesSeen(nodes: readonly V1Node[]): boolean {
  return nodes.some((n) => n.metadata?.labels?.[ZONE_LABEL] !== undefined);
}

/**
 * Creates a LoadBalancer Service in a namespace of its own and waits for the service controller's
 * cleanup finalizer; everything is removed again whatever the answer.
 */
export async function probeServiceController(kc: KubeConfig, runId: string, timeoutMs: number, parent: AbortSignal, log: Logger): Promise<boolean> {
  const ledger = new Ledger();
  const deadline = deadlineSignal(timeoutMs, 'the probe LoadBalancer Service getting its cleanup finalizer', parent);
  try {
    const namespace = `conformal-probe-${runId}`;
    const labels = runLabels(runId);
    await createTracked(kc, ledger, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, labels, deadline.signal);
    const services = await observe<V1Service>(kc, Resources.services(namespace), ledger);
    const probe: V1Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lb-probe', namespace },
      spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], selector: { app: 'conformal-probe' } },
    };
    await createTracked(kc, ledger, probe, labels, deadline.signal);
    await services.object('lb-probe', (s) => s.metadata?.finalizers?.includes(LB_CLEANUP_FINALIZER) ?? false, 'the cleanup finalizer', deadline.signal);
    return true;
  } catch (error) {
    log.info(`no service controller found: ${(error as Error).message}`);
    return false;
  } finally {
    deadline.dispose();
    const cleanup = deadlineSignal(timeoutMs, 'removing the probe Service', parent);
    await ledger.drain(cleanup.signal);
    cleanup.dispose();
  }
}

export async function listNodes(kc: KubeConfig): Promise<V1Node[]> {
  return (await kc.makeApiClient(CoreV1Api).listNode()).items;
}
