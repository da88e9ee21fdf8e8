// Traffic through a traffic endpoint (--traffic-endpoint): a process that sends each request from
// inside the mesh on the suite's behalf and answers the replies. `conformal reference smi` serves
// one for its data plane, so a run against it from another process sends real traffic too.
import { raceSignal } from '../../core/deadline.js';
import { TargetUnreachableError } from '../../core/errors.js';
import type { Traffic, TrafficReply, TrafficRequest } from './traffic.js';

export class EndpointTraffic implements Traffic {
  constructor(private readonly url: string) {}

  async send(request: TrafficRequest, count: number, signal: AbortSignal): Promise<TrafficReply[]> {
    let response: Response;
    try {
      response = await raceSignal(fetch(`${this.url.replace(/\/$/, '')}/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ request, count }), signal }), signal, `POST ${this.url}/send`);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new TargetUnreachableError(this.url, `the traffic endpoint ${this.url} did not answer: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) throw new Error(`the traffic endpoint answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as TrafficReply[];
  }
}
