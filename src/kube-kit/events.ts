// Assertions on Kubernetes Events about an object. Controllers record them with client-go's
// recorder (core/v1) or the events.k8s.io/v1 API; kube-apiserver stores both as one resource, so
// reading core/v1 sees all. Events about cluster-scoped objects (Nodes) land in "default".
import type { CoreV1Event, KubeConfig } from '@kubernetes/client-node';
import { observe, type ResourceObserver } from './observe.js';
import { Resources } from './resource.js';

export interface InvolvedObject {
  readonly kind: string;
  readonly name: string;
  /** Namespace of a namespaced object; unset for cluster-scoped ones. */
  readonly namespace?: string;
  readonly uid?: string;
}

export interface EventMatch {
  readonly reason: string;
  readonly type?: 'Normal' | 'Warning';
}

/** The namespace an event about `object` is written to. */
export function eventNamespace(object: InvolvedObject): string {
  return object.namespace ?? 'default';
}

export function describeEvent(e: CoreV1Event): string {
  const by = e.reportingComponent || e.source?.component || 'unknown';
  return `${e.type ?? '?'} ${e.reason ?? '?'} from ${by}: ${(e.message ?? '').trim()}`;
}

/** Events seen about one object; wait for a reason, or read what arrived. */
export class EventLog {
  constructor(private readonly observer: ResourceObserver<CoreV1Event>) {}

  /** Every event about the object, in the order first seen. */
  all(): CoreV1Event[] {
    const seen = new Map<string, CoreV1Event>();
    for (const e of this.observer.events) if (e.phase !== 'DELETED') seen.set(e.object.metadata?.name ?? '', e.object);
    return [...seen.values()];
  }

  reasons(): string[] {
    return this.all().map((e) => e.reason ?? '');
  }

  find(match: EventMatch): CoreV1Event | undefined {
    return this.all().find((e) => e.reason === match.reason && (!match.type || e.type === match.type));
  }

  /** How often the reason was recorded: recorders aggregate repeats into one Event's count. */
  count(match: EventMatch): number {
    return this.all()
      .filter((e) => e.reason === match.reason && (!match.type || e.type === match.type))
      .reduce((n, e) => n + (e.count ?? 1), 0);
  }

  /** Waits until the reason has been recorded at least `atLeast` times. */
  waitForCount(match: EventMatch, atLeast: number, signal: AbortSignal, about: string): Promise<number> {
    return this.observer.until(
      () => {
        const n = this.count(match);
        return n >= atLeast ? n : undefined;
      },
      `${atLeast} ${match.reason} event(s) about ${about}`,
      signal,
      () => (this.all().length ? this.all().map((e) => `${describeEvent(e)} (x${e.count ?? 1})`).join(' | ') : 'no event about it'),
    );
  }

  /** Waits for an event with the reason (and type); answers it. */
  waitFor(match: EventMatch, signal: AbortSignal, about: string): Promise<CoreV1Event> {
    return this.observer.until(
      () => this.find(match),
      `a ${match.type ?? ''}${match.type ? ' ' : ''}event ${match.reason} about ${about}`,
      signal,
      () => (this.all().length ? this.all().map(describeEvent).join(' | ') : 'no event about it'),
    );
  }
}

/** Starts recording events about `object` (stopped by the ledger). */
export async function watchEvents(kc: KubeConfig, object: InvolvedObject, ledger: { add(d: string, undo: () => Promise<void>): unknown }): Promise<EventLog> {
  const selector = [`involvedObject.kind=${object.kind}`, `involvedObject.name=${object.name}`];
  if (object.uid) selector.push(`involvedObject.uid=${object.uid}`);
  const observer = await observe<CoreV1Event>(kc, Resources.events(eventNamespace(object)), ledger, { fieldSelector: selector.join(',') });
  return new EventLog(observer);
}
