// Builds OCI images in memory from a directory tree: one gzip layer made with the `tar`
// package, an image config and a manifest, every blob addressed by its sha256 digest.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { create as createTar } from 'tar';

export const MediaType = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface Blob {
  readonly digest: string;
  readonly mediaType: string;
  readonly content: Buffer;
}

export interface BuiltImage {
  /** The manifest blob; its digest is what `name@sha256:…` references. */
  readonly manifest: Blob;
  readonly config: Blob;
  readonly layers: readonly Blob[];
}

export interface ImageConfigOptions {
  readonly cmd?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly env?: readonly string[];
  readonly user?: string;
  readonly workingDir?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export function sha256(content: Buffer | string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

export function blobOf(mediaType: string, content: Buffer): Blob {
  return { digest: sha256(content), mediaType, content };
}

// A fixed timestamp keeps layers byte-identical across builds, so digests are stable.
const EPOCH = new Date('2020-01-01T00:00:00Z');

/** A reproducible uncompressed tar of everything under `dir`. */
export async function tarDirectory(dir: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = createTar({ cwd: dir, portable: true, mtime: EPOCH, gzip: false }, ['.']);
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Layer blob (gzip) and its diff id (digest of the uncompressed tar), as the config lists it. */
export function layerOf(tarball: Buffer): { blob: Blob; diffId: string } {
  return { blob: blobOf(MediaType.layer, gzipSync(tarball, { level: 6 })), diffId: sha256(tarball) };
}

export function buildImage(layers: ReadonlyArray<{ blob: Blob; diffId: string }>, options: ImageConfigOptions = {}): BuiltImage {
  const config = {
    created: EPOCH.toISOString(),
    architecture: goArch(),
    os: 'linux',
    config: {
      Env: options.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ...(options.cmd ? { Cmd: options.cmd } : {}),
      ...(options.entrypoint ? { Entrypoint: options.entrypoint } : {}),
      ...(options.user ? { User: options.user } : {}),
      ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
      ...(options.labels ? { Labels: options.labels } : {}),
    },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: [{ created: EPOCH.toISOString(), created_by: 'conformal test image builder' }],
  };
  const configBlob = blobOf(MediaType.config, Buffer.from(JSON.stringify(config)));
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.manifest,
    config: { mediaType: MediaType.config, digest: configBlob.digest, size: configBlob.content.length },
    layers: layers.map((l) => ({ mediaType: l.blob.mediaType, digest: l.blob.digest, size: l.blob.content.length })),
  };
  return { manifest: blobOf(MediaType.manifest, Buffer.from(JSON.stringify(manifest))), config: configBlob, layers: layers.map((l) => l.blob) };
}

/** Node's arch name -> the GOARCH name OCI uses. */
export function goArch(arch: string = process.arch): string {
  const names: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return names[arch] ?? arch;
}
