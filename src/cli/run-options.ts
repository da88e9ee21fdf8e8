// The flags every suite run takes (filters, parallelism, timeouts, retries, reports), and how they
// combine with the YAML config file: flags win, the file fills the rest, the schema names bad fields.
import { Option, type Command } from 'commander';
import { ConfigError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { InterfacePlugin } from '../core/plugin.js';
import { interfaceNames } from '../interfaces/registry.js';
import { readConfigFile, runSettingsSchema, validate, type RawConfig, type RunSettings } from '../core/settings.js';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Flag → settings key; also used to name the flag in validation errors. */
const RUN_FLAGS: Record<string, string> = {
  focus: '--focus',
  skip: '--skip',
  labelFilter: '--label-filter',
  parallel: '--parallel',
  timeout: '--timeout',
  cleanupTimeout: '--cleanup-timeout',
  retries: '--retries',
  reportDir: '--report-dir',
  replaceReportDir: '--replace-report-dir',
  htmlReport: '--no-html-report',
  shard: '--shard',
  verbose: '--verbose',
  quiet: '--quiet',
};

export function addRunOptions(command: Command): Command {
  return command
    .option('--config <file>', 'YAML file holding any of these settings and an `<interface>:` section of interface options')
    .addOption(new Option('--focus <regex>', 'run only tests whose full name or id matches (repeatable, ORed)').argParser(collect))
    .addOption(new Option('--skip <regex>', 'do not run tests whose full name or id matches (repeatable, ORed)').argParser(collect))
    .option('--label-filter <expr>', 'select by tags, e.g. "Conformance && !Feature:Snapshots"')
    .option('--parallel <n>', 'tests run at once (serial tests run alone unless the target gives them a scope of their own; default 4)')
    .option('--timeout <duration>', 'deadline per test attempt, e.g. 30s (default 60s)')
    .option('--cleanup-timeout <duration>', 'deadline for removing what a test created (default 60s)')
    .option('--retries <n>', 'extra attempts for a failing test; a pass on retry is reported as flaky (default 0)')
    .option('--report-dir <dir>', 'write results.json, JUnit and the testgrid layout here (written even when the run fails); must be new or empty')
    .option('--replace-report-dir', 'empty a --report-dir that holds an earlier build before the run')
    .option('--no-html-report', 'leave artifacts/report.html out of --report-dir (`conformal report html` makes it later from results.json)')
    .option('--shard <i/n>', 'run only shard i of n (deterministic split by test id); k+1/n is shard k+1, for an indexed Job: $(JOB_COMPLETION_INDEX)+1/n')
    .option('-v, --verbose', 'print debug logging')
    .option('-q, --quiet', 'print only failures and the summary');
}

/** Numeric flags arrive as strings; convert without hiding garbage (zod then reports NaN against the flag). */
function numeric(value: unknown): unknown {
  return typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
}

export interface LoadedConfig {
  readonly config: RawConfig;
  readonly file: string | undefined;
}

export function loadConfig(command: Command, plugin?: InterfacePlugin): LoadedConfig {
  const file = command.opts<{ config?: string }>().config;
  if (!file) return { config: {}, file };
  const config = readConfigFile(file);
  return { config: plugin?.adoptConfigFile?.(file, config) ?? config, file };
}

export function runSettings(command: Command, { config, file }: LoadedConfig): RunSettings {
  const values = command.opts<Record<string, unknown>>();
  const fromFile: RawConfig = {};
  for (const [key, value] of Object.entries(config)) {
    if (interfaceNames().includes(key)) continue; // interface sections are validated by their plugin
    fromFile[key] = value;
  }
  const fromFlags: Record<string, unknown> = {};
  for (const key of Object.keys(RUN_FLAGS)) {
    // A negatable flag (--no-html-report) has a value even when not given; only a given flag overrides the file.
    if (values[key] === undefined || command.getOptionValueSource(key) === 'default') continue;
    fromFlags[key] = key === 'parallel' || key === 'retries' ? numeric(values[key]) : values[key];
  }
  const unknownFile = Object.keys(fromFile).filter((key) => !(key in runSettingsSchema.shape));
  if (unknownFile.length > 0) {
    const known = [...Object.keys(runSettingsSchema.shape), ...interfaceNames()];
    const fields = unknownFile.map((key) => `unknown field ${key}${didYouMean(key, known)}`).join(', ');
    throw new ConfigError(`${file}: ${fields} (settings: ${Object.keys(runSettingsSchema.shape).join(', ')}; interface sections: ${interfaceNames().join(', ')})`, { field: unknownFile[0] });
  }
  return validate(runSettingsSchema, { ...fromFile, ...fromFlags }, { flags: Object.fromEntries(Object.keys(fromFlags).map((k) => [k, RUN_FLAGS[k]!])), configPrefix: '', configFile: file });
}
