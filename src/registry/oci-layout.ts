// Writes a built image as an OCI image layout directory (oci-layout, index.json, blobs/sha256/…),
// the on-disk form daemonless tools read: `umoci unpack --image DIR:TAG`, `skopeo copy oci:DIR:TAG …`,
// `podman pull oci:DIR:TAG`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaType, type Blob, type BuiltImage } from './oci-image.js';

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
