// The CRI suite against real containerd started for this test, Debian's 1.6 and a 2.x built from the
// module proxy: every test must end as its column of docs/cri/containerd.md records. Needs root and the
// tools .ci/setup/40-cri.sh and 42-containerd2.sh install.
import { execFile as execFileCb } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CriClient } from '../../../src/interfaces/cri/client.js';
import type { StatusResponse } from '../../../src/interfaces/cri/types.js';
import { startTestImageRegistry, type TestImageRegistry } from '../../../src/registry/test-image-set.js';
import { requireTool } from '../../support/real-tools.js';
import { startContainerd, type RunningContainerd } from './containerd-process.js';

const execFile = promisify(execFileCb);
const busybox = requireTool('CONFORMAL_BUSYBOX');
const isRoot = process.getuid?.() === 0;
/** A cgroup v2 (unified) host has cgroup.controllers at the root; a v1 or hybrid host does not. */
const cgroupV1Host = !existsSync('/sys/fs/cgroup/cgroup.controllers');
if (process.env.CI === 'true' && !isRoot) throw new Error('the containerd test needs root under CI');

/** One containerd generation: the binary, the config layout it reads, its column of the doc's table. */
interface Generation {
  readonly label: string;
  readonly binary: string | undefined;
  readonly configVersion: 2 | 4;
  /** The version the column header names; the runtime must report it. */
  readonly version: string;
  readonly column: 0 | 1;
  /** The runc it runs containers with: Debian's on PATH for 1.6, runc 1.5 built from source for 2.x. */
  readonly runc?: { readonly binary: string | undefined };
}

const generations: readonly Generation[] = [
  { label: 'containerd 1.6', binary: requireTool('CONFORMAL_CONTAINERD'), configVersion: 2, version: '1.6.20', column: 0 },
  { label: 'containerd 2', binary: requireTool('CONFORMAL_CONTAINERD2'), configVersion: 4, version: '2.4.2', column: 1, runc: { binary: requireTool('CONFORMAL_RUNC_UPSTREAM') } },
];

/** `| \`id\` | 1.6 | 2.x | why |` rows of docs/cri/containerd.md: the expected status in one column. */
function documentedTable(column: 0 | 1): Map<string, string> {
  const text = readFileSync(join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../../docs/cri/containerd.md'), 'utf8');
  const status = '(passed|failed|not supported)';
  const table = new Map<string, string>();
  for (const match of text.matchAll(new RegExp(`^\\| \`([a-z0-9.-]+)\` \\| ${status} \\| ${status} \\|`, 'gm'))) table.set(match[1]!, match[2 + column]!);
  return table;
}

interface Result {
  id: string;
  status: string;
  reason?: string;
}

for (const generation of generations) {
  describe.skipIf(!generation.binary || (generation.runc && !generation.runc.binary) || !busybox || !isRoot)(`CRI suite against ${generation.label}`, () => {
    let registry: TestImageRegistry;
    let runtime: RunningContainerd;
    let work: string;

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'conformal-cri-real-'));
      registry = await startTestImageRegistry({ busybox: busybox! });
      runtime = await startContainerd({
        containerd: generation.binary!,
        configVersion: generation.configVersion,
        runcBinary: generation.runc?.binary,
        registryHost: registry.registry.host,
        sandboxImage: registry.images.pause!,
      });
    }, 60_000);

    afterAll(async () => {
      await runtime?.stop();
      await registry?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    }, 60_000);

    it(`ends every test as the ${generation.version} column of docs/cri/containerd.md records`, async () => {
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
      const report = JSON.parse(readFileSync(join(reportDir, 'artifacts', 'results.json'), 'utf8')) as { implementation: { version?: string }; results: Result[] };
      // The column is about this version: a different binary must not pass as it.
      expect(report.implementation.version).toMatch(new RegExp(`^v?${generation.version.replace(/\./g, '\\.')}\\b`));
      const results = report.results;
      const table = documentedTable(generation.column);
      const actual = new Map(results.map((r) => [r.id, r.status === 'skipped' ? 'not supported' : r.status]));
      const mismatches = results
        .filter((r) => table.get(r.id) !== actual.get(r.id))
        .map((r) => `${r.id}: documented ${table.get(r.id) ?? '(missing)'}, got ${actual.get(r.id)} ${r.reason ?? ''}`);
      for (const id of table.keys()) if (!actual.has(id)) mismatches.push(`${id}: documented but not run`);
      expect(mismatches, `${mismatches.join('\n')}\n--- CLI output ---\n${String(run.stdout ?? '').slice(-4000)}\n--- containerd log ---\n${runtime.log().slice(-3000)}`).toEqual([]);
      // Skipped rows are UNIMPLEMENTED answers, the host-port test this CNI setup rules out by design,
      // or user namespaces where the runtime handler's Status features do not report them.
      for (const r of results.filter((x) => x.status === 'skipped')) expect(r.reason).toMatch(/UNIMPLEMENTED|network\.host-port|runtime\.user-namespaces/);
      // Wall time is a benchmark figure (docs/cri/bench.md), not an assertion: CI runs other suites alongside.
      process.stdout.write(`CRI suite against ${generation.label}: ${seconds.toFixed(1)} s\n`);
      // The config is in the layout this version reads natively, not one it had to migrate.
      expect(runtime.log()).not.toMatch(/Configuration migrated/);
      // The loopback registry really served the pulls.
      expect(registry.registry.requests.some((q) => q.path.includes('/manifests/'))).toBe(true);
    }, 300_000);

    it('reports a cgroup v1 host as docs/cri/containerd.md says', async () => {
      const client = new CriClient({ runtimeEndpoint: runtime.endpoint });
      try {
        const { status } = await client.runtime<StatusResponse>('Status', { verbose: false }, AbortSignal.timeout(10_000));
        const condition = status?.conditions.find((c) => c.type === 'ContainerdHasNoDeprecationWarnings');
        if (generation.configVersion === 2) {
          expect(condition, 'containerd 1.6 has no deprecation condition').toBeUndefined();
          return;
        }
        // containerd 2 keeps RuntimeReady and NetworkReady true and reports cgroup v1 as a deprecation condition.
        const deprecations = Object.keys(condition?.message ? (JSON.parse(condition.message) as object) : {});
        expect(condition?.status).toBe(deprecations.length === 0);
        expect(deprecations.some((id) => id.endsWith('/cgroup-v1'))).toBe(cgroupV1Host);
      } finally {
        client.close();
      }
    }, 30_000);
  });
}
