// The catalog of an interface's tests: validation (unique ids and titles), the filters a user
// selects tests with (--focus, --skip, --label-filter, --shard) and capability gating.
import { createHash } from 'node:crypto';
import { HarnessError, UsageError } from './errors.js';
import { labelsIn, parseLabelFilter } from './label-filter.js';
import type { ProfileDefinition } from './plugin.js';
import { profileOf } from './profiles.js';
import { didYouMean } from './suggest.js';
import { fullNameOf, tagsOf, type TestDefinition } from './test.js';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly total: number;
}

export interface Selection {
  readonly focus: readonly string[];
  readonly skip: readonly string[];
  readonly labelFilter?: string | undefined;
  readonly shard?: Shard | undefined;
}

export interface CatalogEntry<Env = unknown> {
  readonly test: TestDefinition<Env>;
  readonly name: string;
  readonly tags: readonly string[];
  /** The conformance profile the test belongs to; undefined when the interface defines none. */
  readonly conformanceProfile?: string;
}

export type Decision = { readonly run: true } | { readonly run: false; readonly reason: string };

const ID_PATTERN = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/** Builds catalog entries and rejects a malformed suite (duplicate ids or names, bad ids); `sig` owns the interface. */
export function buildCatalog<Env>(interfaceName: string, tests: readonly TestDefinition<Env>[], profiles: readonly ProfileDefinition[] = [], sig?: string): CatalogEntry<Env>[] {
  const ids = new Set<string>();
  const names = new Set<string>();
  return tests.map((test) => {
    if (!ID_PATTERN.test(test.id)) throw new HarnessError(`test id "${test.id}" is not dotted lower-case`);
    if (ids.has(test.id)) throw new HarnessError(`duplicate test id "${test.id}"`);
    const name = fullNameOf(interfaceName, test, sig);
    if (names.has(name)) throw new HarnessError(`duplicate test name "${name}" (id ${test.id})`);
    ids.add(test.id);
    names.add(name);
    const profile = profileOf(test, profiles);
    return { test, name, tags: tagsOf(test), ...(profile ? { conformanceProfile: profile.name } : {}) };
  });
}

export function compilePatterns(patterns: readonly string[], flag: string): RegExp[] {
  return patterns.map((pattern) => {
    try {
      return new RegExp(pattern);
    } catch (error) {
      throw new UsageError(`${flag} "${pattern}" is not a valid regular expression`, { field: flag, cause: error });
    }
  });
}

/**
 * `i/n`, 1 <= i <= n; `k+1/n` is shard k+1 (0 <= k < n): an indexed Kubernetes Job's pods count from
 * 0, so `--shard $(JOB_COMPLETION_INDEX)+1/n` names each pod's shard without a shell.
 */
export function parseShard(value: string, field = '--shard'): Shard {
  const match = /^(\d+)(?:\+(\d+))?\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]) + Number(match?.[2] ?? 0);
  const total = Number(match?.[3]);
  if (!match || total < 1 || index < 1 || index > total) {
    throw new UsageError(`${field} "${value}" must be i/n with 1 <= i <= n (e.g. 1/4), or k+1/n with 0 <= k < n (e.g. $(JOB_COMPLETION_INDEX)+1/4)`, { field });
  }
  return { index, total };
}

/** Stable shard of a test: a hash of its id, so adding a test never moves the others. */
export function shardOf(id: string, total: number): number {
  const digest = createHash('sha256').update(id).digest();
  return (digest.readUInt32BE(0) % total) + 1;
}

/** Decides, per entry, whether the user's filters select it; the reason says which filter dropped it. */
export function makeSelector<Env = unknown>(selection: Selection): (entry: CatalogEntry<Env>) => Decision {
  const focus = compilePatterns(selection.focus, '--focus');
  const skip = compilePatterns(selection.skip, '--skip');
  const labels = selection.labelFilter ? parseLabelFilter(selection.labelFilter) : undefined;
  const { shard } = selection;
  return (entry) => {
    const haystacks = [entry.name, entry.test.id];
    if (focus.length > 0 && !focus.some((re) => haystacks.some((h) => re.test(h)))) return { run: false, reason: 'not matched by --focus' };
    const skipped = skip.find((re) => haystacks.some((h) => re.test(h)));
    if (skipped) return { run: false, reason: `matched by --skip ${skipped.source}` };
    if (labels && !labels(entry.tags)) return { run: false, reason: 'excluded by --label-filter' };
    if (shard && shardOf(entry.test.id, shard.total) !== shard.index) return { run: false, reason: `in another shard than ${shard.index}/${shard.total}` };
    return { run: true };
  };
}
/** The filters a user set, each as the flag that set it, its value as written, and its selection alone. */
function activeFilters(selection: Selection): Array<{ flag: string; value: string; selection: Selection }> {
  const none: Selection = { focus: [], skip: [] };
  const filters: Array<{ flag: string; value: string; selection: Selection }> = [];
  if (selection.focus.length > 0) filters.push({ flag: '--focus', value: selection.focus.join(' | '), selection: { ...none, focus: selection.focus } });
  if (selection.skip.length > 0) filters.push({ flag: '--skip', value: selection.skip.join(' | '), selection: { ...none, skip: selection.skip } });
  if (selection.labelFilter) filters.push({ flag: '--label-filter', value: selection.labelFilter, selection: { ...none, labelFilter: selection.labelFilter } });
  if (selection.shard) filters.push({ flag: '--shard', value: `${selection.shard.index}/${selection.shard.total}`, selection: { ...none, shard: selection.shard } });
  return filters;
}

/** "no test has the tag Feature:Snapshot (did you mean Feature:Snapshots?)" for each label no test carries. */
function unknownLabelHints(entries: readonly Pick<CatalogEntry, 'tags'>[], labelFilter: string): string[] {
  const tags = new Set(entries.flatMap((entry) => entry.tags));
  const known = new Set([...tags].map((tag) => tag.toLowerCase()));
  return labelsIn(labelFilter)
    .filter((label) => !known.has(label.toLowerCase()))
    .map((label) => `no test has the tag ${label}${didYouMean(label, tags)}`);
}

/**
 * A run that selects no test would test nothing and exit green: a usage error naming the flag(s)
 * that emptied the selection, raised before anything runs or is written.
 */
export function requireSelection<Env>(interfaceName: string, entries: readonly CatalogEntry<Env>[], selection: Selection): void {
  const count = (s: Selection) => entries.filter((entry) => makeSelector<Env>(s)(entry).run).length;
  if (count(selection) > 0) return;
  const filters = activeFilters(selection).map((filter) => ({ ...filter, selected: count(filter.selection) }));
  if (filters.length === 0) throw new HarnessError(`the ${interfaceName} suite has no tests`);
  const of = `${entries.length} ${interfaceName} tests`;
  const empty = filters.filter((filter) => filter.selected === 0);
  const parts =
    empty.length > 0
      ? empty.map((filter) => `${filter.flag} "${filter.value}" selects none of the ${of}`)
      : [`${filters.map((f) => `${f.flag} "${f.value}"`).join(' and ')} together select none of the ${of} (alone: ${filters.map((f) => `${f.flag} ${f.selected}`).join(', ')})`];
  if (selection.labelFilter) parts.push(...unknownLabelHints(entries, selection.labelFilter));
  const field = (empty[0] ?? filters[0]!).flag;
  throw new UsageError(`no test selected: ${parts.join('; ')}`, { field });
}
