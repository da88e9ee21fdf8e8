import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger.js';
import { packagePath } from '../../../src/core/paths.js';
import { TestPaths } from '../../../src/interfaces/csi/paths.js';

const signal = new AbortController().signal;

describe('TestPaths', () => {
  it('gives fresh temporary directories by default and removes them with the ledger', async () => {
    const baseDir = mkdtempSync(join(tmpdir(), 'csi-paths-'));
    const paths = new TestPaths({ baseDir, timeoutMs: 5000 });
    const ledger = new Ledger();
    const staging = await paths.staging('s', ledger, signal);
    const target = await paths.target('t', ledger, signal);
    expect(await paths.check(staging, signal)).toBe('directory');
    expect(await paths.check(target, signal)).toBe('not_found');
    expect(await paths.check(dirname(target), signal)).toBe('directory');
    expect(staging).not.toBe(await paths.staging('s', ledger, signal));
    expect(await ledger.drain(signal)).toEqual([]);
    expect(existsSync(staging)).toBe(false);
    expect(existsSync(dirname(target))).toBe(false);
  });

  it('pads paths to a minimum length in bytes, keeping their kinds, and removes them with the ledger', async () => {
    const baseDir = mkdtempSync(join(tmpdir(), 'csi-paths-'));
    const paths = new TestPaths({ baseDir, timeoutMs: 5000 });
    const ledger = new Ledger();
    const staging = await paths.staging('s', ledger, signal, 128);
    const target = await paths.target('t', ledger, signal, 128);
    expect(Buffer.byteLength(staging)).toBeGreaterThanOrEqual(128);
    expect(Buffer.byteLength(target)).toBeGreaterThanOrEqual(128);
    expect(await paths.check(staging, signal)).toBe('directory');
    expect(await paths.check(target, signal)).toBe('not_found');
    expect(await paths.check(dirname(target), signal)).toBe('directory');
    expect(await ledger.drain(signal)).toEqual([]);
    expect(existsSync(staging)).toBe(false);
    expect(existsSync(dirname(target))).toBe(false);
  });

  it('removes a per-test directory the driver left a target in, and one already gone', async () => {
    const baseDir = mkdtempSync(join(tmpdir(), 'csi-paths-'));
    const paths = new TestPaths({ baseDir, timeoutMs: 5000 });
    const ledger = new Ledger();
    const leftBehind = await paths.target('left', ledger, signal);
    mkdirSync(join(leftBehind, 'mounted-data'), { recursive: true });
    writeFileSync(join(leftBehind, 'mounted-data', 'file'), 'x');
    const removedEarly = await paths.staging('gone', ledger, signal);
    rmSync(removedEarly, { recursive: true });
    expect(await ledger.drain(signal)).toEqual([]);
    expect(existsSync(dirname(leftBehind))).toBe(false);
  });

  it('runs user commands as argv arrays with the path as last argument', async () => {
    const baseDir = mkdtempSync(join(tmpdir(), 'csi-paths-cmd-'));
    const paths = new TestPaths({
      baseDir,
      timeoutMs: 5000,
      createStagingPathCmd: ['mkdir', '-p'],
      removeStagingPathCmd: ['rmdir'],
      checkPathCmd: [process.execPath, packagePath('fixtures/csi/check-path.mjs')],
    });
    const ledger = new Ledger();
    const staging = await paths.staging('with space', ledger, signal);
    expect(staging).toBe(join(baseDir, 'staging-with space'));
    expect(await paths.check(staging, signal)).toBe('directory');
    await ledger.drain(signal);
    expect(await paths.check(staging, signal)).toBe('not_found');
  });

  it('reports a failing command with its argv', async () => {
    const paths = new TestPaths({ baseDir: tmpdir(), timeoutMs: 5000, createTargetPathCmd: ['false'] });
    await expect(paths.target('x', new Ledger(), signal)).rejects.toThrow(/path command \["false",/);
  });
});
