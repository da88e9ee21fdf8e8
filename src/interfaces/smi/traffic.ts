// One way to send traffic for every smi test, whatever the target: embedded, the reference data
// plane is asked (traffic-embedded.ts); in a cluster, the test client is exec-ed in a client pod
// (traffic-exec.ts). Tests only see this interface, so they are the same code for both.
export type Protocol = 'http' | 'tcp' | 'udp';

/** A pod traffic starts from: its ServiceAccount is the source identity. */
export interface ClientPod {
  readonly namespace: string;
  readonly pod: string;
  /** The container the client runs in (cluster only). */
  readonly container?: string;
}

export interface TrafficRequest {
  readonly from: ClientPod;
  readonly service: string;
  readonly namespace: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** HTTP only; GET by default. */
  readonly method?: string;
  /** HTTP only; "/" by default. */
  readonly path?: string;
  /** HTTP only. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TrafficReply {
  /** The request reached a server and got its answer (HTTP: a 2xx status). */
  readonly ok: boolean;
  /** HTTP status, when one came back (403 for a refused request, for example). */
  readonly status?: number;
  /** Name of the pod that answered. */
  readonly backend?: string;
  readonly error?: string;
}

export interface Traffic {
  /** Sends `count` requests one after another from `request.from`; one reply per request. */
  send(request: TrafficRequest, count: number, signal: AbortSignal): Promise<TrafficReply[]>;
}

export function describeRequest(r: TrafficRequest): string {
  const what = r.protocol === 'http' ? `${r.method ?? 'GET'} ${r.path ?? '/'}${r.headers && Object.keys(r.headers).length ? ` ${JSON.stringify(r.headers)}` : ''}` : r.protocol.toUpperCase();
  return `${what} from ${r.from.namespace}/${r.from.pod} to ${r.service}.${r.namespace}:${r.port}`;
}
