import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { coverageMarkdown } from '../../src/docs/coverage.js';
import { packagePath } from '../../src/core/paths.js';
import { interfaceNames, loadInterface } from '../../src/interfaces/registry.js';
import { fakePlugin, fakeTest } from '../support/fake-plugin.js';

describe('coverageMarkdown', () => {
  it('maps each operation and capability to the tests that exercise it', async () => {
    const plugin = {
      ...fakePlugin([
        fakeTest({ id: 'c.one', operations: ['Create', 'Delete'], requires: ['cap.a'] }),
        fakeTest({ id: 'c.two', operations: ['Create'], requires: ['cap.a'] }),
        fakeTest({ id: 'c.three', operations: ['List'], requiresAny: ['cap.b', 'cap.c'] }),
      ]),
      capabilityCatalog: [
        { name: 'cap.a', description: 'A', kind: 'feature' as const },
        { name: 'cap.b', description: 'B', kind: 'feature' as const },
        { name: 'cap.unused', description: 'never required', kind: 'feature' as const },
      ],
    };
    const markdown = await coverageMarkdown(plugin);
    expect(markdown).toContain('| Create | cap.a | `c.one`<br>`c.two` |');
    expect(markdown).toContain('| List | cap.b or cap.c | `c.three` |');
    expect(markdown).toContain('| `cap.unused` | never required | — |');
    expect(markdown).toContain('missing from the catalog: cap.c');
  });
});

describe('docs/coverage', () => {
  it.each(interfaceNames())('docs/coverage/%s.md is up to date with the catalog (run `npm run docs`)', async (name) => {
    const committed = await readFile(packagePath('docs', 'coverage', `${name}.md`), 'utf8').catch(() => '(missing)');
    expect(committed).toBe(await coverageMarkdown(await loadInterface(name)));
  });
});
