import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaType } from '../../src/registry/oci-image.js';
import { startTestImageRegistry, type TestImageRegistry } from '../../src/registry/test-image-set.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('loopback OCI registry with the CRI test images', () => {
  let served: TestImageRegistry;
  let base: string;
  beforeAll(async () => {
    served = await startTestImageRegistry();
    base = `http://${served.registry.host}`;
  });
  afterAll(() => served.close());

  it('answers the API version check', async () => {
    const response = await fetch(`${base}/v2/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('serves a manifest by tag and by digest, with HEAD, whose blobs match their digests', async () => {
    const byTag = await fetch(`${base}/v2/conformal/busybox/manifests/1.0`);
    expect(byTag.headers.get('content-type')).toBe(MediaType.manifest);
    const body = Buffer.from(await byTag.arrayBuffer());
    const digest = byTag.headers.get('docker-content-digest')!;
    expect(sha(body)).toBe(digest);
    expect(served.images.busyboxDigest).toBe(`${served.registry.host}/conformal/busybox@${digest}`);
    const head = await fetch(`${base}/v2/conformal/busybox/manifests/${digest}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(body.length);
    const manifest = JSON.parse(body.toString()) as { config: { digest: string }; layers: Array<{ digest: string; size: number }> };
    for (const blob of [manifest.config, ...manifest.layers]) {
      const content = Buffer.from(await (await fetch(`${base}/v2/conformal/busybox/blobs/${blob.digest}`)).arrayBuffer());
      expect(sha(content)).toBe(blob.digest);
    }
  });

  it('answers 404 with an OCI error for unknown manifests and blobs', async () => {
    const missing = await fetch(`${base}/v2/conformal/nothing/manifests/1.0`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe('MANIFEST_UNKNOWN');
    expect((await fetch(`${base}/v2/conformal/busybox/blobs/sha256:${'0'.repeat(64)}`)).status).toBe(404);
  });

  it('builds a distinct image for every scratch tag', async () => {
    const config = async (tag: string) => {
      const manifest = (await (await fetch(`${base}/v2/conformal/scratch/manifests/${tag}`)).json()) as { config: { digest: string } };
      return manifest.config.digest;
    };
    const a = await config('one');
    expect(await config('two')).not.toBe(a);
    expect(await config('one')).toBe(a);
  });

  it('is read-only', async () => {
    expect((await fetch(`${base}/v2/conformal/busybox/manifests/1.0`, { method: 'PUT', body: '{}' })).status).toBe(405);
  });
});
