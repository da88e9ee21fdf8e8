// Declares an interface plugin's flags on a commander command and turns parsed flag values plus
// the YAML config section into validated interface options.
import { Option, type Command } from 'commander';
import type { FlagSpec, InterfacePlugin } from '../core/plugin.js';
import { validate, type RawConfig } from '../core/settings.js';

function longFlag(spec: FlagSpec): string {
  return /--[\w-]+/.exec(spec.flags)?.[0] ?? spec.flags;
}

export function addInterfaceFlags(command: Command, plugin: InterfacePlugin, except: readonly string[] = []): void {
  for (const spec of plugin.flags) {
    if (except.includes(longFlag(spec))) continue;
    const option = new Option(spec.flags, spec.description);
    if (spec.hidden) option.hideHelp();
    if (spec.parse) option.argParser((value: string, previous: unknown) => spec.parse!(value, previous));
    else if (spec.repeatable) option.argParser((value: string, previous: unknown) => [...((previous as string[] | undefined) ?? []), value]);
    command.addOption(option);
  }
}

/** Interface options from flags (which win) and the config file's `<interface>:` section, validated. */
export function interfaceOptions(command: Command, plugin: InterfacePlugin, config: RawConfig, configFile: string | undefined): unknown {
  const values = command.opts<Record<string, unknown>>();
  const fromFlags: Record<string, unknown> = {};
  const flagOf: Record<string, string> = {};
  for (const spec of plugin.flags) {
    const attribute = new Option(spec.flags).attributeName();
    if (values[attribute] === undefined) continue;
    fromFlags[spec.key] = values[attribute];
    flagOf[spec.key] = longFlag(spec);
  }
  const section = config[plugin.name];
  const fromFile = section && typeof section === 'object' && !Array.isArray(section) ? (section as Record<string, unknown>) : {};
  return validate(plugin.optionsSchema, { ...fromFile, ...fromFlags }, { flags: flagOf, configPrefix: `${plugin.name}.`, configFile });
}
