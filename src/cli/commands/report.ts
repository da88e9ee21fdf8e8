// `conformal report html results.json [--out DIR]`: rebuilds the HTML report from a results.json
// (e.g. one downloaded from a CI run or a bucket) without running anything.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from '../../core/results.js';
import { writeHtmlReport } from '../../../reporters/html/write-html-report.js';
import type { CliContext } from '../context.js';

export async function readRunResult(file: string): Promise<RunResult> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: cannot read a results.json (${(error as Error).message})`, { field: 'results', cause: error });
  }
  const run = data as Partial<RunResult>;
  if (run?.schemaVersion !== RESULT_SCHEMA_VERSION || !Array.isArray(run.results)) {
    throw new ConfigError(`${file}: not a conformal results.json of schema version ${RESULT_SCHEMA_VERSION}`, { field: 'results' });
  }
  return run as RunResult;
}

export function register(program: Command, cli: CliContext): void {
  const report = program.command('report').description('rebuild reports from a results.json');
  report
    .command('html')
    .description('write report.html (mochawesome, with coverage tables) from a results.json')
    .argument('<results>', 'a results.json written by `conformal run --report-dir`')
    .option('--out <dir>', 'where to write report.html and report.json (default: beside the results file)')
    .action(async (results: string, flags: { out?: string }) => {
      const run = await readRunResult(results);
      const { html } = await writeHtmlReport(run, resolve(flags.out ?? dirname(results)), 'report');
      cli.stdout.write(`${html}\n`);
    });
}
