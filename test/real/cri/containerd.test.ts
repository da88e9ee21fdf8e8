// The CRI suite against a real containerd (Debian's 1.6) started for this test: every test must
// end as docs/cri/containerd.md records. Needs root and the tools .ci/setup/40-cri.sh installs.
import { execFile as execFileCb } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startTestImageRegistry, type TestImageRegistry } from '../../../src/registry/test-image-set.js';
import { requireTool } from '../../support/real-tools.js';
import { startContainerd, type RunningContainerd } from './containerd-process.js';

const execFile = promisify(execFileCb);
const containerd = requireTool('CONFORMAL_CONTAINERD');
const busybox = requireTool('CONFORMAL_BUSYBOX');
const isRoot = process.getuid?.() === 0;
if (process.env.CI === 'true' && !isRoot) throw new Error('the containerd test needs root under CI');

/** `| \`id\` | expected | why |` rows of docs/cri/containerd.md. */
function documentedTable(): Map<string, string> {
  const text = readFileSync(join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../../docs/cri/containerd.md'), 'utf8');
  const table = new Map<string, string>();
  for (const match of text.matchAll(/^\| `([a-z0-9.-]+)` \| (passed|failed|not supported) \|/gm)) table.set(match[1]!, match[2]!);
  return table;
}

interface Result {
  id: string;
  status: string;
  reason?: string;
}

describe.skipIf(!containerd || !busybox || !isRoot)('CRI suite against containerd', () => {
  let registry: TestImageRegistry;
  let runtime: RunningContainerd;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'conformal-cri-real-'));
    registry = await startTestImageRegistry({ busybox: busybox! });
    runtime = await startContainerd({ containerd: containerd!, registryHost: registry.registry.host, sandboxImage: registry.images.pause! });
  }, 60_000);

  afterAll(async () => {
    await runtime?.stop();
    await registry?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('ends every test as docs/cri/containerd.md records', async () => {
    const imagesFile = join(work, 'test-images.yaml');
    writeFileSync(imagesFile, stringify(registry.images));
    const reportDir = join(work, 'report');
    const started = Date.now();
    const run = await execFile(
      process.execPath,
      ['bin/conformal.js', 'run', 'cri', '--runtime-endpoint', runtime.endpoint, '--test-images', imagesFile, '--report-dir', reportDir],
      { cwd: join(import.meta.dirname ?? '.', '../../..'), maxBuffer: 64 * 1024 * 1024, timeout: 240_000 },
    ).catch((error: { stdout?: string; stderr?: string; code?: number }) => error);
    const seconds = (Date.now() - started) / 1000;
    const results = (JSON.parse(readFileSync(join(reportDir, 'artifacts', 'results.json'), 'utf8')) as { results: Result[] }).results;
    const table = documentedTable();
    const actual = new Map(results.map((r) => [r.id, r.status === 'skipped' ? 'not supported' : r.status]));
    const mismatches = results
      .filter((r) => table.get(r.id) !== actual.get(r.id))
      .map((r) => `${r.id}: documented ${table.get(r.id) ?? '(missing)'}, got ${actual.get(r.id)} ${r.reason ?? ''}`);
    for (const id of table.keys()) if (!actual.has(id)) mismatches.push(`${id}: documented but not run`);
    expect(mismatches, `${mismatches.join('\n')}\n--- CLI output ---\n${String(run.stdout ?? '').slice(-4000)}\n--- containerd log ---\n${runtime.log().slice(-3000)}`).toEqual([]);
    // Skipped rows are UNIMPLEMENTED answers, or the host-port test this CNI setup rules out by design.
    for (const r of results.filter((x) => x.status === 'skipped')) expect(r.reason).toMatch(/UNIMPLEMENTED|network\.host-port/);
    // Wall time is a benchmark figure (docs/cri/bench.md), not an assertion: CI runs other suites alongside.
    process.stdout.write(`CRI suite against containerd: ${seconds.toFixed(1)} s\n`);
    // The loopback registry really served the pulls.
    expect(registry.registry.requests.some((q) => q.path.includes('/manifests/'))).toBe(true);
  }, 300_000);
});
