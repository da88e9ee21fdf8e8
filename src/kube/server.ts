// The HTTPS front of the in-memory API server: loopback only, bearer token on every request,
// Kubernetes REST paths mapped onto KubeApi verbs, Status objects for every error.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { KubeApi, type ListResult, type Target, type WriteResult } from './api.js';
import { aggregatedGroups, proxyToApiService, remoteApiService } from './aggregator.js';
import { AGGREGATED_MEDIA, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from './discovery.js';
import { openApiV2, openApiV3ForGroupVersion, openApiV3Index } from './openapi.js';
import { decodeProtobufObject } from './protobuf.js';
import { conversionReadError, convertedWrite, convertObjects } from './conversion.js';
import { badRequest, KubeApiError, resourceNotFound, unauthorized, unsupportedBody } from './status.js';
import { checkForm, negotiate, partialMetadata } from './media.js';
import { toTable, type IncludeObject } from './table.js';
import { apiVersionOf, type KubeObject } from './types.js';
import { SERVER_VERSION } from './version.js';
import { cachedJson, serveWatch } from './watch.js';


const MAX_BODY = 3 * 1024 * 1024;

/** A Warning header value as kube-apiserver writes it (RFC 7234 code 299, no agent). */
const warningValue = (text: string): string => `299 - ${JSON.stringify(text)}`;

export interface KubeHttpOptions {
  token: string;
  /** PEM serving certificate and key (see tls.ts). */
  cert: string;
  key: string;
  port?: number;
  /** How often a watch that allows bookmarks gets one. */
  bookmarkIntervalMs?: number;
  /** Events kept per resource for resuming watches (older resourceVersions get 410 Expired). */
  watchHistory?: number;
  /** Unread output a watcher may pile up before it is cut off (default 16 MiB). */
  watchBacklogBytes?: number;
}

export class KubeHttpServer {
  readonly api: KubeApi;
  private readonly server: Server;
  private readonly token: Buffer;
  private address = '';
  /** Every TCP socket, handshaking or not: close() must not wait for a client to hang up. */
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: KubeHttpOptions) {
    this.api = new KubeApi(options.watchHistory);
    this.token = Buffer.from(options.token);
    this.server = createServer({ keepAliveTimeout: 60_000, cert: options.cert, key: options.key }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => this.fail(res, error));
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      // Loopback only: one static token guards everything.
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.address = `127.0.0.1:${port}`;
    return `https://${this.address}`;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m) return false;
    const given = Buffer.from(m[1]!.trim());
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }

  private fail(res: ServerResponse, error: unknown): void {
    const apiError = error instanceof KubeApiError ? error : new KubeApiError(500, 'InternalError', `Internal error occurred: ${(error as Error)?.message ?? String(error)}`);
    if (res.headersSent) {
      res.end();
      return;
    }
    this.json(res, apiError.code, apiError.toStatus(), 'application/json', apiError.warnings);
  }

  private json(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', warnings: string[] = []): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string | string[]> = { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-cache, private' };
    // writeHead's headers replace those set before; keep an earlier warning (a deprecated kind's) first.
    const earlier = res.getHeader('Warning');
    if (warnings.length > 0) headers.Warning = [...(earlier === undefined ? [] : [earlier].flat().map(String)), ...warnings.map(warningValue)];
    res.writeHead(code, headers);
    res.end(text);
  }

  /** The request body; plain events rather than an async iterator (cheaper per request). */
  private readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          req.destroy();
          reject(new KubeApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
          return;
        }
        chunks.push(chunk);
      });
      req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      req.once('error', reject);
    });
  }

  private parseObject(body: Buffer, contentType: string): unknown {
    if (/protobuf/.test(contentType)) return decodeProtobufObject(body, contentType);
    if (/cbor/.test(contentType)) throw unsupportedBody(contentType);
    const text = body.toString('utf8');
    if (text.trim() === '') return undefined;
    try {
      return /yaml/.test(contentType) ? parseYaml(text) : JSON.parse(text);
    } catch (error) {
      throw badRequest(`the body of the request could not be decoded: ${(error as Error).message}`);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.authorized(req)) throw unauthorized();
    const url = requestUrl(req.url ?? '/');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    const accept = req.headers.accept;

    if (parts.length === 0 || ['healthz', 'livez', 'readyz'].includes(parts[0]!)) {
      if (parts.length === 0) return this.json(res, 200, { paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/openapi/v2', '/openapi/v3', '/readyz', '/version'] });
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (parts[0] === 'version' && parts.length === 1) return this.json(res, 200, SERVER_VERSION);
    if (parts[0] === 'openapi') return this.openapi(res, parts);
    if (parts[0] === 'api') {
      if (parts.length === 1) {
        if (wantsAggregated(accept)) return this.json(res, 200, aggregatedDiscovery(this.api.registry, true), AGGREGATED_MEDIA);
        return this.json(res, 200, apiVersions(this.address));
      }
      if (parts[1] !== 'v1') throw resourceNotFound();
      if (parts.length === 2) return this.json(res, 200, apiResourceList(this.api.registry, '', 'v1'));
      return this.resource(req, res, url, '', 'v1', parts.slice(2));
    }
    if (parts[0] === 'apis') {
      if (parts.length === 1) {
        if (wantsAggregated(accept)) return this.json(res, 200, aggregatedDiscovery(this.api.registry, false), AGGREGATED_MEDIA);
        return this.json(res, 200, withAggregated(apiGroupList(this.api.registry), aggregatedGroups(this.api)));
      }
      const group = parts[1]!;
      const remote = parts.length >= 3 ? remoteApiService(this.api, group, parts[2]!) : undefined;
      if (remote) return proxyToApiService(this.api, remote, req, res);
      if (parts.length === 2) {
        const doc = apiGroup(this.api.registry, group);
        if (!doc) throw resourceNotFound();
        return this.json(res, 200, doc);
      }
      const version = parts[2]!;
      if (parts.length === 3) {
        const doc = apiResourceList(this.api.registry, group, version);
        if (!doc) throw resourceNotFound();
        return this.json(res, 200, doc);
      }
      return this.resource(req, res, url, group, version, parts.slice(3));
    }
    throw resourceNotFound();
  }

  private openapi(res: ServerResponse, parts: string[]): void {
    if (parts[1] === 'v2' && parts.length === 2) return this.json(res, 200, openApiV2(this.api.registry));
    if (parts[1] === 'v3') {
      if (parts.length === 2) return this.json(res, 200, openApiV3Index(this.api.registry));
      const [kind, a, b] = parts.slice(2);
      const doc = kind === 'api' && a ? openApiV3ForGroupVersion(this.api.registry, '', a) : kind === 'apis' && a && b ? openApiV3ForGroupVersion(this.api.registry, a, b) : undefined;
      if (doc) return this.json(res, 200, doc);
    }
    throw resourceNotFound();
  }

  private target(url: RequestUrl, group: string, version: string, segments: string[], req: IncomingMessage): Target {
    const registry = this.api.registry;
    let namespace: string | undefined;
    let rest = segments;
    if (segments[0] === 'namespaces' && segments.length >= 3 && registry.lookup(group, version, segments[2]!)?.type.namespaced) {
      namespace = segments[1];
      rest = segments.slice(2);
    }
    const [plural, name, subresource, ...extra] = rest;
    const served = plural ? registry.lookup(group, version, plural) : undefined;
    if (!served || extra.length > 0) throw resourceNotFound();
    if (served.type.namespaced && namespace === undefined && name !== undefined) throw resourceNotFound();
    if (subresource !== undefined && !((subresource === 'status' && served.version.status) || (subresource === 'scale' && served.version.scale))) {
      throw resourceNotFound();
    }
    const agent = req.headers['user-agent'] ?? 'unknown';
    const target: Target = { served, query: url.searchParams, userAgentManager: agent.split('/')[0] || 'unknown' };
    if (namespace !== undefined) target.namespace = namespace;
    if (name !== undefined) target.name = name;
    if (subresource !== undefined) target.subresource = subresource;
    return target;
  }

  private async resource(req: IncomingMessage, res: ServerResponse, url: RequestUrl, group: string, version: string, segments: string[]): Promise<void> {
    const target = this.target(url, group, version, segments, req);
    // Every verb on a deprecated kind warns, errors included, as kube-apiserver's installer wraps each route.
    const deprecation = target.served.version.deprecationWarning;
    if (deprecation) res.setHeader('Warning', warningValue(deprecation));
    const method = req.method ?? 'GET';
    const contentType = req.headers['content-type'] ?? 'application/json';
    const negotiated = negotiate(req.headers.accept);
    const table = negotiated.form === 'Table';
    const metadataOnly = negotiated.form === 'PartialObjectMetadata' || negotiated.form === 'PartialObjectMetadataList' ? negotiated.version : undefined;
    const include = (url.searchParams.get('includeObject') ?? 'Metadata') as IncludeObject;
    const api = this.api;
    const { type } = target.served;
    // CRD conversion webhooks: answers leave in the requested version; writes to another version than storage go through convertedWrite.
    const desired = apiVersionOf(type.group, target.served.version.name);
    const convert = type.conversion && !metadataOnly ? async (obj: KubeObject) => (await convertObjects(type, [obj], desired))[0]! : undefined;
    const write = async (result: WriteResult) => {
      let object = result.object as KubeObject;
      if (convert && object?.kind === type.kind) object = await convert(object);
      const reduced = metadataOnly && object?.metadata && object.kind !== 'Status' && !Array.isArray(object.items) ? partialMetadata(object, metadataOnly) : object;
      // A written object is usually the stored one: its JSON is made once for the answer and every watcher.
      this.json(res, result.code, reduced?.metadata ? cachedJson(reduced) : reduced, 'application/json', result.warnings);
    };
    if (type.verbs && !(method === 'POST' && type.verbs.includes('create'))) {
      throw new KubeApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
    if (type.review) {
      const body = this.parseObject(await this.readBody(req), contentType);
      return write({ object: type.review(api.reviewBody(target, body)), code: 201, warnings: [] });
    }

    if (type.conversion && !target.served.version.storage && method !== 'GET' && method !== 'DELETE') {
      const body = method === 'PATCH' ? (await this.readBody(req)).toString('utf8') : this.parseObject(await this.readBody(req), contentType);
      return write(await convertedWrite(api, target, method, body, contentType));
    }

    switch (method) {
      case 'GET': {
        if (target.name === undefined) {
          const watch = url.searchParams.get('watch');
          if (watch === 'true' || watch === '1') {
            serveWatch(api, target, res, { bookmarkIntervalMs: this.options.bookmarkIntervalMs ?? 1000, table, metadataOnly, maxBacklogBytes: this.options.watchBacklogBytes, convert });
            return;
          }
          const listed = api.list(target);
          if (convert) listed.items = await convertObjects(type, listed.items, desired);
          checkForm(negotiated, type, true);
          if (table) return this.json(res, 200, toTable(listed.items, target.served.version.columns, listMeta(listed), include, target.served.version.nameColumn !== false));
          return this.json(res, 200, listJson(target, listed, metadataOnly));
        }
        if (target.name !== undefined && url.searchParams.get('watch') === 'true') throw resourceNotFound();
        const stored = api.get(target);
        checkForm(negotiated, type, false);
        const obj = convert && target.subresource !== 'scale' ? await convert(stored).catch((error: unknown) => Promise.reject(conversionReadError(type, stored, error))) : stored;
        if (metadataOnly) return this.json(res, 200, partialMetadata(target.subresource === 'scale' ? api.scaleOf(target.served, obj) : obj, metadataOnly));
        if (target.subresource === 'scale') return this.json(res, 200, api.scaleOf(target.served, obj));
        if (table) return this.json(res, 200, toTable([obj], target.served.version.columns, { resourceVersion: obj.metadata.resourceVersion }, include, target.served.version.nameColumn !== false));
        return this.json(res, 200, cachedJson(obj));
      }
      case 'POST':
        if (target.name !== undefined) throw new KubeApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        return write(api.create(target, this.parseObject(await this.readBody(req), contentType)));
      case 'PUT': {
        if (target.name === undefined) throw new KubeApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const body = this.parseObject(await this.readBody(req), contentType);
        return write(target.subresource === 'scale' ? api.updateScale(target, body) : api.update(target, body));
      }
      case 'PATCH':
        if (target.name === undefined) throw new KubeApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        return write(api.patch(target, (await this.readBody(req)).toString('utf8'), contentType));
      case 'DELETE': {
        const body = this.parseObject(await this.readBody(req), contentType);
        const options: Record<string, unknown> = body !== null && typeof body === 'object' ? { ...(body as object) } : {};
        const policy = url.searchParams.get('propagationPolicy');
        if (policy) options.propagationPolicy = policy;
        if (target.subresource !== undefined) throw new KubeApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        return write(target.name === undefined ? api.deleteCollection(target, options) : api.delete(target, options));
      }
      default:
        throw new KubeApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
  }
}

interface RequestUrl {
  pathname: string;
  searchParams: URLSearchParams;
}

/** Path and query of a request target (origin-form, as HTTP/1.1 clients send it): cheaper than a WHATWG URL per request. */
function requestUrl(raw: string): RequestUrl {
  const q = raw.indexOf('?');
  return q < 0 ? { pathname: raw, searchParams: new URLSearchParams() } : { pathname: raw.slice(0, q), searchParams: new URLSearchParams(raw.slice(q + 1)) };
}

function listMeta(listed: ListResult): Record<string, unknown> {
  const meta: Record<string, unknown> = { resourceVersion: listed.resourceVersion };
  if (listed.continueToken) meta.continue = listed.continueToken;
  if (listed.remainingItemCount !== undefined) meta.remainingItemCount = listed.remainingItemCount;
  return meta;
}

/**
 * Lists are assembled from cached item JSON: a 10k list costs string joins, not 10k
 * serializations. With `metadataOnly` (a meta.k8s.io version) it is a PartialObjectMetadataList.
 */
function listJson(target: Target, listed: ListResult, metadataOnly?: string): string {
  const { type, version } = target.served;
  if (metadataOnly) {
    const head = JSON.stringify({ kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${metadataOnly}`, metadata: listMeta(listed) });
    return `${head.slice(0, -1)},"items":[${listed.items.map((item: KubeObject) => JSON.stringify(partialMetadata(item, metadataOnly))).join(',')}]}`;
  }
  const head = JSON.stringify({ kind: type.listKind, apiVersion: apiVersionOf(type.group, version.name), metadata: listMeta(listed) });
  return `${head.slice(0, -1)},"items":[${listed.items.map((item: KubeObject) => cachedJson(item)).join(',')}]}`;
}

/** /apis with the groups of service-backed APIServices added (kube-aggregator merges them likewise). */
function withAggregated(list: object, groups: Array<{ group: string; versions: string[] }>): object {
  const doc = list as { groups: Array<{ name: string }> };
  const extra = groups
    .filter((g) => !doc.groups.some((known) => known.name === g.group))
    .map((g) => ({ name: g.group, versions: g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v })), preferredVersion: { groupVersion: `${g.group}/${g.versions[0]}`, version: g.versions[0] } }));
  return { ...doc, groups: [...doc.groups, ...extra] };
}
