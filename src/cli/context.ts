// What command modules share: the interface plugin named on the command line (loaded before
// parsing so its flags can be declared), output streams, and the exit code to return.
import type { Command } from 'commander';
import type { InterfacePlugin } from '../core/plugin.js';

export interface CliContext {
  /** The plugin of the interface named in argv (e.g. `run csi`), loaded before parsing. */
  readonly plugin: InterfacePlugin | undefined;
  readonly argv: readonly string[];
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  exitCode: number;
}

/** A command module: registers one command (or a small group) on the program. */
export interface CommandModule {
  register(program: Command, cli: CliContext): void;
}
