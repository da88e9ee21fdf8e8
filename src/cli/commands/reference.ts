// `conformal reference <iface>`: serves an interface's in-memory reference implementation for
// other tools. It takes --endpoint and the interface's reference flags only, described in serving
// terms; the flags of `run` are not accepted here.
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { RunLog } from '../../core/log.js';
import { parseEndpoint } from '../../transport/grpc.js';
import type { CliContext } from '../context.js';
import { addFlags, flagValues } from '../interface-options.js';
import { requirePlugin } from '../plugin-argument.js';

export function register(program: Command, cli: CliContext): void {
  const command = program
    .command('reference')
    .argument('<interface>', 'the interface whose in-memory reference implementation to serve')
    .description('serve the in-memory reference implementation standalone (for crictl, csi-sanity, …) until SIGINT/SIGTERM')
    .option('--endpoint <address>', 'where to serve: unix:///path/to.sock or host:port (required, except for the Kubernetes-API interfaces)');
  if (cli.plugin) addFlags(command, cli.plugin.referenceFlags ?? []);
  else command.addHelpText('after', '\nEach interface\'s reference has its own flags: conformal reference <interface> --help\n');
  command.action(async (name: string) => {
    const plugin = await requirePlugin(cli, name);
    if (!plugin.serveReference) throw new UsageError(`the ${plugin.name} interface has no standalone reference server`, { field: 'interface' });
    const endpoint = command.opts<{ endpoint?: string }>().endpoint;
    const endpointOptional = plugin.referenceEndpoint === 'optional';
    if (!endpoint && !endpointOptional) throw new UsageError('--endpoint is required: where the reference should listen', { field: '--endpoint' });
    if (endpoint) parseEndpoint(endpoint, '--endpoint');
    const log = new RunLog('normal');
    const server = await plugin.serveReference({ ...flagValues(command, plugin.referenceFlags ?? []).values, ...(endpoint ? { endpoint } : {}) }, log);
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
