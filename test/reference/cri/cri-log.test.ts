import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCriLog } from '../../../src/interfaces/cri/kit.js';
import { CriLogWriter } from '../../../src/reference/cri/cri-log.js';

describe('CRI log writer', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes one CRI entry per line, partial lines tagged P, and reopens after rotation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cri-log-'));
    dirs.push(dir);
    const path = join(dir, 'c.log');
    const writer = new CriLogWriter(path);
    writer.write('stdout', 'one\ntw');
    writer.write('stderr', 'err\n');
    writer.write('stdout', 'o\nrest');
    writer.flush();
    const entries = parseCriLog(readFileSync(path, 'utf8'));
    expect(entries.map((e) => [e.stream, e.tag, e.content])).toEqual([
      ['stdout', 'F', 'one'],
      ['stderr', 'F', 'err'],
      ['stdout', 'F', 'two'],
      ['stdout', 'P', 'rest'],
    ]);
    expect(new Set(entries.map((e) => e.timestamp)).size).toBe(4);
    renameSync(path, `${path}.1`);
    writer.reopen();
    writer.write('stdout', 'after\n');
    writer.close();
    expect(parseCriLog(readFileSync(path, 'utf8')).map((e) => e.content)).toEqual(['after']);
  });

  it('the parser rejects lines outside the format', () => {
    expect(() => parseCriLog('plain text\n')).toThrow(/not in the CRI format/);
  });
});
