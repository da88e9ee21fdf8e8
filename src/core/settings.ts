// Run settings shared by every interface (filters, parallelism, timeouts, reports), the YAML
// config file that can hold everything the flags hold, and validation errors that name the field.
import { readFileSync } from 'node:fs';
import { parseYaml } from './yaml.js';
import { z } from 'zod';
import { parseShard, type Shard } from './catalog.js';
import { ConfigError, UsageError } from './errors.js';
import { didYouMean } from './suggest.js';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "30s", "2m", "1h", or a bare number of seconds. */
export function parseDuration(value: string | number, field: string): number {
  if (typeof value === 'number') {
    if (!(value > 0)) throw new UsageError(`${field} must be a positive duration`, { field });
    return value * 1000;
  }
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const match = DURATION.exec(trimmed);
  if (!match || Number(match[1]) <= 0) throw new UsageError(`${field} "${value}" is not a duration like 30s, 500ms or 2m`, { field });
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/**
 * A zod field that converts with `parse` (which throws UsageError naming the field); its message
 * becomes the issue, so a bad value is reported against the flag or config field that set it.
 */
export function parsedField<T>(parse: (value: string | number, field: string) => T, field: string) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    try {
      return parse(value, field);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });
}

/** A duration field: "30s", "500ms", "2m" or a number of seconds, in milliseconds. */
export const durationField = (field: string) => parsedField(parseDuration, field);

/** A FlagSpec `parse` for a duration flag: rejects a bad value naming the flag, keeps the text for the schema. */
export const checkedDurationFlag = (flag: string) => (value: string) => {
  parseDuration(value, flag);
  return value;
};

const stringList = z.union([z.string().transform((s) => [s]), z.array(z.string())]);

export const runSettingsSchema = z
  .object({
    focus: stringList.default([]),
    skip: stringList.default([]),
    labelFilter: z.string().min(1).optional(),
    parallel: z.number().int().min(1).max(256).default(4),
    timeout: durationField('timeout').default(60_000),
    cleanupTimeout: durationField('cleanupTimeout').default(60_000),
    retries: z.number().int().min(0).max(10).default(0),
    reportDir: z.string().min(1).optional(),
    replaceReportDir: z.boolean().default(false),
    htmlReport: z.boolean().default(true),
    shard: parsedField((value) => parseShard(String(value), 'shard'), 'shard')
      .optional(),
    verbose: z.boolean().default(false),
    quiet: z.boolean().default(false),
  })
  .strict();

export type RunSettings = z.output<typeof runSettingsSchema>;
export type RawConfig = Record<string, unknown>;

/** A YAML file whose top level is a mapping, with its raw text (kept verbatim in certification bundles). */
export function readYamlMapping(path: string, field: string, expected = 'a mapping of settings'): { data: RawConfig; text: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${field} ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { field, cause: error });
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    // The parser's message ends "at line 4, column 3:" followed by the lines there and a caret.
    const context = (error as Error).message.trimEnd().replace(/\n\n/, '\n').replace(/\n/g, '\n    ');
    throw new ConfigError(`${field} ${path}: not valid YAML: ${context}`, { field, cause: error });
  }
  if (data === null || data === undefined) return { data: {}, text };
  if (typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`${field} ${path}: the top level must be ${expected}`, { field });
  return { data: data as RawConfig, text };
}

/** Reads and parses the --config YAML file; the top level must be a mapping. */
export function readConfigFile(path: string): RawConfig {
  return readYamlMapping(path, '--config').data;
}

/** Where a value came from, so an error can name the flag or the config field the user wrote. */
export interface FieldSource {
  /** Key (first path element) → flag that set it, e.g. { parallel: '--parallel' }. */
  readonly flags: Readonly<Record<string, string>>;
  /** Prefix for config-file fields, e.g. "csi." for the interface section. */
  readonly configPrefix: string;
  readonly configFile?: string | undefined;
}

/** The keys an object schema at `path` accepts, unwrapping optional/default/array layers; [] when unknown. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  const unwrap = () => {
    for (;;) {
      const n = node as { unwrap?: () => unknown; element?: unknown; shape?: unknown };
      if (n.shape) return;
      if (typeof n.unwrap === 'function') node = n.unwrap();
      else if (n.element) node = n.element;
      else return;
    }
  };
  for (const part of path) {
    unwrap();
    const shape = (node as { shape?: Record<string, unknown> }).shape;
    if (!shape) {
      if (typeof part === 'number') continue; // array index: unwrap() already went to the element
      return [];
    }
    node = shape[String(part)];
  }
  unwrap();
  const shape = (node as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((value, part) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part] : undefined), input);
}

/** The allowed values of an enum issue, also when it is one branch of a union (`accessType: mount | [mount, block]`). */
function allowedValues(issue: z.core.$ZodIssue): readonly unknown[] | undefined {
  if (issue.code === 'invalid_value') return issue.values;
  if (issue.code === 'invalid_union') {
    for (const branch of issue.errors) for (const inner of branch) if (inner.code === 'invalid_value' && inner.path.length === 0) return inner.values;
  }
  return undefined;
}

function issueMessage(schema: z.ZodType, input: unknown, issue: z.core.$ZodIssue, configPrefix: string): string {
  if (issue.code === 'unrecognized_keys') {
    const known = keysAt(schema, issue.path);
    return issue.keys.map((k) => `unknown field ${configPrefix}${[...issue.path, k].join('.')}${didYouMean(k, known)}`).join(', ');
  }
  const allowed = allowedValues(issue);
  if (allowed) {
    const got = valueAt(input, issue.path);
    const words = allowed.map(String);
    return `must be one of ${words.join(', ')}, got ${JSON.stringify(got)}${typeof got === 'string' ? didYouMean(got, words) : ''}`;
  }
  return issue.message;
}

/** Validates `input` with `schema`; on failure throws ConfigError/UsageError naming each bad field. */
export function validate<T extends z.ZodType>(schema: T, input: unknown, source: FieldSource): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const flag = source.flags[key];
    const file = source.configFile ? `${source.configFile}: ` : '';
    // An unknown key names itself in the message; the place is the file (or the section holding it).
    const where =
      flag ??
      (issue.code === 'unrecognized_keys' ? file.replace(/: $/, '') || '(config)' : `${file}${source.configPrefix}${issue.path.join('.') || '(top level)'}`);
    return { where, message: issueMessage(schema, input, issue, source.configPrefix), flag };
  });
  const first = lines[0]!;
  const text = lines.map((l) => `${l.where}: ${l.message}`).join('; ');
  if (first.flag) throw new UsageError(text, { field: first.where, cause: result.error });
  throw new ConfigError(text, { field: first.where, cause: result.error });
}
