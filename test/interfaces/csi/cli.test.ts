// The CSI plugin through the real CLI: usage errors exit 2 naming the field, an unreachable
// endpoint exits 3, trimmed reference capabilities skip tests naming the capability, and split
// controller/node endpoints work against the standalone reference.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/core/results.js';
import { conformal, spawnConformal } from '../../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'csi-cli-'));
const readResults = (reportDir: string): RunResult => JSON.parse(readFileSync(join(reportDir, 'artifacts', 'results.json'), 'utf8')) as RunResult;

describe('conformal run csi: bad input', () => {
  it.each([
    [['--test-volume-size', 'lots'], '--test-volume-size'],
    [['--access-mode', 'EVERYONE'], '--access-mode'],
    [['--volume-parameter', 'novalue'], '--volume-parameter'],
    [['--reference-disable', 'controller.NOPE'], '--reference-disable'],
    [['--endpoint', 'ftp://example'], '--endpoint'],
    [['--node-endpoint', 'unix:///tmp/only-node.sock'], '--endpoint'],
    [['--endpoint', 'unix:///tmp/x.sock', '--reference-fault', 'probe-error'], '--reference-fault'],
  ])('%j exits 2 naming %s', async (args, field) => {
    // A fresh report dir per case: a dir that already holds a build is itself refused.
    const run = await conformal(['run', 'csi', ...args, '--report-dir', mkdtempSync(join(dir, 'bad-'))]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(field);
  });

  it('a bad csi: value in the YAML config exits 2 naming csi.<field>', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'csi:\n  testVolumeSize: 12Q\n');
    const run = await conformal(['run', 'csi', '--config', config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('csi.testVolumeSize');
  });
});

describe('conformal run csi: unreachable endpoint', () => {
  it('exits 3 within the connect timeout and still writes the report', async () => {
    const reportDir = join(dir, 'unreachable');
    const started = Date.now();
    const run = await conformal(['run', 'csi', '--endpoint', `unix://${join(dir, 'nobody-listens.sock')}`, '--connect-timeout', '1s', '--report-dir', reportDir]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/unreachable/i);
    expect(Date.now() - started).toBeLessThan(30_000);
    const result = readResults(reportDir);
    expect(result.outcome).toBe('aborted');
    expect(result.summary.passed).toBe(0);
  });
});

describe('conformal run csi: capability skips', () => {
  it('skips the tests needing a disabled capability, naming it, and passes the rest', async () => {
    const reportDir = join(dir, 'trimmed');
    const run = await conformal(['run', 'csi', '--reference-disable', 'controller.CREATE_DELETE_SNAPSHOT', '--reference-disable', 'access-type.block', '--report-dir', reportDir, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const result = readResults(reportDir);
    const byId = new Map(result.results.map((r) => [r.id, r]));
    expect(byId.get('csi.controller.create-snapshot.basic')?.status).toBe('skipped');
    expect(byId.get('csi.controller.create-snapshot.basic')?.reason).toContain('controller.CREATE_DELETE_SNAPSHOT');
    expect(byId.get('csi.lifecycle.block.single-node-writer')?.reason).toContain('access-type.block');
    expect(byId.get('csi.controller.create-volume.basic')?.status).toBe('passed');
    expect(result.capabilities).not.toContain('controller.CREATE_DELETE_SNAPSHOT');
    expect(result.summary.failed).toBe(0);
  });
});

describe('conformal run csi against the standalone reference', () => {
  const socket = join(dir, 'standalone.sock');
  const server = spawnConformal(['reference', 'csi', '--endpoint', `unix://${socket}`]);
  afterAll(() => {
    server.kill('SIGTERM');
  });

  it('reaches controller and node through separate endpoint flags', async () => {
    for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(100);
    const reportDir = join(dir, 'split');
    const run = await conformal([
      'run', 'csi', '--controller-endpoint', `unix://${socket}`, '--node-endpoint', socket,
      '--focus', 'NodeGetInfo', '--focus', 'NodePublishVolume', '--focus', 'CreateVolume', '--report-dir', reportDir, '--quiet',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = readResults(reportDir);
    expect(result.implementation.embeddedReference).toBeUndefined();
    expect(result.summary.passed).toBeGreaterThan(20);
  });
});
