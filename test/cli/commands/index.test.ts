import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandModules, commandsFor } from '../../../src/cli/commands/index.js';
import type { CliContext } from '../../../src/cli/context.js';

const cli = (): CliContext => ({ plugin: undefined, argv: [], stdout: process.stdout, stderr: process.stderr, exitCode: 0 });

describe('command registry', () => {
  it.each(Object.keys(commandModules))('the module listed as "%s" registers exactly that command', async (name) => {
    const program = new Command('conformal');
    (await commandModules[name]!()).register(program, cli());
    expect(program.commands.map((command) => command.name())).toEqual([name]);
  });

  it('loads only the module of the command named in argv', () => {
    expect(commandsFor(['run', 'csi', '--parallel', '2'])).toEqual([commandModules.run]);
    expect(commandsFor(['testgrid-config', '--dashboard', 'd'])).toEqual([commandModules['testgrid-config']]);
  });

  it('loads every module for help, flags only, and unknown commands', () => {
    const all = Object.values(commandModules);
    expect(commandsFor([])).toEqual(all);
    expect(commandsFor(['--help'])).toEqual(all);
    expect(commandsFor(['help', 'run'])).toEqual(all);
    expect(commandsFor(['toString'])).toEqual(all);
  });
});
