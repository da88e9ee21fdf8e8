// Entry point of the `conformal` CLI. Returns the process exit code:
// 0 all passed · 1 a test failed · 2 usage or config error (field named) · 3 target unreachable,
// interrupted or harness failure.
import { Command, CommanderError } from 'commander';
import { ConformalError, ExitCode, exitCodeFor } from '../core/errors.js';
import type { InterfacePlugin } from '../core/plugin.js';
import { harnessVersion } from '../core/version.js';
import { interfaceNames, loadInterface } from '../interfaces/registry.js';
import { commandsFor } from './commands/index.js';
import type { CliContext } from './context.js';

/** The interface named after the command (`run csi …`), so its flags can be declared before parsing. */
async function preloadPlugin(args: readonly string[]): Promise<InterfacePlugin | undefined> {
  const name = args.slice(1).find((arg) => interfaceNames().includes(arg));
  return name ? loadInterface(name) : undefined;
}

export async function main(argv: readonly string[], io: Partial<Pick<CliContext, 'stdout' | 'stderr'>> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  try {
    const cli: CliContext = { plugin: await preloadPlugin(argv.slice(2)), argv, stdout, stderr, exitCode: 0 };
    const program = new Command('conformal')
      .description('Conformance harness for the Kubernetes plugin interfaces')
      .version(harnessVersion())
      .showHelpAfterError('(run with --help for usage)')
      .configureOutput({ writeOut: (text) => stdout.write(text), writeErr: (text) => stderr.write(text) })
      .exitOverride();
    for (const load of commandsFor(argv.slice(2))) (await load()).register(program, cli);
    for (const command of program.commands) command.exitOverride().showHelpAfterError('(run with --help for usage)');
    await program.parseAsync([...argv]);
    return cli.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every parse error (unknown flag, missing argument) is a usage error.
      return error.exitCode === 0 ? ExitCode.Passed : ExitCode.Usage;
    }
    if (error instanceof ConformalError) {
      stderr.write(`conformal: ${error.message}\n`);
      return exitCodeFor(error);
    }
    stderr.write(`conformal: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.Harness;
  }
}
