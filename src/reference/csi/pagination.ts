// ListVolumes/ListSnapshots paging. A token names the last id returned, so deleting entries
// between pages never shifts later ones; a token that does not decode is ABORTED (spec).
import { fail, invalidArgument, status } from './status.js';

const PREFIX = 'conformal-page:';

export function encodeToken(lastId: string): string {
  return Buffer.from(PREFIX + lastId, 'utf8').toString('base64url');
}

function decodeToken(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  return text.startsWith(PREFIX) && text.length > PREFIX.length ? text.slice(PREFIX.length) : undefined;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string;
}

/** Returns the page of `items` (sorted by id here) after `startingToken`, at most `maxEntries` long (0 = all). */
export function paginate<T>(items: readonly T[], idOf: (item: T) => string, maxEntries: number | undefined, startingToken: string | undefined): Page<T> {
  const max = maxEntries ?? 0;
  if (!Number.isInteger(max) || max < 0) invalidArgument(`max_entries must not be negative (got ${max})`);
  const sorted = [...items].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
  let start = 0;
  if (startingToken) {
    const after = decodeToken(startingToken);
    if (after === undefined) fail(status.ABORTED, `starting_token "${startingToken}" is not a token this driver issued`);
    start = sorted.findIndex((item) => idOf(item) > after!);
    if (start === -1) start = sorted.length;
  }
  const end = max > 0 ? Math.min(sorted.length, start + max) : sorted.length;
  const page = sorted.slice(start, end);
  const nextToken = end < sorted.length && page.length > 0 ? encodeToken(idOf(page[page.length - 1]!)) : '';
  return { items: page, nextToken };
}
