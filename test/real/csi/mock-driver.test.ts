// The CSI suite through the real CLI against an independent driver: Kubernetes' e2e CSI mock
// (test/go-peers/cmd/csi-mock-driver, built by .ci/setup/80-go-peers.sh). The outcome of every test must be exactly
// the result table in docs/csi/mock-driver.md, where each failure is explained.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunResult } from '../../../src/core/results.js';
import { packagePath } from '../../../src/core/paths.js';
import { requireTool } from '../../support/real-tools.js';

const mockDriver = requireTool('CONFORMAL_CSI_MOCK_DRIVER');

/** Every optional CSI v1.12 feature the mock has code for (see docs/csi/mock-driver.md, "Why these options"). */
const DRIVER_FLAGS = ['-enable-topology', '-attach-limit', '16', '-node-expansion-required', '-volume-mount-group'];
// --parallel 1: the mock reads its volume slice without its lock in several RPCs (races shown by a -race build).
const SUITE_FLAGS = [
  '--parallel', '1', '--test-node-attach-limit', '--mutable-parameter', 'iops=3000',
  ...['SINGLE_NODE_WRITER', 'SINGLE_NODE_READER_ONLY', 'MULTI_NODE_READER_ONLY', 'MULTI_NODE_SINGLE_WRITER', 'MULTI_NODE_MULTI_WRITER'].flatMap((mode) => ['--access-mode', mode]),
];
const DOC = 'docs/csi/mock-driver.md';

interface DocumentedTable {
  failed: Map<string, string>; // id -> text the failure message must contain
  skipped: Map<string, string>; // id -> skip reason
  passed: Set<string>;
}

function section(doc: string, heading: string): string {
  const start = doc.indexOf(`\n### ${heading}\n`);
  if (start < 0) throw new Error(`${DOC} has no "### ${heading}" section`);
  const end = doc.indexOf('\n### ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

const cells = (row: string) => row.split('|').slice(1, -1).map((c) => c.trim());
const backticked = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** Reads the three result tables of docs/csi/mock-driver.md. */
function documentedTable(): DocumentedTable {
  const doc = readFileSync(packagePath(DOC), 'utf8');
  const failed = new Map<string, string>();
  for (const row of section(doc, 'Failed').split('\n').filter((l) => l.startsWith('| `csi.'))) {
    const [id, observed] = cells(row);
    failed.set(backticked(id!)[0]!, backticked(observed!)[0]!);
  }
  const skipped = new Map<string, string>();
  for (const row of section(doc, 'Skipped').split('\n').filter((l) => l.startsWith('| `') || l.startsWith('| (runtime)'))) {
    const [capability, tests] = cells(row);
    const reason = capability!.startsWith('(runtime) ')
      ? `not supported: ${capability!.slice('(runtime) '.length)}`
      : `${backticked(capability!)[0]} (`;
    for (const id of backticked(tests!)) skipped.set(id, reason);
  }
  const passed = new Set(section(doc, 'Passed').split('\n').filter((l) => l.startsWith('- `csi.')).map((l) => backticked(l)[0]!));
  return { failed, skipped, passed };
}

async function waitForSocket(path: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (child.exitCode !== null) throw new Error(`csi-mock-driver exited with ${child.exitCode} before serving:\n${log()}`);
    if (Date.now() > deadline) throw new Error(`csi-mock-driver did not create ${path} within ${timeoutMs} ms:\n${log()}`);
    await sleep(50);
  }
}

function runCli(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [packagePath('bin/conformal.js'), ...args], { timeout: 300_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

describe.skipIf(!mockDriver)('csi-mock-driver flags', () => {
  it('exits 2 naming the flag when -endpoint is not a unix:// URL', async () => {
    const outcome = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(mockDriver!, ['-endpoint', '/tmp/no-scheme.sock'], { timeout: 10_000 }, (error, _stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr });
      });
    });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('-endpoint must be unix:///path/to/socket');
  });
});

describe.skipIf(!mockDriver)('the CSI suite against Kubernetes e2e CSI mock driver', () => {
  let dir: string;
  let socket: string;
  let driver: ChildProcess | undefined;
  let driverLog = '';
  let cli: { code: number; output: string };
  let result: RunResult;
  let wallMs = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'conformal-csi-mock-'));
    socket = join(dir, 'csi.sock');
    driver = spawn(mockDriver!, ['-endpoint', `unix://${socket}`, ...DRIVER_FLAGS], { stdio: ['ignore', 'ignore', 'pipe'] });
    driver.stderr?.on('data', (chunk: Buffer) => (driverLog += chunk.toString()));
    await waitForSocket(socket, driver, () => driverLog, 20_000);
    const started = Date.now();
    cli = await runCli(['run', 'csi', '--endpoint', `unix://${socket}`, '--report-dir', join(dir, 'report'), ...SUITE_FLAGS]);
    wallMs = Date.now() - started;
    const resultsPath = join(dir, 'report', 'artifacts', 'results.json');
    if (!existsSync(resultsPath)) throw new Error(`no results.json (exit ${cli.code}):\n${cli.output.slice(-4000)}\n${driverLog.slice(-2000)}`);
    result = JSON.parse(readFileSync(resultsPath, 'utf8')) as RunResult;
    console.log(`csi-mock-driver run: suite ${result.durationMs} ms, CLI process ${wallMs} ms; ${JSON.stringify(result.summary)}`);
  }, 360_000);

  afterAll(async () => {
    if (driver && driver.exitCode === null && driver.signalCode === null) {
      driver.kill('SIGKILL');
      await Promise.race([new Promise((resolve) => driver!.once('exit', resolve)), sleep(5000)]);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 (tests failed) against the mock, with no leaks, filters or flaky tests', () => {
    expect(cli.code, cli.output.slice(-3000)).toBe(1);
    expect(result.outcome).toBe('completed');
    expect(result.implementation.name).toBe('io.kubernetes.storage.mock');
    expect(result.leaks).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.summary.filtered).toBe(0);
    expect(result.summary.flaky).toBe(0);
  });

  it('fails exactly the documented tests, each for the documented reason', () => {
    const documented = documentedTable().failed;
    const failed = result.results.filter((t) => t.status === 'failed');
    expect(failed.map((t) => t.id).sort()).toEqual([...documented.keys()].sort());
    for (const t of failed) {
      const message = t.attempts.at(-1)?.error?.message ?? '';
      expect(message, t.id).toContain(documented.get(t.id));
    }
  });

  it('skips exactly the documented tests, each with the documented reason', () => {
    const documented = documentedTable().skipped;
    const skipped = result.results.filter((t) => t.status === 'skipped');
    expect(skipped.map((t) => t.id).sort()).toEqual([...documented.keys()].sort());
    // The table names the missing capability (or the runtime answer); the reason says it in its own words.
    for (const t of skipped) expect(t.reason, t.id).toContain(documented.get(t.id));
  });

  it('passes exactly the documented tests', () => {
    const passed = result.results.filter((t) => t.status === 'passed').map((t) => t.id);
    expect(passed.sort()).toEqual([...documentedTable().passed].sort());
  });

  it('ran the documented command lines', () => {
    const doc = readFileSync(packagePath(DOC), 'utf8');
    expect(doc).toContain(`csi-mock-driver -endpoint unix://<dir>/csi.sock ${DRIVER_FLAGS.join(' ')}\n`);
    expect(doc).toContain(`conformal run csi --endpoint unix://<dir>/csi.sock --report-dir <dir>/report ${SUITE_FLAGS.join(' ')}\n`);
  });

  it('kept the driver alive through the run, and SIGTERM stops it and removes its socket', async () => {
    expect(driver!.exitCode, driverLog.slice(-2000)).toBeNull();
    const exited = new Promise<number | null>((resolve) => driver!.once('exit', (code) => resolve(code)));
    driver!.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(10_000).then(() => 'timeout' as const)]);
    expect(code).toBe(0);
    expect(existsSync(socket)).toBe(false);
  }, 15_000);
});
