// The in-memory API server listening on loopback, without a client of it: what startKubeServer
// (src/kube/index.ts) adds a client config to, and what a worker thread runs (src/kube/worker.ts).
// It loads nothing of client-node, so a worker running it does not load that either.
import { randomBytes } from 'node:crypto';
import { KubeHttpServer } from './server.js';
import { servingCertificate } from './tls.js';

export interface StartKubeServerOptions {
  /** TCP port on 127.0.0.1 (HTTPS); 0 or absent picks a free one. */
  port?: number;
  /** Bearer token clients must send; a random one by default. */
  token?: string;
  /** Bookmark interval for watches that allow bookmarks (default 1000 ms). */
  bookmarkIntervalMs?: number;
  /** Events kept per resource for watches resuming from a resourceVersion (default 10000). */
  watchHistory?: number;
  /** Unread output a watcher may pile up before it is cut off (default 16 MiB). */
  watchBacklogBytes?: number;
}

/** Where the server listens and what a client needs to trust and reach it. */
export interface KubeServerAddress {
  readonly url: string;
  readonly token: string;
  /** PEM of the self-signed serving certificate. */
  readonly caCert: string;
}

export async function listenKubeServer(options: StartKubeServerOptions = {}): Promise<KubeServerAddress & { close(): Promise<void> }> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const { cert, key } = await servingCertificate();
  const server = new KubeHttpServer({
    token,
    cert,
    key,
    port: options.port ?? 0,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
    watchHistory: options.watchHistory ?? 10_000,
    watchBacklogBytes: options.watchBacklogBytes,
  });
  const url = await server.listen();
  return { url, token, caCert: cert, close: () => server.close() };
}
