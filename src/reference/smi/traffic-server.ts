// The reference data plane's traffic endpoint, for a run against `conformal reference smi` from
// another process: POST /send {request, count} answers the replies, as the in-process call does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SendReply, SendRequest } from './dataplane.js';

const MAX_BODY = 64 * 1024;

export async function startTrafficServer(send: (r: SendRequest) => Promise<SendReply>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
      if (body.length > MAX_BODY) req.destroy();
    });
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST' || req.url !== '/send') {
          res.writeHead(404).end();
          return;
        }
        try {
          const { request, count } = JSON.parse(body) as { request: SendRequest; count: number };
          const replies: SendReply[] = [];
          for (let i = 0; i < Math.min(count, 10_000); i++) replies.push(await send(request));
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(replies));
        } catch (error) {
          res.writeHead(400, { 'content-type': 'text/plain' }).end((error as Error).message);
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
