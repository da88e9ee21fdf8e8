import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleOrigin } from '../../src/core/bundle-source-map.js';

function packageWithBundle(map?: object): string {
  const root = mkdtempSync(join(tmpdir(), 'conformal-bundle-map-'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist', 'cli.cjs'), 'run();\n');
  if (map) writeFileSync(join(root, 'dist', 'cli.cjs.map'), JSON.stringify(map));
  return root;
}

describe('bundleOrigin', () => {
  it('maps a position in dist/cli.cjs to the source file through dist/cli.cjs.map', () => {
    // "AAAA;AACA": line 1 column 1 → source line 1 column 1; line 2 → source line 2.
    const root = packageWithBundle({ version: 3, sources: ['../suites/csi/create-volume.ts'], names: [], mappings: 'AAAA;AACA' });
    expect(bundleOrigin(root, `${root}/dist/cli.cjs:2:1`)).toBe(`${root}/suites/csi/create-volume.ts:2:1`);
  });

  it('leaves other files, and a bundle built without a map, alone', () => {
    const withMap = packageWithBundle({ version: 3, sources: ['../a.ts'], names: [], mappings: 'AAAA' });
    expect(bundleOrigin(withMap, `${withMap}/dist/src/core/run.js:1:1`)).toBeUndefined();
    const without = packageWithBundle();
    expect(bundleOrigin(without, `${without}/dist/cli.cjs:1:1`)).toBeUndefined();
  });
});
