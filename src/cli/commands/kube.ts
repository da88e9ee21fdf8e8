// `conformal kube serve`: the in-memory Kubernetes API server on loopback, with a kubeconfig for
// kubectl and other clients, until SIGINT/SIGTERM.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { HarnessError, UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535 (got "${value}")`, { field: '--port' });
  return port;
}

export function register(program: Command, cli: CliContext): void {
  const kube = program.command('kube').description('the in-memory Kubernetes API server the Kubernetes-based suites run on');
  const serve = kube
    .command('serve')
    .description('serve the in-memory Kubernetes API server on 127.0.0.1 (HTTPS, bearer token) until SIGINT/SIGTERM')
    .option('--port <n>', 'TCP port on 127.0.0.1 (0 picks a free one)', '0')
    .option('--kubeconfig-out <file>', 'write a kubeconfig (server, CA, token) to this file')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  kube.exitOverride().showHelpAfterError('(run with --help for usage)');
  serve.action(async () => {
    const opts = serve.opts<{ port: string; kubeconfigOut?: string }>();
    const port = parsePort(opts.port);
    let server;
    try {
      // Loaded only when serving: the API server is large and every other command should start fast.
      const { startKubeServer } = await import('../../kube/index.js');
      server = await startKubeServer({ port });
    } catch (error) {
      throw new HarnessError(`cannot listen on 127.0.0.1:${port}: ${(error as Error).message}`, { cause: error });
    }
    try {
      if (opts.kubeconfigOut) await writeFile(opts.kubeconfigOut, server.kubeconfig, { mode: 0o600 });
    } catch (error) {
      await server.close();
      throw new UsageError(`cannot write --kubeconfig-out ${opts.kubeconfigOut}: ${(error as Error).message}`, { field: '--kubeconfig-out', cause: error });
    }
    cli.stdout.write(`conformal: Kubernetes API server at ${server.url}${opts.kubeconfigOut ? `; kubeconfig written to ${opts.kubeconfigOut}` : ''} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    cli.exitCode = 0;
  });
}
