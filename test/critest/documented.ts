// The tables of docs/cri/critest.md that tests hold the runs to: each follows a marker comment
// `<!-- table:NAME -->`; a row's cells are returned without their backticks.
import { readFileSync } from 'node:fs';
import { packagePath } from '../../src/core/paths.js';

export const CRITEST_DOC = packagePath('docs', 'cri', 'critest.md');

export function documentedTable(name: string, file = CRITEST_DOC): string[][] {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(`<!-- table:${name} -->`);
  if (start < 0) throw new Error(`${file} has no table ${name}`);
  const rows: string[][] = [];
  for (const line of text.slice(start).split('\n').slice(1)) {
    if (!line.startsWith('|')) {
      if (rows.length > 0 || line.trim() !== '') break;
      continue;
    }
    if (/^\|[\s:|-]+\|$/.test(line)) continue; // the header's underline
    rows.push(line.slice(1, -1).split(' | ').map((cell) => cell.trim().replace(/^`(.*)`$/, '$1')));
  }
  return rows.slice(1); // the header row
}
