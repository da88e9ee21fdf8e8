// docs/cni/real-plugins.md is the human copy of expectations.ts: every target, its counts and every
// explained failure must appear there (runs everywhere, no root needed).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../../src/core/paths.js';
import { REAL_CASES } from './expectations.js';

const doc = readFileSync(packagePath('docs/cni/real-plugins.md'), 'utf8');
const TOTAL = 38;

describe('docs/cni/real-plugins.md', () => {
  it.each(REAL_CASES.map((c) => [c.name, c] as const))('documents %s', (_name, c) => {
    const section = doc.split(`### ${c.name}\n`)[1]?.split('\n### ')[0] ?? '';
    expect(section, `no section "### ${c.name}"`).not.toBe('');
    expect(doc).toContain(`| ${c.name} | ${c.profile} | ${TOTAL - c.failures.length - c.skipped.length} | ${c.failures.length} | ${c.skipped.length} |`);
    for (const failure of c.failures) expect(section).toContain(`| \`${failure.id}\` | ${failure.why} |`);
    for (const skip of c.skipped) expect(section).toContain(`\`${skip}\``);
  });

  it('counts the suite as it is', async () => {
    const { cniTests } = await import('../../../suites/cni/index.js');
    expect(cniTests.length).toBe(TOTAL);
  });
});
