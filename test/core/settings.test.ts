import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, UsageError } from '../../src/core/errors.js';
import { parseDuration, readConfigFile, runSettingsSchema, validate } from '../../src/core/settings.js';

describe('parseDuration', () => {
  it.each([['30s', 30_000], ['500ms', 500], ['2m', 120_000], ['1h', 3_600_000], ['1.5s', 1500], ['10', 10_000], [3, 3000]] as const)('%s → %d ms', (value, ms) => {
    expect(parseDuration(value, '--timeout')).toBe(ms);
  });
  it.each(['', 'soon', '-1s', '0s', '5 parsecs'])('rejects %j naming the field', (value) => {
    expect(() => parseDuration(value, '--timeout')).toThrow(/--timeout/);
  });
});

describe('validate', () => {
  it('applies defaults', () => {
    const settings = validate(runSettingsSchema, {}, { flags: {}, configPrefix: '' });
    expect(settings).toMatchObject({ parallel: 4, timeout: 60_000, retries: 0, focus: [], skip: [] });
  });

  it('names the flag when a flag set the bad value (usage error → exit 2)', () => {
    try {
      validate(runSettingsSchema, { parallel: Number('lots') }, { flags: { parallel: '--parallel' }, configPrefix: '' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).field).toBe('--parallel');
      expect((error as Error).message).toMatch(/^--parallel: /);
    }
  });

  it('names the config file and dotted field when the file set it', () => {
    const schema = z.object({ size: z.number() }).strict();
    try {
      validate(schema, { size: 'big' }, { flags: {}, configPrefix: 'csi.', configFile: 'conf.yaml' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/^conf\.yaml: csi\.size: /);
    }
  });

  it('reports unknown keys by their full path', () => {
    const schema = z.object({ size: z.number() }).strict();
    expect(() => validate(schema, { size: 1, colour: 'red' }, { flags: {}, configPrefix: 'csi.' })).toThrow(/unknown field csi\.colour/);
  });
});

describe('readConfigFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conformal-settings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('reads YAML mappings and rejects other shapes and bad YAML with the file named', () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'parallel: 2\ncsi:\n  endpoint: unix:///x.sock\n');
    expect(readConfigFile(good)).toEqual({ parallel: 2, csi: { endpoint: 'unix:///x.sock' } });
    const list = join(dir, 'list.yaml');
    writeFileSync(list, '- a\n- b\n');
    expect(() => readConfigFile(list)).toThrow(/top level must be a mapping/);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'a: [1, 2\n');
    expect(() => readConfigFile(broken)).toThrow(/not valid YAML/);
    expect(() => readConfigFile(join(dir, 'missing.yaml'))).toThrow(/cannot read the file \(ENOENT\)/);
  });
});

describe('config errors a user can act on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conformal-settings-errors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const message = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as Error).message;
    }
    return expect.unreachable();
  };

  it('a YAML syntax error shows the offending line and a caret after "at line N, column M:"', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'parallel: 2\ncsi:\n  endpoint: [a\n  x: : y\n');
    const text = message(() => readConfigFile(file));
    expect(text).toMatch(/at line 4, column 3:\n {4}.*\n {4} {2}x: : y\n {4} {2}\^$/);
  });

  it('an unknown key suggests the nearest known one', () => {
    const schema = z.object({ testVolumeSize: z.string(), testNodeAttachLimit: z.boolean() }).partial().strict();
    expect(message(() => validate(schema, { testVolumSize: '1Mi' }, { flags: {}, configPrefix: 'csi.', configFile: 'c.yaml' }))).toBe('c.yaml: unknown field csi.testVolumSize (did you mean testVolumeSize?)');
    expect(message(() => validate(schema, { colour: 'red' }, { flags: {}, configPrefix: 'csi.', configFile: 'c.yaml' }))).toBe('c.yaml: unknown field csi.colour');
  });

  it('an unknown key inside a nested object suggests from that object', () => {
    const schema = z.object({ unsupportedField: z.object({ key: z.string(), value: z.string().optional() }).strict().optional() }).strict();
    expect(message(() => validate(schema, { unsupportedField: { key: 'a', valeu: 'b' } }, { flags: {}, configPrefix: 'cni.', configFile: 'c.yaml' }))).toBe('c.yaml: unknown field cni.unsupportedField.valeu (did you mean value?)');
  });

  it('an enum error lists the allowed values and what was given, also inside a union', () => {
    const accessType = z.enum(['mount', 'block']);
    const schema = z.object({ accessType: z.union([accessType, z.array(accessType)]), profile: z.enum(['strict', 'compatible']) }).partial().strict();
    expect(message(() => validate(schema, { accessType: 'blok' }, { flags: {}, configPrefix: 'csi.', configFile: 'c.yaml' }))).toBe('c.yaml: csi.accessType: must be one of mount, block, got "blok" (did you mean block?)');
    expect(message(() => validate(schema, { profile: 'lenient' }, { flags: { profile: '--profile' }, configPrefix: 'cni.' }))).toBe('--profile: must be one of strict, compatible, got "lenient"');
  });

  it('an unknown top-level setting suggests the nearest', () => {
    expect(message(() => validate(runSettingsSchema, { paralel: 2 }, { flags: {}, configPrefix: '', configFile: 'c.yaml' }))).toBe('c.yaml: unknown field paralel (did you mean parallel?)');
  });
});
