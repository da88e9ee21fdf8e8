// End-to-end: the real CLI on the embedded CSI reference and on fixtures; exit codes, reports
// written in every case, errors that name the field.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../src/core/paths.js';
import type { RunResult } from '../../src/core/results.js';
import { startCsiReference } from '../../src/reference/csi/index.js';
import { conformal, spawnConformal } from '../support/cli.js';
import { NEVER_ANSWER, startMutatingProxy } from '../suites/csi/mutating-proxy.js';

const work = mkdtempSync(join(tmpdir(), 'conformal-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'artifacts', 'results.json'), 'utf8')) as RunResult;

// Each case starts one or more real CLI processes; allow for a loaded 2-core machine.
describe('conformal run csi (embedded reference)', { timeout: 120_000 }, () => {
  it('passes every test, exits 0 and writes results.json and JUnit', async () => {
    const dir = join(work, 'pass');
    const run = await conformal(['run', 'csi', '--report-dir', dir]);
    expect(run.stderr).not.toMatch(/error|WARN/i);
    expect(run.code).toBe(0);
    const result = readResult(dir);
    expect(result.warnings).toEqual([]);
    expect(result.leaks).toEqual([]);
    expect(result.outcome).toBe('completed');
    expect(result.summary.failed).toBe(0);
    expect(result.summary.passed).toBeGreaterThanOrEqual(150);
    expect(result.implementation.embeddedReference).toBe(true);
    expect(readFileSync(join(dir, 'artifacts', 'junit_01.xml'), 'utf8')).toContain('<testsuites');
    expect(run.stdout).toMatch(/\d+ passed, 0 failed/);
  });

  it('the leak check names volumes a driver keeps listing after DeleteVolume answered OK', async () => {
    const dir = join(work, 'leaks');
    await conformal(['run', 'csi', '--reference-fault', 'delete-volume-keeps-volume', '--report-dir', dir, '-q']);
    const result = readResult(dir);
    expect(result.warnings).toEqual([]); // the check itself ran (it lists snapshots with the configured secrets)
    expect(result.leaks.length).toBeGreaterThan(0);
    expect(result.leaks.every((leak) => /^volume \S+ \(still listed after DeleteVolume\/DeleteSnapshot succeeded\)$/.test(leak))).toBe(true);
  });

  it('a reader that closes the pipe early (`| head`) does not stop the reports', async () => {
    const dir = join(work, 'closed-pipe');
    const child = spawnConformal(['run', 'csi', '--report-dir', dir]);
    child.stdout!.once('data', () => child.stdout!.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(readResult(dir).summary.failed).toBe(0);
    expect(existsSync(join(dir, 'finished.json'))).toBe(true);
  });

  it('exits 1 when a test fails (a fault-injected reference) and still writes the report', async () => {
    const dir = join(work, 'fail');
    const run = await conformal(['run', 'csi', '--reference-fault', 'create-volume-not-idempotent', '--report-dir', dir, '-q']);
    expect(run.code).toBe(1);
    const result = readResult(dir);
    expect(result.summary.failed).toBeGreaterThan(0);
    expect(run.stdout).toContain('failed:');
    // Failure details travel to vendors and testgrid: stack frames relative to the package, no machine paths.
    const details = result.results.flatMap((r) => r.attempts.map((a) => a.error?.detail ?? '')).join('\n');
    expect(details).toMatch(/^\s+at .*\(suites\/csi\/\S+\.ts:\d+:\d+\)$/m); // the test's own file, mapped from the bundle
    expect(details).not.toContain(packagePath());
    expect(details).not.toContain('node:internal');
    expect(readFileSync(join(dir, 'artifacts', 'junit_01.xml'), 'utf8')).not.toContain(packagePath());
  });

  it('skips, naming the capability, what the reference was told to lack', async () => {
    const run = await conformal(['list', 'csi', '--output', 'json']);
    const catalog = JSON.parse(run.stdout) as { tests: Array<{ id: string; requires: string[] }> };
    const needsListVolumes = catalog.tests.filter((t) => t.requires.includes('controller.LIST_VOLUMES')).map((t) => t.id);
    expect(needsListVolumes.length).toBeGreaterThan(0);
    const dir = join(work, 'skip');
    // LIST_VOLUMES_PUBLISHED_NODES goes too: advertising it without LIST_VOLUMES is itself a violation.
    const result = await conformal(['run', 'csi', '--reference-disable', 'controller.LIST_VOLUMES', '--reference-disable', 'controller.LIST_VOLUMES_PUBLISHED_NODES', '--report-dir', dir, '-q']);
    expect(result.code).toBe(0);
    for (const id of needsListVolumes) {
      const test = readResult(dir).results.find((r) => r.id === id)!;
      expect(test.status).toBe('skipped');
      expect(test.reason).toMatch(/^feature \S.* not supported: the target lacks controller\.LIST_VOLUMES \(ListVolumes\)$/);
    }
  });

  it('focus, skip and label filters select tests; the rest are reported as filtered', async () => {
    const dir = join(work, 'filter');
    const run = await conformal(['run', 'csi', '--focus', 'csi\\.identity\\.', '--skip', 'probe', '--report-dir', dir, '-q']);
    expect(run.code).toBe(0);
    const ran = readResult(dir).results.filter((r) => r.status !== 'filtered');
    expect(ran.length).toBeGreaterThan(0);
    for (const test of ran) {
      expect(test.id.startsWith('csi.identity.')).toBe(true);
      expect(test.name.toLowerCase()).not.toContain('probe');
    }
  });

  it('shards split the suite: every test runs in exactly one of the shards', async () => {
    const ranIn = new Map<string, number>();
    for (const shard of [1, 2, 3]) {
      const dir = join(work, `shard-${shard}`);
      const run = await conformal(['run', 'csi', '--shard', `${shard}/3`, '--report-dir', dir, '-q']);
      expect(run.code).toBe(0);
      for (const test of readResult(dir).results) if (test.status !== 'filtered') ranIn.set(test.id, (ranIn.get(test.id) ?? 0) + 1);
    }
    const catalog = JSON.parse((await conformal(['list', 'csi', '--output', 'json'])).stdout) as { tests: unknown[] };
    expect(ranIn.size).toBe(catalog.tests.length);
    expect([...ranIn.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('bad input: exit 2 naming the field', { timeout: 60_000 }, () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['a non-numeric --parallel', ['run', 'csi', '--parallel', 'lots'], /--parallel/],
    ['a bad --timeout', ['run', 'csi', '--timeout', 'soon'], /--timeout/],
    ['a bad --shard', ['run', 'csi', '--shard', '4/3'], /--shard/],
    ['a bad regular expression', ['run', 'csi', '--focus', '('], /--focus/],
    ['a bad label filter', ['run', 'csi', '--label-filter', 'A &&'], /--label-filter/],
    ['an unknown flag', ['run', 'csi', '--no-such-flag'], /unknown option '--no-such-flag'/],
    ['an unknown interface', ['run', 'nfs'], /unknown interface "nfs"/],
    ['a bad CSI size', ['run', 'csi', '--test-volume-size', 'huge'], /--test-volume-size/],
    ['a missing config file', ['run', 'csi', '--config', '/nonexistent/conformal.yaml'], /--config/],
  ];
  it.each(cases)('%s', async (_, args, message) => {
    const run = await conformal(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('a label filter that selects no test (a misspelt tag) writes nothing and suggests the tag', async () => {
    const dir = join(work, 'empty-selection');
    const run = await conformal(['run', 'csi', '--label-filter', 'Feature:Snapshot', '--report-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no test selected: --label-filter "Feature:Snapshot" selects none of the');
    expect(run.stderr).toContain('no test has the tag Feature:Snapshot (did you mean Feature:Snapshots?)');
    expect(run.stdout).not.toContain('running 0 of');
    expect(existsSync(dir)).toBe(false);
  });

  it('filters that together select no test are named together', async () => {
    const run = await conformal(['run', 'csi', '--focus', 'csi\\.identity\\.', '--label-filter', 'Serial']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no test selected: --focus "csi\\.identity\\." and --label-filter "Serial" together select none of the');
    expect(run.stderr).toMatch(/\(alone: --focus \d+, --label-filter \d+\)/);
  });

  it('a config file with a bad field names the file and the dotted field', async () => {
    const file = join(work, 'bad.yaml');
    writeFileSync(file, 'parallel: 2\ncsi:\n  testVolumeSize: [1, 2]\n');
    const run = await conformal(['run', 'csi', '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}: csi.testVolumeSize`);
  });

  it('a config file with an unknown top-level field names it', async () => {
    const file = join(work, 'unknown.yaml');
    writeFileSync(file, 'paralel: 2\n');
    const run = await conformal(['run', 'csi', '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('paralel');
  });

  it('a valid config file is applied (settings and the interface section)', async () => {
    const file = join(work, 'good.yaml');
    const dir = join(work, 'from-config');
    writeFileSync(file, `focus: ["csi\\\\.identity\\\\."]\nreportDir: ${JSON.stringify(dir)}\ncsi:\n  testVolumeSize: 2Mi\n`);
    const run = await conformal(['run', 'csi', '--config', file, '-q']);
    expect(run.code).toBe(0);
    const ran = readResult(dir).results.filter((r) => r.status !== 'filtered');
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((r) => r.id.startsWith('csi.identity.'))).toBe(true);
  });
});

describe('a report dir holds one build', { timeout: 120_000 }, () => {
  it('refuses a dir holding an earlier build (exit 2, nothing touched) unless told to replace it', async () => {
    const dir = join(work, 'reused');
    expect((await conformal(['run', 'csi', '--focus', 'csi\\.identity\\.', '--report-dir', dir, '-q'])).code).toBe(0);
    const stale = join(dir, 'artifacts', 'junit_02.xml'); // what a differently sharded earlier run leaves
    writeFileSync(stale, '<testsuites/>');
    const firstStarted = readFileSync(join(dir, 'started.json'), 'utf8');

    const refused = await conformal(['run', 'csi', '--focus', 'csi\\.identity\\.', '--report-dir', dir, '-q']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--report-dir ${dir}: already holds files`);
    expect(refused.stderr).toContain('--replace-report-dir');
    expect(readFileSync(join(dir, 'started.json'), 'utf8')).toBe(firstStarted);
    expect(existsSync(stale)).toBe(true);

    const replaced = await conformal(['run', 'csi', '--focus', 'csi\\.identity\\.', '--report-dir', dir, '--replace-report-dir', '-q']);
    expect(replaced.code).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(readResult(dir).outcome).toBe('completed');
  });

  it('numeric build dirs inside one job dir keep working, and latest-build.txt follows', async () => {
    const job = join(work, 'job');
    for (const build of ['1763730000', '1763730001']) {
      const run = await conformal(['run', 'csi', '--focus', 'csi\\.identity\\.', '--report-dir', join(job, build), '-q']);
      expect(run.code, run.stderr).toBe(0);
    }
    expect(readFileSync(join(job, 'latest-build.txt'), 'utf8')).toBe('1763730001');
  });
});

describe('unreachable target: exit 3 with the report written', { timeout: 60_000 }, () => {
  let silent: Server | undefined;
  afterAll(() => silent?.close());

  it('a socket nobody listens on', async () => {
    const dir = join(work, 'unreachable');
    const run = await conformal(['run', 'csi', '--endpoint', `unix://${join(work, 'nobody.sock')}`, '--connect-timeout', '1s', '--report-dir', dir]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/unreachable|cannot connect/);
    const result = readResult(dir);
    expect(result.outcome).toBe('aborted');
    expect(result.results.every((r) => r.status === 'skipped' || r.status === 'filtered')).toBe(true);
    // A JUnit-only reader (testgrid, Sonobuoy) must see the run red: one failing setup test, no passes.
    const junit = readFileSync(join(dir, 'artifacts', 'junit_01.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite name="conformal" tests="\d+" failures="1"/);
    expect(junit).toContain('<testcase name="[sig-storage] [csi] conformal setup: reach the target"');
  });

  it('a socket that accepts but never speaks gRPC', async () => {
    const socket = join(work, 'silent.sock');
    silent = createServer(() => {}).listen(socket);
    const started = Date.now();
    const run = await conformal(['run', 'csi', '--endpoint', `unix://${socket}`, '--connect-timeout', '1s']);
    expect(run.code).toBe(3);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('interrupted run', { timeout: 60_000 }, () => {
  it('SIGTERM stops the run, writes the report and exits 3', async () => {
    const dir = join(work, 'interrupted');
    // A listener that never answers keeps the run waiting on its target until the signal arrives.
    const socket = join(work, 'hang.sock');
    const hang = createServer(() => {}).listen(socket);
    try {
      const child = spawnConformal(['run', 'csi', '--endpoint', `unix://${socket}`, '--connect-timeout', '30s', '--report-dir', dir]);
      // Signal only once the run has started (its first line is printed after the handlers are installed).
      await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('conformal: running')) resolve(); }));
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).toBe(3);
      expect(readResult(dir).outcome).toBe('interrupted');
      expect(JSON.parse(readFileSync(join(dir, 'finished.json'), 'utf8'))).toMatchObject({ passed: false, result: 'ABORTED' });
      expect(readFileSync(join(dir, 'artifacts', 'junit_01.xml'), 'utf8')).toContain('<testcase name="[sig-storage] [csi] conformal setup: interrupted"');
    } finally {
      hang.close();
    }
  });
});

describe('tests in flight at an interrupt', { timeout: 60_000 }, () => {
  it('are reported not finished, never failed; the run is aborted (exit 3) and its objects still removed', async () => {
    const reference = await startCsiReference();
    let hung!: () => void;
    const createVolumeHangs = new Promise<void>((resolve) => (hung = resolve));
    // A driver whose repeated CreateVolume never answers: the test is running when SIGINT arrives,
    // with the volume of its first call in its ledger.
    let creates = 0;
    const proxy = await startMutatingProxy(reference.address, (rpc, _request, outcome) => {
      if (rpc !== 'CreateVolume' || ++creates === 1) return outcome;
      hung();
      return NEVER_ANSWER;
    });
    const dir = join(work, 'in-flight');
    try {
      const child = spawnConformal(['run', 'csi', '--endpoint', proxy.address, '--focus', 'csi\\.controller\\.create-volume\\.idempotent$', '--report-dir', dir]);
      await createVolumeHangs;
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).toBe(3);
      const result = readResult(dir);
      expect(result.outcome).toBe('interrupted');
      const test = result.results.find((r) => r.id === 'csi.controller.create-volume.idempotent')!;
      expect(test).toMatchObject({ status: 'interrupted', reason: 'not finished: run interrupted' });
      expect(result.summary).toMatchObject({ failed: 0, interrupted: 1 });
      const junit = readFileSync(join(dir, 'artifacts', 'junit_01.xml'), 'utf8');
      expect(junit).toContain('<skipped message="not finished: run interrupted">');
      expect(junit.match(/<failure /g)).toHaveLength(1); // only the run's own "interrupted" test
      expect(junit).toContain('<testcase name="[sig-storage] [csi] conformal run: interrupted"');
      expect(JSON.parse(readFileSync(join(dir, 'finished.json'), 'utf8'))).toMatchObject({ result: 'ABORTED' });
      expect(reference.driver.state.volumes.size).toBe(0);
    } finally {
      await proxy.close();
      await reference.close();
    }
  });
});

describe('conformal list csi', { timeout: 60_000 }, () => {
  it('prints the catalog as JSON with ids, titles, spec references, requirements and tags', async () => {
    const run = await conformal(['list', 'csi', '--output', 'json']);
    expect(run.code).toBe(0);
    const catalog = JSON.parse(run.stdout) as { specVersion: string; tests: Array<{ id: string; title: string; spec: { section: string; rule: string }; tags: string[]; requires: string[] }> };
    expect(catalog.specVersion).toBe('1.12.0');
    expect(catalog.tests.length).toBeGreaterThanOrEqual(150);
    for (const test of catalog.tests) {
      expect(test.id).toMatch(/^csi\./);
      expect(test.spec.section.length).toBeGreaterThan(0);
      expect(test.spec.rule.length).toBeGreaterThan(0);
    }
  });

  it.each([['csi', 'sig-storage'], ['cri', 'sig-node'], ['cni', 'sig-network']])('names every %s test after its owning SIG, %s, as Kubernetes e2e does', async (iface, sig) => {
    const run = await conformal(['list', iface, '--output', 'json']);
    const catalog = JSON.parse(run.stdout) as { tests: Array<{ name: string }> };
    expect(catalog.tests.length).toBeGreaterThan(0);
    for (const test of catalog.tests) expect(test.name.startsWith(`[${sig}] [${iface}] `), test.name).toBe(true);
  });

  it('shows the shared state a test changes or needs steady, in JSON and in text', async () => {
    const json = JSON.parse((await conformal(['list', 'cloud', '--output', 'json', '--focus', 'cloud\\.lb\\.cloud\\.backends-follow-nodes'])).stdout) as { tests: Array<{ sharedState: unknown }> };
    expect(json.tests.map((t) => t.sharedState)).toEqual([{ changes: ['nodes'], needsSteady: ['nodes'] }]);
    const text = await conformal(['list', 'cloud', '--focus', 'cloud\\.(routes\\.route-per-pod-cidr|lb\\.provisioned)']);
    expect(text.stdout).toMatch(/cloud\.lb\.provisioned\n(.*\n){2}.*; needs steady: nodes\n/);
    expect(text.stdout).toMatch(/cloud\.routes\.route-per-pod-cidr\n(.*\n){2}.*; changes: nodes\n/);
  });

  it('prints text by default and rejects an unknown --output', async () => {
    const run = await conformal(['list', 'csi', '--label-filter', 'Conformance']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\d+ tests \(csi, spec 1\.12\.0\)/);
    expect((await conformal(['list', 'csi', '--output', 'xml'])).code).toBe(2);
  });
});
