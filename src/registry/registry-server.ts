// A read-only OCI distribution registry on loopback, the subset containerd's pull uses:
// GET /v2/, GET|HEAD manifests by tag or digest, GET|HEAD blobs. Plain HTTP, no auth.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Blob, BuiltImage } from './oci-image.js';

export interface RegistryRequestLog {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export class OciRegistry {
  readonly #blobs = new Map<string, Blob>();
  /** repository -> tag -> manifest digest */
  readonly #tags = new Map<string, Map<string, string>>();
  /** Builds a manifest on demand for tags not pushed (e.g. one fresh image per test). */
  readonly #generators = new Map<string, (tag: string) => BuiltImage>();
  readonly requests: RegistryRequestLog[] = [];
  #server: Server | undefined;
  readonly #unixServers: Server[] = [];
  #host = '';

  /** host:port once listening, e.g. 127.0.0.1:40123. */
  get host(): string {
    if (!this.#host) throw new Error('registry is not listening');
    return this.#host;
  }

  push(repository: string, tag: string, image: BuiltImage): string {
    for (const blob of [image.manifest, image.config, ...image.layers]) this.#blobs.set(blob.digest, blob);
    let tags = this.#tags.get(repository);
    if (!tags) this.#tags.set(repository, (tags = new Map()));
    tags.set(tag, image.manifest.digest);
    return image.manifest.digest;
  }

  /** Every tag of `repository` not pushed explicitly is built by `generate(tag)` on first request. */
  generateTags(repository: string, generate: (tag: string) => BuiltImage): void {
    this.#generators.set(repository, generate);
  }

  async listen(host = '127.0.0.1', port = 0): Promise<string> {
    const server = createServer((req, res) => this.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.#server = server;
    const address = server.address() as AddressInfo;
    this.#host = `${host}:${address.port}`;
    return this.#host;
  }

  /** Also serves on a unix socket: clients in other network namespaces reach it through the filesystem. */
  async listenUnix(path: string): Promise<void> {
    const server = createServer((req, res) => this.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    this.#unixServers.push(server);
  }

  async close(): Promise<void> {
    for (const unix of this.#unixServers.splice(0)) {
      unix.closeAllConnections();
      await new Promise<void>((resolve) => unix.close(() => resolve()));
    }
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #resolve(repository: string, reference: string): Blob | undefined {
    if (reference.startsWith('sha256:')) return this.#blobs.get(reference);
    const digest = this.#tags.get(repository)?.get(reference);
    if (digest) return this.#blobs.get(digest);
    const generate = this.#generators.get(repository);
    if (!generate || !/^[\w][\w.-]{0,127}$/.test(reference)) return undefined;
    const digestOfNew = this.push(repository, reference, generate(reference));
    return this.#blobs.get(digestOfNew);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://registry').pathname);
    const method = req.method ?? 'GET';
    const send = (status: number, body: Buffer | string, headers: Record<string, string | number> = {}) => {
      this.requests.push({ method, path, status });
      const content = typeof body === 'string' ? Buffer.from(body) : body;
      res.writeHead(status, { 'Content-Length': content.length, 'Docker-Distribution-API-Version': 'registry/2.0', ...headers });
      res.end(method === 'HEAD' ? undefined : content);
    };
    const error = (status: number, code: string, message: string) =>
      send(status, JSON.stringify({ errors: [{ code, message }] }), { 'Content-Type': 'application/json' });
    if (method !== 'GET' && method !== 'HEAD') return error(405, 'UNSUPPORTED', 'this registry is read-only');
    if (path === '/v2/' || path === '/v2') return send(200, '{}', { 'Content-Type': 'application/json' });
    const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
    if (!match) return error(404, 'NOT_FOUND', `no route for ${path}`);
    const [, repository, kind, reference] = match as unknown as [string, string, string, string];
    const blob = kind === 'manifests' ? this.#resolve(repository, reference) : this.#blobs.get(reference);
    if (!blob) return error(404, kind === 'manifests' ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN', `${repository}:${reference} not found`);
    send(200, blob.content, { 'Content-Type': blob.mediaType, 'Docker-Content-Digest': blob.digest });
  }
}
