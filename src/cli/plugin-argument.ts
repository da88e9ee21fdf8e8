import type { InterfacePlugin } from '../core/plugin.js';
import { loadInterface } from '../interfaces/registry.js';
import type { CliContext } from './context.js';

/** The plugin for the <interface> argument: the preloaded one when it matches, else load it (unknown → exit 2). */
export async function requirePlugin(cli: CliContext, name: string): Promise<InterfacePlugin> {
  if (cli.plugin?.name === name) return cli.plugin;
  return loadInterface(name);
}
