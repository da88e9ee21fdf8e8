// The reference runtime's image store. PullImage really pulls over the OCI distribution API
// (plain HTTP for loopback registries, HTTPS otherwise) and keeps the image config and the
// small regular files of its layers, which simulated processes can `cat`.
import { gunzipSync } from 'node:zlib';
import { Parser } from 'tar';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';

export interface ImageRecord {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  config: { Env?: string[]; Cmd?: string[]; Entrypoint?: string[]; User?: string; WorkingDir?: string };
  files: Map<string, Buffer>;
  /** Every path of the layers (files of any size, directories, links). */
  paths: Set<string>;
}

export interface ParsedReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** "host:port/repo:tag" or "repo@sha256:…"; Docker Hub defaults as containerd applies them. */
export function parseReference(reference: string): ParsedReference {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  let registry = 'docker.io';
  if (slash >= 0 && /[.:]|^localhost$/.test(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (registry === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  if (!tag && !digest) tag = 'latest';
  return { registry, repository: rest, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export function canonicalTag(parsed: ParsedReference): string | undefined {
  return parsed.tag ? `${parsed.registry}/${parsed.repository}:${parsed.tag}` : undefined;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

export class PullError extends Error {
  constructor(
    message: string,
    readonly notFound: boolean,
  ) {
    super(message);
  }
}

function baseUrl(registry: string): string {
  const host = registry.replace(/:\d+$/, '');
  const loopback = host === 'localhost' || host.startsWith('127.') || host === '[::1]';
  return `${loopback ? 'http' : 'https'}://${registry}`;
}

/** GET over a unix socket (a registry mirror given as unix:///path). */
function getOverUnixSocket(socketPath: string, url: string, signal: AbortSignal, accept?: string): Promise<{ status: number; body: Buffer; type: string; digest: string | null }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ socketPath, path: new URL(url).pathname, headers: accept ? { Accept: accept } : {}, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), type: String(res.headers['content-type'] ?? ''), digest: (res.headers['docker-content-digest'] as string | undefined) ?? null }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function fetchBytes(url: string, signal: AbortSignal, accept?: string, socketPath?: string): Promise<{ body: Buffer; type: string; digest: string | null }> {
  let response: { status: number; body: Buffer; type: string; digest: string | null };
  try {
    if (socketPath) response = await getOverUnixSocket(socketPath, url, signal, accept);
    else {
      const answer = await fetch(url, { signal, headers: accept ? { Accept: accept } : {} });
      response = { status: answer.status, body: Buffer.from(await answer.arrayBuffer()), type: answer.headers.get('content-type') ?? '', digest: answer.headers.get('docker-content-digest') };
    }
  } catch (error) {
    throw new PullError(`cannot reach ${url}${socketPath ? ` (${socketPath})` : ''}: ${(error as Error).message}`, false);
  }
  if (response.status === 404) throw new PullError(`${url}: not found`, true);
  if (response.status < 200 || response.status > 299) throw new PullError(`${url}: HTTP ${response.status}`, false);
  return response;
}

function digestOf(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/** Regular files up to this size are kept in memory for `cat`; binaries are skipped. */
const KEPT_FILE_LIMIT = 64 * 1024;

function filesOf(layer: Buffer, into: Map<string, Buffer>, paths: Set<string>): void {
  const tarball = layer[0] === 0x1f && layer[1] === 0x8b ? gunzipSync(layer) : layer;
  const parser = new Parser({
    onReadEntry: (entry) => {
      const path = '/' + entry.path.replace(/^\.?\//, '').replace(/\/$/, '');
      if (path !== '/') paths.add(path);
      if (entry.type !== 'File' || (entry.size ?? 0) > KEPT_FILE_LIMIT) {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => into.set(path, Buffer.concat(chunks)));
    },
  });
  parser.end(tarball);
}

/** Registry host -> the host:port (or unix:///socket) actually asked for its images (containerd's hosts.toml mirrors). */
export type RegistryMirrors = ReadonlyMap<string, string>;

/**
 * Pulls `reference`; returns the image id (config digest), the manifest digest and the record parts.
 * A mirrored registry is fetched from its mirror; the image keeps the name it was asked by.
 */
export async function pullFromRegistry(
  reference: string,
  signal: AbortSignal,
  mirrors: RegistryMirrors = new Map(),
): Promise<{ record: Omit<ImageRecord, 'repoTags' | 'repoDigests'>; manifestDigest: string; parsed: ParsedReference }> {
  const parsed = parseReference(reference);
  const mirror = mirrors.get(parsed.registry);
  // A mirror may be a unix socket (unix:///path): a client in another network namespace still reaches it.
  const socketPath = mirror?.startsWith('unix://') ? mirror.slice('unix://'.length) : undefined;
  const base = socketPath ? `http://localhost/v2/${parsed.repository}` : `${baseUrl(mirror ?? parsed.registry)}/v2/${parsed.repository}`;
  const get = (url: string, accept?: string) => fetchBytes(url, signal, accept, socketPath);
  let manifestResponse = await get(`${base}/manifests/${parsed.digest ?? parsed.tag}`, MANIFEST_TYPES);
  let manifestDigest = parsed.digest ?? manifestResponse.digest ?? digestOf(manifestResponse.body);
  let manifest = JSON.parse(manifestResponse.body.toString()) as {
    mediaType?: string;
    manifests?: Array<{ digest: string; platform?: { os?: string; architecture?: string } }>;
    config?: { digest: string };
    layers?: Array<{ digest: string; size: number }>;
  };
  // As containerd counts an image's size: every blob of it, the manifest (and the index) included.
  let size = manifestResponse.body.length;
  if (manifest.manifests) {
    const arch = process.arch === 'x64' ? 'amd64' : process.arch;
    const chosen = manifest.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch) ?? manifest.manifests[0];
    if (!chosen) throw new PullError(`${reference}: image index lists no manifest`, true);
    manifestResponse = await get(`${base}/manifests/${chosen.digest}`, MANIFEST_TYPES);
    manifest = JSON.parse(manifestResponse.body.toString()) as typeof manifest;
    size += manifestResponse.body.length;
    if (!parsed.digest) manifestDigest = manifestResponse.digest ?? manifestDigest;
  }
  if (!manifest.config) throw new PullError(`${reference}: manifest has no config`, false);
  const configBlob = await get(`${base}/blobs/${manifest.config.digest}`);
  if (digestOf(configBlob.body) !== manifest.config.digest) throw new PullError(`${reference}: config digest mismatch`, false);
  const config = (JSON.parse(configBlob.body.toString()) as { config?: ImageRecord['config'] }).config ?? {};
  const files = new Map<string, Buffer>();
  const paths = new Set<string>();
  size += configBlob.body.length;
  for (const layer of manifest.layers ?? []) {
    const blob = await get(`${base}/blobs/${layer.digest}`);
    if (digestOf(blob.body) !== layer.digest) throw new PullError(`${reference}: layer ${layer.digest} digest mismatch`, false);
    size += blob.body.length;
    filesOf(blob.body, files, paths);
  }
  return { record: { id: manifest.config.digest, size, config, files, paths }, manifestDigest, parsed };
}

export class ImageStore {
  readonly #images = new Map<string, ImageRecord>();

  list(): ImageRecord[] {
    return [...this.#images.values()];
  }

  /** Finds an image by id (with or without "sha256:"), full id prefix, tag reference or digest reference. */
  find(reference: string): ImageRecord | undefined {
    if (!reference) return undefined;
    const byId = this.#images.get(reference) ?? this.#images.get(`sha256:${reference}`);
    if (byId) return byId;
    const parsed = parseReference(reference);
    const tag = canonicalTag(parsed);
    const digestRef = parsed.digest ? `${parsed.registry}/${parsed.repository}@${parsed.digest}` : undefined;
    for (const image of this.#images.values()) {
      if (tag && !parsed.digest && image.repoTags.includes(tag)) return image;
      if (digestRef && image.repoDigests.includes(digestRef)) return image;
    }
    if (/^[0-9a-f]{12,64}$/.test(reference)) return [...this.#images.values()].find((image) => image.id.startsWith(`sha256:${reference}`));
    return undefined;
  }

  add(pulled: Awaited<ReturnType<typeof pullFromRegistry>>): ImageRecord {
    const { record, manifestDigest, parsed } = pulled;
    const tag = canonicalTag(parsed);
    const digestRef = `${parsed.registry}/${parsed.repository}@${manifestDigest}`;
    // A tag moves to the newly pulled image.
    if (tag) for (const other of this.#images.values()) if (other.id !== record.id) other.repoTags = other.repoTags.filter((t) => t !== tag);
    const existing = this.#images.get(record.id);
    const image = existing ?? { ...record, repoTags: [], repoDigests: [] };
    if (tag && !image.repoTags.includes(tag)) image.repoTags.push(tag);
    if (!image.repoDigests.includes(digestRef)) image.repoDigests.push(digestRef);
    this.#images.set(image.id, image);
    return image;
  }

  /**
   * Removes the image with every tag and digest, whichever reference names it (RemoveImage); with
   * `onlyTheTag`, a tag reference removes just that tag and the image goes with its last tag.
   */
  remove(reference: string, onlyTheTag = false): void {
    const image = this.find(reference);
    if (!image) return;
    if (!onlyTheTag) {
      this.#images.delete(image.id);
      return;
    }
    const parsed = parseReference(reference);
    const tag = canonicalTag(parsed);
    const byTag = !parsed.digest && tag !== undefined && image.repoTags.includes(tag);
    if (byTag) {
      image.repoTags = image.repoTags.filter((t) => t !== tag);
      if (image.repoTags.length > 0) return;
    }
    this.#images.delete(image.id);
  }
}
