// Every relative link and anchor in README.md and docs/**/*.md must resolve to a file (or heading)
// in the repository, so the docs work on GitHub, in the npm tarball and in a clone.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';

const root = packageRoot();

/** Every file under docs/, as a path relative to the repository. */
function docsFiles(): string[] {
  return readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .map((f) => join('docs', f))
    .filter((f) => statSync(join(root, f)).isFile())
    .sort();
}

function markdownFiles(): string[] {
  return ['README.md', ...docsFiles().filter((f) => f.endsWith('.md'))];
}

/** The text outside fenced code blocks and inline code, where links are live. */
function proseOf(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Targets of inline links and images `[text](target "title")` and of reference definitions `[id]: target`. */
export function linkTargets(markdown: string): string[] {
  const prose = proseOf(markdown);
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const definitions = [...prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!);
  return [...inline, ...definitions];
}

/** Anchors GitHub gives the headings of a page: lowercased, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, heading] of proseOf(markdown).matchAll(/^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading!
      .replace(/<[^>]+>/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n += 1) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** What is wrong with one link of `file`, or undefined when it resolves. */
function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: …: not a file of the repo
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  const absolute = path === '' ? join(root, file) : resolve(root, dirname(file), decodeURIComponent(path));
  if (absolute !== root && !absolute.startsWith(root + sep)) return `points outside the repository (${relative(root, absolute)})`;
  if (!existsSync(absolute)) return 'no such file';
  if (anchor && absolute.endsWith('.md') && statSync(absolute).isFile() && !headingAnchors(readFileSync(absolute, 'utf8')).has(anchor.toLowerCase())) return `no heading with anchor #${anchor}`;
  return undefined;
}

describe('links in the docs', () => {
  it('finds links and anchors the way GitHub renders them', () => {
    expect(linkTargets('[a](b.md) `[c](d.md)` ![i](img.png "t")\n```\n[e](f.md)\n```\n[ref]: ../g.md\n')).toEqual(['b.md', 'img.png', '../g.md']);
    expect([...headingAnchors('# Exit codes\n## Reports, testgrid and certification\n## Exit codes\n')]).toEqual(['exit-codes', 'reports-testgrid-and-certification', 'exit-codes-1']);
  });

  it('reports a link outside the repository, a missing file and a missing anchor (so the check can fail)', () => {
    expect(brokenLink('docs/csi/options.md', '../../../outside.md')).toMatch(/outside the repository/);
    expect(brokenLink('README.md', 'docs/nope.md')).toBe('no such file');
    expect(brokenLink('README.md', 'docs/architecture.md#no-such-heading')).toMatch(/no heading/);
    expect(brokenLink('README.md', 'docs/architecture.md#the-test-model-srccoretestts')).toBeUndefined();
  });

  it('docs/README.md links every page under docs/', () => {
    const index = 'docs/README.md';
    const linked = new Set(linkTargets(readFileSync(join(root, index), 'utf8')).map((target) => relative(root, resolve(root, 'docs', target.split('#')[0]!))));
    expect(docsFiles().filter((file) => file !== index && !linked.has(file))).toEqual([]);
  });

  it.each(markdownFiles())('%s: every relative link resolves inside the repository', (file) => {
    const broken = linkTargets(readFileSync(join(root, file), 'utf8'))
      .map((target) => ({ target, problem: brokenLink(file, target) }))
      .filter((link) => link.problem !== undefined);
    expect(broken).toEqual([]);
  });
});
