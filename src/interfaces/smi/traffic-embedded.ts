// Traffic on the embedded default: the reference data plane sends each request from the client
// pod's own proxy, over real loopback sockets, exactly as the exec-ed client would in a cluster.
import { raceSignal } from '../../core/deadline.js';
import type { ReferenceMeshHandle } from '../../reference/smi/index.js';
import type { Traffic, TrafficReply, TrafficRequest } from './traffic.js';

const CONCURRENCY = 10;

export class EmbeddedTraffic implements Traffic {
  constructor(private readonly mesh: ReferenceMeshHandle) {}

  /** Up to 10 requests in flight, as Gateway API's weight check sends them. */
  async send(request: TrafficRequest, count: number, signal: AbortSignal): Promise<TrafficReply[]> {
    const replies: TrafficReply[] = new Array(count);
    const { from, service, namespace, port, protocol, method, path, headers } = request;
    const one = () => this.mesh.send({ from, service, namespace, port, protocol, ...(method ? { method } : {}), ...(path ? { path } : {}), ...(headers ? { headers: { ...headers } } : {}) });
    let next = 0;
    const worker = async () => {
      while (next < count && !signal.aborted) {
        const i = next++;
        replies[i] = await raceSignal(one(), signal, 'a request through the reference data plane');
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
    return replies;
  }
}
