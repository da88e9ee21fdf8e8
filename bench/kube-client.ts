// A plain HTTPS client for Kubernetes API servers, used by the differential scenarios and the
// benchmark so both servers see exactly the same requests (no client library in between).
import { Agent, request } from 'node:https';

export interface KubeEndpoint {
  url: string;
  token: string;
  caCert: string;
}

export interface KubeResponse {
  code: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of any shape
  headers: Record<string, string | string[] | undefined>;
}

export interface WatchStream {
  /** Events received so far, in order. */
  events: { type: string; object: any }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Resolves when at least `n` events arrived, or rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs: number): Promise<void>;
  /** Called for each event as it arrives (the benchmark's latency probe). */
  onEvent?: (event: { type: string; object: any }) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** When set, receives each raw event line instead of it being parsed (keeps the client cheap). */
  onLine?: (line: string) => void;
  ended: Promise<void>;
  close(): void;
}

export class RawKubeClient {
  private readonly agent: Agent;

  constructor(readonly endpoint: KubeEndpoint, maxSockets = 64) {
    this.agent = new Agent({ keepAlive: true, maxSockets, ca: endpoint.caCert });
  }

  request(method: string, path: string, body?: unknown, contentType = 'application/json', headers: Record<string, string> = {}): Promise<KubeResponse> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.endpoint.url}${path}`,
        {
          method,
          agent: this.agent,
          timeout: 30_000,
          headers: {
            Authorization: `Bearer ${this.endpoint.token}`,
            Accept: 'application/json',
            ...(payload !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON (healthz and friends): keep the text
            }
            resolve({ code: res.statusCode ?? 0, body: parsed, headers: res.headers });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Opens a watch (the path must carry watch=true); events are parsed line by line. */
  watch(path: string, accept = 'application/json'): Promise<WatchStream> {
    return new Promise((resolve, reject) => {
      const events: WatchStream['events'] = [];
      let waiters: (() => boolean)[] = [];
      let endResolve!: () => void;
      const ended = new Promise<void>((r) => (endResolve = r));
      const req = request(`${this.endpoint.url}${path}`, { headers: { Authorization: `Bearer ${this.endpoint.token}`, Accept: accept }, ca: this.endpoint.caCert }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`watch ${path} answered ${res.statusCode}`));
          return;
        }
        let buffer = '';
        const stream: WatchStream = {
          events,
          waitFor: (n, timeoutMs) =>
            new Promise<void>((ok, fail) => {
              if (events.length >= n) return ok();
              const timer = setTimeout(() => fail(new Error(`watch ${path}: ${events.length} of ${n} events after ${timeoutMs} ms: ${JSON.stringify(events.map((e) => e.type))}`)), timeoutMs);
              const check = () => {
                if (events.length >= n) {
                  clearTimeout(timer);
                  ok();
                  return true;
                }
                return false;
              };
              waiters.push(check);
            }),
          ended,
          close: () => req.destroy(),
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let newline: number;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, newline).trim();
            buffer = buffer.slice(newline + 1);
            if (!line) continue;
            if (stream.onLine) {
              stream.onLine(line);
              continue;
            }
            const event = JSON.parse(line) as { type: string; object: unknown };
            events.push(event);
            stream.onEvent?.(event);
            waiters = waiters.filter((w) => !w());
          }
        });
        res.on('end', endResolve);
        res.on('close', endResolve);
        resolve(stream);
      });
      req.on('error', (error) => {
        endResolve();
        reject(error);
      });
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
