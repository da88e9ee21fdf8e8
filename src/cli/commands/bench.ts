// `conformal bench cri ...`: lifecycle latency percentiles per operation against any runtime (or
// the embedded reference), with the same target flags as `run`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Option, type Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { RunLog } from '../../core/log.js';
import type { CliContext } from '../context.js';
import { addInterfaceFlags, interfaceOptions } from '../interface-options.js';
import { loadConfig } from '../run-options.js';
import { requirePlugin } from '../plugin-argument.js';

function positiveInt(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${value}"`, { field: flag });
    return n;
  };
}

export function register(program: Command, cli: CliContext): void {
  const command = program
    .command('bench')
    .argument('<interface>', 'the interface to benchmark (cri)')
    .description('measure lifecycle latency per operation and print p50/p90/p99')
    .option('--config <file>', 'YAML config; its `<interface>:` section configures the target')
    .addOption(new Option('--iterations <n>', 'lifecycles to run').argParser(positiveInt('--iterations')).default(20))
    .addOption(new Option('--concurrency <n>', 'lifecycles in flight at once').argParser(positiveInt('--concurrency')).default(1))
    .addOption(new Option('-o, --output <format>', 'text or json').default('text'));
  if (cli.plugin) addInterfaceFlags(command, cli.plugin);
  command.action(async (name: string) => {
    const plugin = await requirePlugin(cli, name);
    if (plugin.name !== 'cri') throw new UsageError(`bench supports the cri interface only, not "${plugin.name}"`, { field: 'interface' });
    const opts = command.opts<{ iterations: number; concurrency: number; output: string }>();
    if (opts.output !== 'text' && opts.output !== 'json') throw new UsageError(`--output "${opts.output}" must be text or json`, { field: '--output' });
    const loaded = loadConfig(command, plugin);
    const options = interfaceOptions(command, plugin, loaded.config, loaded.file);
    const { benchLifecycle, formatStats } = await import('../../interfaces/cri/bench.js');
    const workDir = await mkdtemp(join(tmpdir(), 'conformal-bench-'));
    const log = new RunLog('normal');
    const interrupt = new AbortController();
    const onSignal = () => interrupt.abort(new UsageError('interrupted'));
    process.once('SIGINT', onSignal);
    try {
      const session = await plugin.open(options, { signal: interrupt.signal, log, workDir, runId: randomBytes(3).toString('hex') });
      try {
        const started = performance.now();
        const stats = await benchLifecycle(session.env, { iterations: opts.iterations, parallel: opts.concurrency, signal: interrupt.signal });
        const seconds = (performance.now() - started) / 1000;
        const target = `${session.implementation.name} ${session.implementation.version ?? ''} at ${session.implementation.endpoint ?? '?'}`;
        if (opts.output === 'json') cli.stdout.write(`${JSON.stringify({ target, iterations: opts.iterations, concurrency: opts.concurrency, seconds, operations: stats }, null, 2)}\n`);
        else cli.stdout.write(`${target}: ${opts.iterations} lifecycles, concurrency ${opts.concurrency}, ${seconds.toFixed(1)} s\n${formatStats(stats)}\n`);
      } finally {
        await session.close();
      }
      cli.exitCode = 0;
    } finally {
      process.removeListener('SIGINT', onSignal);
      await rm(workDir, { recursive: true, force: true });
    }
  });
}
