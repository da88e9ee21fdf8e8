// Traffic on the embedded default: the reference data plane sends each request from the client
// pod's own proxy, over real loopback sockets, exactly as the exec-ed client would in a cluster.
import { raceSignal } from '../../core/deadline.js';
import type { ReferenceMeshHandle } from '../../reference/smi/index.js';
import type { Traffic, TrafficReply, TrafficRequest } from './traffic.js';

export class EmbeddedTraffic implements Traffic {
  constructor(private readonly mesh: ReferenceMeshHandle) {}

  async send(request: TrafficRequest, count: number, signal: AbortSignal): Promise<TrafficReply[]> {
    const replies: TrafficReply[] = [];
    const { from, service, namespace, port, protocol, method, path, headers } = request;
    for (let i = 0; i < count; i++) {
      replies.push(await raceSignal(this.mesh.send({ from, service, namespace, port, protocol, ...(method ? { method } : {}), ...(path ? { path } : {}), ...(headers ? { headers: { ...headers } } : {}) }), signal, 'a request through the reference data plane'));
    }
    return replies;
  }
}
