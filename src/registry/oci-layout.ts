// Writes a built image as an OCI image layout directory (oci-layout, index.json, blobs/sha256/…),
// the on-disk form daemonless tools read: `umoci unpack --image DIR:TAG`, `skopeo copy oci:DIR:TAG …`,
// `podman pull oci:DIR:TAG`; and reads one back (scripts/build-image.mjs's output), so the loopback
// registry can serve it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaType, sha256, type Blob, type BuiltImage } from './oci-image.js';

async function writeBlob(dir: string, blob: Blob): Promise<void> {
  const [algorithm, hex] = blob.digest.split(':') as [string, string];
  await mkdir(join(dir, 'blobs', algorithm), { recursive: true });
  await writeFile(join(dir, 'blobs', algorithm, hex), blob.content);
}

/** Writes `image` into `dir` under the reference name `tag` (org.opencontainers.image.ref.name). */
export async function writeOciLayout(dir: string, image: BuiltImage, tag: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const blob of [...image.layers, image.config, image.manifest]) await writeBlob(dir, blob);
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.index,
    manifests: [{ mediaType: MediaType.manifest, digest: image.manifest.digest, size: image.manifest.content.length, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
}

async function readBlob(dir: string, digest: string, mediaType: string): Promise<Blob> {
  const [algorithm, hex] = digest.split(':') as [string, string];
  const content = await readFile(join(dir, 'blobs', algorithm, hex));
  if (sha256(content) !== digest) throw new Error(`${dir}: blob ${digest} does not match its digest`);
  return { digest, mediaType, content };
}

/** The image tagged `tag` in the OCI image layout `dir`, every blob checked against its digest. */
export async function readOciLayout(dir: string, tag: string): Promise<BuiltImage> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests?: Array<{ mediaType: string; digest: string; annotations?: Record<string, string> }> };
  const entry = index.manifests?.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!entry) throw new Error(`${dir}: no image tagged ${tag}`);
  if (entry.mediaType !== MediaType.manifest) throw new Error(`${dir}: ${tag} is a ${entry.mediaType}, not an image manifest`);
  const manifest = await readBlob(dir, entry.digest, MediaType.manifest);
  const { config, layers } = JSON.parse(manifest.content.toString('utf8')) as { config: { digest: string; mediaType: string }; layers: Array<{ digest: string; mediaType: string }> };
  return {
    manifest,
    config: await readBlob(dir, config.digest, config.mediaType),
    layers: await Promise.all(layers.map((layer) => readBlob(dir, layer.digest, layer.mediaType))),
  };
}
