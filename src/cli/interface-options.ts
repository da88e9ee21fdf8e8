// Declares an interface plugin's flags on a commander command and turns parsed flag values plus
// the YAML config section into validated interface options.
import { Option, type Command } from 'commander';
import type { FlagSpec, InterfacePlugin } from '../core/plugin.js';
import { validate, type RawConfig } from '../core/settings.js';

function longFlag(spec: FlagSpec): string {
  return /--[\w-]+/.exec(spec.flags)?.[0] ?? spec.flags;
}

export function addInterfaceFlags(command: Command, plugin: InterfacePlugin, except: readonly string[] = []): void {
  addFlags(command, plugin.flags.filter((spec) => !except.includes(longFlag(spec))));
}

/** Declares these flags on the command. */
export function addFlags(command: Command, specs: readonly FlagSpec[]): void {
  for (const spec of specs) {
    const option = new Option(spec.flags, spec.description);
    if (spec.hidden) option.hideHelp();
    if (spec.parse) option.argParser((value: string, previous: unknown) => spec.parse!(value, previous));
    else if (spec.repeatable) option.argParser((value: string, previous: unknown) => [...((previous as string[] | undefined) ?? []), value]);
    command.addOption(option);
  }
}

/** The values given for these flags, by option key, and the flag that set each key. */
export function flagValues(command: Command, specs: readonly FlagSpec[]): { values: Record<string, unknown>; flagOf: Record<string, string> } {
  const given = command.opts<Record<string, unknown>>();
  const values: Record<string, unknown> = {};
  const flagOf: Record<string, string> = {};
  for (const spec of specs) {
    const attribute = new Option(spec.flags).attributeName();
    if (given[attribute] === undefined) continue;
    values[spec.key] = given[attribute];
    flagOf[spec.key] = longFlag(spec);
  }
  return { values, flagOf };
}

/** Interface options from flags (which win) and the config file's `<interface>:` section, validated. */
export function interfaceOptions(command: Command, plugin: InterfacePlugin, config: RawConfig, configFile: string | undefined): unknown {
  const { values: fromFlags, flagOf } = flagValues(command, plugin.flags);
  const section = config[plugin.name];
  const fromFile = section && typeof section === 'object' && !Array.isArray(section) ? (section as Record<string, unknown>) : {};
  return validate(plugin.optionsSchema, { ...fromFile, ...fromFlags }, { flags: flagOf, configPrefix: `${plugin.name}.`, configFile });
}
