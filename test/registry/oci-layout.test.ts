// An image written as an OCI layout reads back blob for blob, and a layout that lies is refused.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildImage, layerOf } from '../../src/registry/oci-image.js';
import { readOciLayout, writeOciLayout } from '../../src/registry/oci-layout.js';
import { tarFromFiles } from '../../src/registry/test-image-set.js';

describe('OCI image layout', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  async function written(tag: string) {
    const dir = await mkdtemp(join(tmpdir(), 'conformal-layout-'));
    dirs.push(dir);
    const image = buildImage([layerOf(await tarFromFiles({ 'hello.txt': 'hello\n' }))], { cmd: ['/hello'] });
    await writeOciLayout(dir, image, tag);
    return { dir, image };
  }

  it('reads back the image written under a tag', async () => {
    const { dir, image } = await written('v1');
    expect(await readOciLayout(dir, 'v1')).toEqual(image);
  });

  it('refuses an unknown tag and a blob that does not match its digest', async () => {
    const { dir, image } = await written('v1');
    await expect(readOciLayout(dir, 'v2')).rejects.toThrow('no image tagged v2');
    const layer = join(dir, 'blobs', 'sha256', image.layers[0]!.digest.split(':')[1]!);
    await writeFile(layer, Buffer.concat([await readFile(layer), Buffer.from('x')]));
    await expect(readOciLayout(dir, 'v1')).rejects.toThrow('does not match its digest');
  });
});
