import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../../src/core/errors.js';
import { criFlags, criOptionsSchema, parseRegistryMirror } from '../../../src/interfaces/cri/options.js';
import { openCriSession } from '../../../src/interfaces/cri/session.js';
import { readTestImagesFile } from '../../../src/interfaces/cri/test-images-file.js';
import { RunLog } from '../../../src/core/log.js';

describe('CRI options', () => {
  it('has the flags the issue names', () => {
    const flags = criFlags.map((f) => f.flags.split(' ')[0]);
    for (const flag of ['--runtime-endpoint', '--image-endpoint', '--runtime-handler', '--test-images']) expect(flags).toContain(flag);
  });

  it('rejects an unknown fault by flag name', () => {
    const parse = criFlags.find((f) => f.key === 'referenceFault')!.parse!;
    expect(() => parse('nope', undefined)).toThrow(UsageError);
    expect(criOptionsSchema.safeParse({ referenceFault: 'nope' }).success).toBe(false);
  });

  it('refuses --reference-fault with a real runtime and --image-endpoint alone', async () => {
    const context = { signal: new AbortController().signal, log: new RunLog('quiet', () => {}), workDir: tmpdir(), runId: 'abc' };
    await expect(openCriSession(criOptionsSchema.parse({ runtimeEndpoint: 'unix:///nowhere.sock', referenceFault: 'hostname-ignored' }), context)).rejects.toMatchObject({ field: '--reference-fault' });
    await expect(openCriSession(criOptionsSchema.parse({ imageEndpoint: 'unix:///nowhere.sock' }), context)).rejects.toMatchObject({ field: '--image-endpoint' });
  });
});

describe('conformal reference cri --registry-mirror', () => {
  it('collects REGISTRY=HOST:PORT pairs and refuses anything else naming the flag', () => {
    expect(parseRegistryMirror('k8s.gcr.io=127.0.0.1:5000', parseRegistryMirror('gcr.io=127.0.0.1:5000', undefined))).toEqual({ 'gcr.io': '127.0.0.1:5000', 'k8s.gcr.io': '127.0.0.1:5000' });
    expect(parseRegistryMirror('gcr.io=unix:///run/registry.sock', undefined)).toEqual({ 'gcr.io': 'unix:///run/registry.sock' });
    for (const bad of ['gcr.io', 'gcr.io=', '=127.0.0.1:5000', 'gcr.io=http://127.0.0.1:5000']) expect(() => parseRegistryMirror(bad, undefined)).toThrow(/--registry-mirror/);
  });
});

describe('--test-images file', () => {
  const withFile = (content: string, check: (path: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'cri-images-'));
    try {
      writeFileSync(join(dir, 'images.yaml'), content);
      check(join(dir, 'images.yaml'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('reads image references', () =>
    withFile('busybox: registry.local/busybox:1.36\nuserImage: registry.local/user:1\n', (path) => {
      expect(readTestImagesFile(path)).toEqual({ busybox: 'registry.local/busybox:1.36', userImage: 'registry.local/user:1' });
    }));

  it('names the bad field', () =>
    withFile('busybox: x\nbusyboxDigest: x:1\n', (path) => {
      expect(() => readTestImagesFile(path)).toThrow(ConfigError);
      expect(() => readTestImagesFile(path)).toThrow(/busyboxDigest/);
    }));

  it('requires busybox and rejects unknown keys', () => {
    withFile('pause: x\n', (path) => expect(() => readTestImagesFile(path)).toThrow(/busybox/));
    withFile('busybox: x\nnginx: y\n', (path) => expect(() => readTestImagesFile(path)).toThrow(/nginx|Unrecognized/));
  });
});
