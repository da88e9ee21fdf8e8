import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { RunLog } from '../../core/log.js';
import type { CliContext } from '../context.js';
import { addInterfaceFlags, interfaceOptions } from '../interface-options.js';
import { loadConfig } from '../run-options.js';
import { requirePlugin } from '../plugin-argument.js';

export function register(program: Command, cli: CliContext): void {
  const command = program
    .command('reference')
    .argument('<interface>', 'the interface whose in-memory reference implementation to serve')
    .description('serve the in-memory reference implementation standalone (for crictl, csi-sanity, …) until SIGINT/SIGTERM')
    .option('--config <file>', 'YAML config; its `<interface>:` section configures the reference');
  const pluginHasEndpoint = cli.plugin?.flags.some((f) => f.flags.startsWith('--endpoint')) ?? false;
  if (!pluginHasEndpoint) command.option('--endpoint <address>', 'where to serve: unix:///path/to.sock or host:port');
  if (cli.plugin) addInterfaceFlags(command, cli.plugin);
  command.action(async (name: string) => {
    const plugin = await requirePlugin(cli, name);
    if (!plugin.serveReference) throw new UsageError(`the ${plugin.name} interface has no standalone reference server`, { field: 'interface' });
    const loaded = loadConfig(command, plugin);
    const options = interfaceOptions(command, plugin, loaded.config, loaded.file) as Record<string, unknown>;
    const endpoint = (command.opts<{ endpoint?: string }>().endpoint ?? options.endpoint) as string | undefined;
    if (!endpoint) throw new UsageError('--endpoint is required: where the reference should listen', { field: '--endpoint' });
    const log = new RunLog('normal');
    const server = await plugin.serveReference({ ...options, endpoint }, log);
    cli.stdout.write(`conformal: serving the ${plugin.name} reference at ${server.address} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    cli.exitCode = 0;
  });
}
