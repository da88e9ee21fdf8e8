// critest against every fault variant of the reference runtime (`conformal reference cri
// --reference-fault NAME`): which faults critest catches, next to the conformal test that catches
// each, must be docs/cri/critest.md's sensitivity table. A fault counts as caught when a spec that
// passes on the clean reference fails. Runs once per CI run (not in the second, Node 24, run).
// Faults run side by side, each reference and its critest in namespaces of their own
// (test/critest/namespaces.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRI_FAULTS, type CriFault } from '../../../src/reference/cri/faults.js';
import { repeatedCiRun, requireTool } from '../../support/real-tools.js';
import { documentedTable } from '../../critest/documented.js';
import { startCritestImages, type CritestImages } from '../../critest/images.js';
import { critestAgainstReference, type CritestRun } from '../../critest/run-critest.js';
import { createRunNamespaces, type RunNamespaces } from '../../critest/namespaces.js';
import { catchingTest } from '../../suites/cri/catching-tests.js';
import { packagePath } from '../../../src/core/paths.js';

const critest = requireTool('CONFORMAL_CRITEST');
const busybox = requireTool('CONFORMAL_BUSYBOX');
const isRoot = process.getuid?.() === 0;

/** Faults run at once, each with its own reference and critest (with PARALLEL ginkgo processes): the specs mostly wait. */
const WORKERS = 3;
const PARALLEL = 3;

describe.skipIf(!critest || !busybox || !isRoot || repeatedCiRun)('critest against the fault variants of the reference', () => {
  let images: CritestImages;
  let work: string;
  let imagesFile: string;
  let registrySocket: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'conformal-critest-faults-'));
    images = await startCritestImages(busybox!);
    // The references live in other network namespaces: they reach the registry through its socket.
    registrySocket = join(work, 'registry.sock');
    await images.registry.listenUnix(registrySocket);
    imagesFile = join(work, 'test-images.yaml');
    writeFileSync(imagesFile, images.testImagesYaml);
  }, 60_000);

  afterAll(async () => {
    await images?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const critestAgainst = (namespaces: RunNamespaces, fault?: CriFault): Promise<CritestRun> =>
    critestAgainstReference({ critest: critest!, registryHost: images.registry.host, registrySocket, testImagesFile: imagesFile, namespaces, parallel: PARALLEL, ...(fault ? { fault } : {}) });

  it('catches the faults docs/cri/critest.md says, by the specs it names', async () => {
    const started = Date.now();
    const namespaces = await Promise.all(Array.from({ length: WORKERS }, (_, i) => createRunNamespaces(`conformal-critest-${process.pid}-${i}`, mkdtempSync(join(work, `ns${i}-`)))));
    const caught = new Map<CriFault, string[]>();
    try {
      const clean = await critestAgainst(namespaces[0]!);
      const passing = new Set(clean.specs.filter((s) => s.state === 'passed').map((s) => s.name));
      const queue = Object.keys(CRI_FAULTS) as CriFault[];
      await Promise.all(
        namespaces.map(async (ns) => {
          for (let fault = queue.shift(); fault; fault = queue.shift()) {
            const run = await critestAgainst(ns, fault);
            caught.set(fault, run.specs.filter((s) => s.state !== 'passed' && s.state !== 'skipped' && passing.has(s.name)).map((s) => s.name).sort());
          }
        }),
      );
    } finally {
      await Promise.all(namespaces.map((ns) => ns.remove().catch(() => undefined)));
    }
    const mismatches: string[] = [];
    // docs/cri/critest.md: fault | what it breaks | conformal test | critest specs that fail (a count or "not caught") | one of them.
    // The count is a measurement (it varies by a few for faults that break many specs); the verdict and the named spec are held.
    const rows = documentedTable('faults');
    for (const [fault, , conformalTest, count, example] of rows) {
      if (!(fault! in CRI_FAULTS)) {
        mismatches.push(`${fault}: documented, but the reference has no such fault`);
        continue;
      }
      const failed = caught.get(fault as CriFault) ?? [];
      if (conformalTest !== catchingTest[fault as CriFault]) mismatches.push(`${fault}: conformal column says ${conformalTest}, faults.test.ts says ${catchingTest[fault as CriFault]}`);
      const verdictOk = count === 'not caught' ? failed.length === 0 && example === '—' : failed.length > 0 && failed.includes(example!);
      if (!verdictOk) mismatches.push(`${fault}: documented ${count} (${example}), critest failed ${JSON.stringify(failed)}`);
    }
    const documented = new Set(rows.map((r) => r[0]));
    for (const fault of Object.keys(CRI_FAULTS)) if (!documented.has(fault)) mismatches.push(`${fault}: not in the table; critest failed ${JSON.stringify(caught.get(fault as CriFault))}`);
    // The README's CRI section shows the same: fault | conformal test | caught or not caught.
    for (const [fault, conformalTest, verdict] of documentedTable('faults', packagePath('README.md'))) {
      const failed = caught.get(fault as CriFault) ?? [];
      const expected = failed.length ? 'caught' : 'not caught';
      if (conformalTest !== catchingTest[fault as CriFault] || verdict !== expected) mismatches.push(`README.md, ${fault}: documented ${conformalTest} / ${verdict}, expected ${catchingTest[fault as CriFault]} / ${expected}`);
    }
    if (documentedTable('faults', packagePath('README.md')).length !== Object.keys(CRI_FAULTS).length) mismatches.push('README.md: the sensitivity table does not have a row per fault');
    expect(mismatches, mismatches.join('\n')).toEqual([]);
    process.stdout.write(`critest fault loop: ${Object.keys(CRI_FAULTS).length} faults + the clean reference in ${((Date.now() - started) / 1000).toFixed(0)} s; caught ${[...caught.values()].filter((specs) => specs.length > 0).length}\n`);
  }, 900_000);
});
