import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/cli/run-options.js';
import { cniPlugin } from '../../src/interfaces/cni/plugin.js';
import { csiPlugin } from '../../src/interfaces/csi/plugin.js';

const dir = mkdtempSync(join(tmpdir(), 'conformal-run-options-'));
const commandWith = (file: string) => new Command().option('--config <file>').parse(['node', 'x', '--config', file]);

describe('loadConfig', () => {
  const conflist = join(dir, 'net.conflist');
  writeFileSync(conflist, JSON.stringify({ cniVersion: '1.0.0', name: 'net', plugins: [{ type: 'loopback' }] }));
  const settings = join(dir, 'settings.yaml');
  writeFileSync(settings, 'parallel: 2\ncni:\n  profile: strict\n');

  it('reads a CNI network config given to --config as the network config (cni.netConfig)', () => {
    expect(loadConfig(commandWith(conflist), cniPlugin).config).toEqual({ cni: { netConfig: conflist } });
  });

  it('reads conformal settings as settings, for CNI too', () => {
    expect(loadConfig(commandWith(settings), cniPlugin).config).toEqual({ parallel: 2, cni: { profile: 'strict' } });
  });

  it('leaves other interfaces alone: a network config is not CSI settings', () => {
    expect(loadConfig(commandWith(conflist), csiPlugin).config).toMatchObject({ cniVersion: '1.0.0' });
  });
});
