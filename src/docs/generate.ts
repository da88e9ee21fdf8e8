// `npm run docs`: regenerates docs/coverage/<interface>.md for every registered interface.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packagePath } from '../core/paths.js';
import { interfaceNames, loadInterface } from '../interfaces/registry.js';
import { coverageMarkdown } from './coverage.js';

const dir = packagePath('docs', 'coverage');
await mkdir(dir, { recursive: true });
for (const name of interfaceNames()) {
  const file = join(dir, `${name}.md`);
  await writeFile(file, await coverageMarkdown(await loadInterface(name)));
  process.stdout.write(`wrote ${file}\n`);
}
