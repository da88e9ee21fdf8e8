// Parsers for CSI option values given as flags or YAML: byte sizes, durations, key=value pairs,
// argv lists. Each throws UsageError naming the flag or field so the CLI exits 2 with the name.
import { UsageError } from '../../core/errors.js';

const SIZE_UNITS: Record<string, number> = {
  '': 1, B: 1,
  K: 1e3, M: 1e6, G: 1e9, T: 1e12,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

/** "1048576", "1Mi", "10Gi", "500M" → bytes (Kubernetes quantity suffixes). */
export function parseSize(value: string | number, field: string): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value > 0) return value;
    throw new UsageError(`${field} must be a positive whole number of bytes, got ${value}`, { field });
  }
  const match = /^\s*(\d+)\s*([KMGT]i?|B)?\s*$/.exec(value);
  const unit = SIZE_UNITS[match?.[2] ?? ''];
  if (!match || unit === undefined) {
    throw new UsageError(`${field} must be a size such as 1048576, 1Mi or 10Gi, got "${value}"`, { field });
  }
  const bytes = Number(match[1]) * unit;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new UsageError(`${field} must be a positive size, got "${value}"`, { field });
  return bytes;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** "10s", "500ms", "2m" or a plain number of milliseconds → milliseconds. */
export function parseDuration(value: string | number, field: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return value;
    throw new UsageError(`${field} must be a positive duration, got ${value}`, { field });
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(value);
  if (!match) throw new UsageError(`${field} must be a duration such as 500ms, 10s or 2m, got "${value}"`, { field });
  const ms = Number(match[1]) * (DURATION_UNITS[match[2] ?? 'ms'] ?? 1);
  if (ms <= 0) throw new UsageError(`${field} must be a positive duration, got "${value}"`, { field });
  return ms;
}

/** "key=value" added to the map collected so far (a repeated flag). */
export function parseKeyValue(value: string, previous: unknown, field: string): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UsageError(`${field} expects key=value, got "${value}"`, { field });
  const base = previous && typeof previous === 'object' ? (previous as Record<string, string>) : {};
  return { ...base, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/**
 * An argv list given on the command line: either a JSON array in one flag
 * (--create-target-path-cmd '["kubectl","exec","pod","--","mkdir"]') or the flag repeated once per
 * element. Never split on spaces: no shell is involved.
 */
export function parseArgvFlag(value: string, previous: unknown, field: string): string[] {
  if (value.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw new UsageError(`${field} holds invalid JSON: ${(error as Error).message}`, { field, cause: error });
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((x) => typeof x === 'string')) {
      throw new UsageError(`${field} must be a non-empty JSON array of strings`, { field });
    }
    return parsed as string[];
  }
  return [...(Array.isArray(previous) ? (previous as string[]) : []), value];
}

/** A non-negative whole number. */
export function parseCount(value: string, field: string, min = 0): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${field} must be a whole number >= ${min}, got "${value}"`, { field });
  const n = Number(value);
  if (n < min) throw new UsageError(`${field} must be >= ${min}, got ${n}`, { field });
  return n;
}
