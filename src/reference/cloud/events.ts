// core/v1 Events as client-go's recorder writes them: named "<object>.<hex time>", in the object's
// namespace ("default" for cluster-scoped objects), source.component and reportingComponent set to
// the controller's name, and an identical repeat folded into the first Event by bumping its count.
import { errorMessage, MERGE_PATCH, statusCode, type KubeClient, type Logger } from './kube-client.js';
import { nowTimestamp } from './kube-types.js';

export interface InvolvedObject {
  kind: 'Node' | 'Service';
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
}

export type EventType = 'Normal' | 'Warning';

let sequence = 0n;

/** A name client-go would give: the object's name and the time in nanoseconds as hex, made unique. */
function eventName(object: string): string {
  const nanos = BigInt(Date.now()) * 1_000_000n + (sequence++ % 1_000_000n);
  return `${object}.${nanos.toString(16)}`;
}

export class EventRecorder {
  private tail: Promise<void> = Promise.resolve();
  /** Aggregation key → the Event carrying it and its count. */
  private readonly sent = new Map<string, { name: string; namespace: string; count: number }>();

  constructor(
    private readonly client: KubeClient,
    readonly component: string,
    private readonly log: Logger,
  ) {}

  /** Queues the Event; writes happen in order, after the caller moves on (as client-go's broadcaster). */
  event(object: InvolvedObject, type: EventType, reason: string, message: string): void {
    this.log.debug(`${this.component}: ${type} ${reason} ${object.kind}/${object.name}: ${message}`);
    this.tail = this.tail.then(() => this.write(object, type, reason, message)).catch((error: unknown) => {
      this.log.warn(`${this.component}: could not record event ${reason} on ${object.kind}/${object.name}: ${errorMessage(error)}`);
    });
  }

  /** Resolves once every queued Event is written. */
  flush(): Promise<void> {
    return this.tail;
  }

  private async write(object: InvolvedObject, type: EventType, reason: string, message: string): Promise<void> {
    const namespace = object.namespace || 'default';
    const key = [object.kind, namespace, object.name, object.uid ?? '', type, reason, message].join('\0');
    const now = nowTimestamp();
    const previous = this.sent.get(key);
    if (previous) {
      try {
        previous.count++;
        await this.client.core.patchNamespacedEvent({ name: previous.name, namespace, body: { count: previous.count, lastTimestamp: now } }, MERGE_PATCH);
        return;
      } catch (error) {
        if (statusCode(error) !== 404) throw error;
        // The Event expired or was deleted: start a new one.
      }
    }
    const name = eventName(object.name);
    const involvedObject: Record<string, string> = { apiVersion: 'v1', kind: object.kind, name: object.name };
    if (object.namespace) involvedObject.namespace = object.namespace;
    if (object.uid) involvedObject.uid = object.uid;
    if (object.resourceVersion) involvedObject.resourceVersion = object.resourceVersion;
    await this.client.core.createNamespacedEvent({
      namespace,
      body: {
        metadata: { name, namespace },
        involvedObject,
        reason,
        message,
        type,
        source: { component: this.component },
        // client-node's serializer passes a timestamp string through unchanged.
        firstTimestamp: now as unknown as Date,
        lastTimestamp: now as unknown as Date,
        count: 1,
        reportingComponent: this.component,
        reportingInstance: '',
      },
    });
    this.sent.set(key, { name, namespace, count: 1 });
  }
}
