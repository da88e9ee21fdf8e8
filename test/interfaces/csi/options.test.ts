import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../../src/core/errors.js';
import { csiFlags, csiOptionsSchema, DEFAULT_VOLUME_SIZE } from '../../../src/interfaces/csi/options.js';
import { resolveCsiOptions } from '../../../src/interfaces/csi/resolve.js';
import { parseArgvFlag, parseKeyValue, parseSize } from '../../../src/interfaces/csi/values.js';

const flag = (name: string) => csiFlags.find((f) => f.flags.startsWith(`${name} `) || f.flags === name)!;
const issuePaths = (input: unknown) => (csiOptionsSchema.safeParse(input).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('csi options schema', () => {
  it('fills defaults: 1 MiB volumes, 3 repetitions, 10 s connect timeout', () => {
    const options = csiOptionsSchema.parse({});
    expect(options.testVolumeSize).toBe(DEFAULT_VOLUME_SIZE);
    expect(options.idempotentCount).toBe(3);
    expect(options.connectTimeout).toBe(10_000);
    expect(options.endpoint).toBeUndefined();
  });

  it('accepts Kubernetes-style sizes and durations from YAML', () => {
    const options = csiOptionsSchema.parse({ testVolumeSize: '16Mi', testVolumeExpandSize: 1073741824, connectTimeout: '500ms', accessType: 'block' });
    expect(options.testVolumeSize).toBe(16 * 2 ** 20);
    expect(options.testVolumeExpandSize).toBe(2 ** 30);
    expect(options.connectTimeout).toBe(500);
    expect(options.accessType).toEqual(['block']);
  });

  it('names the field of every bad value', () => {
    expect(issuePaths({ testVolumeSize: '12Q' })).toEqual([expect.stringMatching(/^testVolumeSize: .*12Q/)]);
    expect(issuePaths({ accessType: 'tape' })[0]).toMatch(/^accessType/);
    expect(issuePaths({ accessModes: ['EVERYONE'] })[0]).toMatch(/^accessModes\.0/);
    expect(issuePaths({ idempotentCount: 1 })[0]).toMatch(/^idempotentCount/);
    expect(issuePaths({ createTargetPathCmd: [] })[0]).toMatch(/^createTargetPathCmd/);
    expect(issuePaths({ nosuchOption: 1 })[0]).toMatch(/nosuchOption/);
    expect(issuePaths({ referenceDisable: ['controller.NOPE'] })[0]).toMatch(/^referenceDisable\.0/);
  });
});

describe('csi flags', () => {
  it('throw UsageError naming the flag for bad values', () => {
    const cases: Array<[string, string]> = [
      ['--test-volume-size', 'lots'],
      ['--connect-timeout', 'soon'],
      ['--access-type', 'tape'],
      ['--access-mode', 'EVERYONE'],
      ['--volume-parameter', 'novalue'],
      ['--idempotent-count', '1'],
      ['--reference-disable', 'controller.NOPE'],
      ['--create-target-path-cmd', '["unterminated"'],
    ];
    for (const [name, value] of cases) {
      const spec = flag(name);
      let thrown: unknown;
      try {
        spec.parse!(value, undefined);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, name).toBeInstanceOf(UsageError);
      expect((thrown as UsageError).field).toBe(name);
    }
  });

  it('collect repeated values', () => {
    expect(parseKeyValue('b=2', { a: '1' }, '--volume-parameter')).toEqual({ a: '1', b: '2' });
    expect(parseKeyValue('k=v=w', undefined, '--volume-parameter')).toEqual({ k: 'v=w' });
    expect(parseArgvFlag('kubectl', undefined, '--x')).toEqual(['kubectl']);
    expect(parseArgvFlag('exec', ['kubectl'], '--x')).toEqual(['kubectl', 'exec']);
    expect(parseArgvFlag('["a b","c"]', ['ignored'], '--x')).toEqual(['a b', 'c']);
    expect(flag('--access-type').parse!('block', ['mount'])).toEqual(['mount', 'block']);
  });

  it('map onto schema keys that exist', () => {
    const keys = Object.keys(csiOptionsSchema.parse({}));
    const optional = ['endpoint', 'controllerEndpoint', 'nodeEndpoint', 'pathBaseDir', 'createTargetPathCmd', 'createStagingPathCmd', 'removeTargetPathCmd',
      'removeStagingPathCmd', 'checkPathCmd', 'testVolumeExpandSize', 'accessType', 'accessModes', 'volumeParametersFile', 'mutableParametersFile',
      'snapshotParametersFile', 'secretsFile', 'topologySegments', 'referenceFault'];
    for (const spec of csiFlags) expect([...keys, ...optional], spec.flags).toContain(spec.key);
  });

  it('size parser knows binary and decimal suffixes', () => {
    expect(parseSize('1Mi', 'f')).toBe(1048576);
    expect(parseSize('1M', 'f')).toBe(1_000_000);
    expect(() => parseSize('0', 'f')).toThrow(UsageError);
  });
});

describe('resolveCsiOptions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csi-options-'));

  it('reads csi-sanity style secret files into per-RPC secrets', () => {
    const file = join(dir, 'secrets.yaml');
    writeFileSync(file, 'CreateVolumeSecret:\n  user: bob\nControllerValidateVolumeCapabilitiesSecret:\n  user: eve\nGetMetadataDelta:\n  token: 1\n');
    const resolved = resolveCsiOptions(csiOptionsSchema.parse({ secretsFile: file }), false);
    expect(resolved.secretsByRpc).toEqual({ CreateVolume: { user: 'bob' }, ValidateVolumeCapabilities: { user: 'eve' }, GetMetadataDelta: { token: '1' } });
  });

  it('rejects secrets for RPCs that take none, naming the key', () => {
    expect(() => resolveCsiOptions(csiOptionsSchema.parse({ secrets: { ProbeSecret: { a: 'b' } } }), false)).toThrow(ConfigError);
    expect(() => resolveCsiOptions(csiOptionsSchema.parse({ secrets: { Frobnicate: { a: 'b' } } }), false)).toThrow(/csi\.secrets\.Frobnicate/);
  });

  it('merges parameter files under explicit values and checks the expand size', () => {
    const file = join(dir, 'params.yaml');
    writeFileSync(file, 'a: 1\nb: two\n');
    const resolved = resolveCsiOptions(csiOptionsSchema.parse({ volumeParametersFile: file, volumeParameters: { b: 'over' } }), false);
    expect(resolved.volumeParameters).toEqual({ a: '1', b: 'over' });
    expect(resolved.expandSize).toBe(2 * DEFAULT_VOLUME_SIZE);
    expect(() => resolveCsiOptions(csiOptionsSchema.parse({ testVolumeSize: '2Mi', testVolumeExpandSize: '1Mi' }), false)).toThrow(/csi\.testVolumeExpandSize/);
    expect(() => resolveCsiOptions(csiOptionsSchema.parse({ snapshotParametersFile: join(dir, 'missing.yaml') }), false)).toThrow(/csi\.snapshotParametersFile/);
  });

  it('declares both access types and every mode for the embedded reference only', () => {
    expect(resolveCsiOptions(csiOptionsSchema.parse({}), true).accessTypes).toEqual(['mount', 'block']);
    expect(resolveCsiOptions(csiOptionsSchema.parse({}), false).accessTypes).toEqual(['mount']);
    expect(resolveCsiOptions(csiOptionsSchema.parse({}), false).accessModes).toEqual(['SINGLE_NODE_WRITER']);
    expect(resolveCsiOptions(csiOptionsSchema.parse({}), true).accessModes).toHaveLength(7);
  });
});
