// critest against `conformal reference cri`, its images served by conformal's loopback registry:
// every spec passes except the rows of docs/cri/critest.md's reference table, each of which ends as
// that row says. Needs root (critest's mount specs mount on the node; the run has network and IPC
// namespaces of its own, test/critest/namespaces.ts) and .ci/setup/41-critest.sh.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../../support/real-tools.js';
import { documentedTable } from '../../critest/documented.js';
import { startCritestImages, type CritestImages } from '../../critest/images.js';
import { critestAgainstReference } from '../../critest/run-critest.js';
import { createRunNamespaces } from '../../critest/namespaces.js';

const critest = requireTool('CONFORMAL_CRITEST');
const busybox = requireTool('CONFORMAL_BUSYBOX');
const isRoot = process.getuid?.() === 0;
if (process.env.CI === 'true' && !isRoot) throw new Error('critest needs root under CI');

describe.skipIf(!critest || !busybox || !isRoot)('critest against the reference runtime', () => {
  let images: CritestImages;
  let namespaces: Awaited<ReturnType<typeof createRunNamespaces>>;
  let work: string;
  let imagesFile: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'conformal-critest-test-'));
    images = await startCritestImages(busybox!);
    await images.registry.listenUnix(join(work, 'registry.sock'));
    imagesFile = join(work, 'test-images.yaml');
    writeFileSync(imagesFile, images.testImagesYaml);
    namespaces = await createRunNamespaces(`conformal-critest-ref-${process.pid}`, work);
  }, 60_000);

  afterAll(async () => {
    await namespaces?.remove();
    await images?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 30_000);

  it('passes every spec but the documented ones, which end as documented', async () => {
    const run = await critestAgainstReference({ critest: critest!, registryHost: images.registry.host, registrySocket: join(work, 'registry.sock'), testImagesFile: imagesFile, namespaces, parallel: 4 });
    const documented = new Map(documentedTable('reference').map(([name, status]) => [name!, status!]));
    const mismatches: string[] = [];
    for (const spec of run.specs) {
      const expected = documented.get(spec.name) ?? 'passed';
      if (spec.state !== expected) mismatches.push(`${spec.name}: documented ${expected}, got ${spec.state} ${spec.failure.slice(0, 300)}`);
    }
    const names = new Set(run.specs.map((s) => s.name));
    for (const name of documented.keys()) if (!names.has(name)) mismatches.push(`${name}: documented, but critest has no such spec`);
    expect(mismatches, `${mismatches.join('\n')}\n--- critest ---\n${run.outputTail}`).toEqual([]);
    // The images really came from the loopback registry.
    expect(images.registry.requests.some((r) => r.path.includes('/k8s-staging-cri-tools/'))).toBe(true);
    process.stdout.write(`critest against the reference: ${run.specs.filter((s) => s.state === 'passed').length} of ${run.specs.length} specs passed in ${run.seconds.toFixed(1)} s\n`);
  }, 600_000);
});
