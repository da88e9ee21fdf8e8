import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addInterfaceFlags, interfaceOptions } from '../interface-options.js';
import { addRunOptions, loadConfig, runSettings } from '../run-options.js';
import { runPipeline } from '../run-pipeline.js';
import { requirePlugin } from '../plugin-argument.js';
import { interfaceNames } from '../../interfaces/registry.js';

export function register(program: Command, cli: CliContext): void {
  const command = program
    .command('run')
    .argument('<interface>', 'the interface to test: csi, cri, cni, …')
    .description('run an interface\'s conformance suite against an implementation (the embedded reference when no endpoint is given)');
  addRunOptions(command);
  if (cli.plugin) addInterfaceFlags(command, cli.plugin);
  else command.addHelpText('after', `\nEach interface has its own flags (endpoints, sizes, paths …): conformal run <interface> --help\n(interfaces: ${interfaceNames().join(', ')})\n`);
  command.action(async (name: string) => {
    const plugin = await requirePlugin(cli, name);
    const loaded = loadConfig(command, plugin);
    const settings = runSettings(command, loaded);
    const options = interfaceOptions(command, plugin, loaded.config, loaded.file);
    const { exitCode } = await runPipeline({ plugin, settings, options, command: cli.argv.slice(2), stdout: cli.stdout });
    cli.exitCode = exitCode;
  });
}
