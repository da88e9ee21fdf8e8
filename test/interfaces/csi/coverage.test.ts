import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CSI_COVERAGE_DOC, csiCoverageMarkdown } from '../../../src/interfaces/csi/coverage.js';
import { csiPlugin } from '../../../src/interfaces/csi/plugin.js';

describe('docs/csi/coverage.md', () => {
  it('is current with the catalog (regenerate with npm run build && npm run docs:csi)', async () => {
    const expected = csiCoverageMarkdown(await csiPlugin.loadTests(), csiPlugin.specVersion);
    expect(await readFile(CSI_COVERAGE_DOC, 'utf8')).toBe(expected);
  });

  it('shows all 32 RPCs exercised and the codes the error-case tests assert', async () => {
    const markdown = csiCoverageMarkdown(await csiPlugin.loadTests(), csiPlugin.specVersion);
    expect(markdown).toContain('32/32 RPCs exercised');
    expect(markdown).not.toContain('**no test**');
    expect(markdown).toMatch(/\| Controller \| ListVolumes \| \d+ \| ABORTED, INVALID_ARGUMENT \|/);
  });
});
