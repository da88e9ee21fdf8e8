// `conformal merge OUT SHARD_DIR...`: joins the report dirs of a run split with --shard i/n into one
// testgrid build: merged results.json, HTML report, finished.json from the merged verdict, and each
// shard's JUnit as artifacts/junit_0<i>.xml (testgrid reads them all and drops the filtered markers).
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { runPassed, type RunResult } from '../../core/results.js';
import { renderJson } from '../../../reporters/json.js';
import { writeHtmlReport } from '../../../reporters/html/write-html-report.js';
import { writeTestgridBuild } from '../../../reporters/testgrid/layout.js';
import { checkShards, mergeShards } from '../../../reporters/testgrid/merge-shards.js';
import type { CliContext } from '../context.js';

async function readShard(dir: string): Promise<RunResult> {
  const file = join(dir, 'artifacts', 'results.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as RunResult;
  } catch (error) {
    throw new ConfigError(`${file}: cannot read shard results (${(error as Error).message})`, { field: 'SHARD_DIR', cause: error });
  }
}

export async function mergeReportDirs(outDir: string, shardDirs: readonly string[]): Promise<RunResult> {
  const byDir = await Promise.all(shardDirs.map(async (dir) => ({ dir, run: await readShard(dir) })));
  const ordered = checkShards(byDir.map((entry) => entry.run));
  const merged = mergeShards(ordered);
  const artifacts = join(outDir, 'artifacts');
  await mkdir(artifacts, { recursive: true });
  const logs: string[] = [];
  for (const run of ordered) {
    const { dir } = byDir.find((entry) => entry.run === run)!;
    const index = String(run.shard!.index).padStart(2, '0');
    await copyFile(join(dir, 'artifacts', 'junit_01.xml'), join(artifacts, `junit_${index}.xml`));
    const log = await readFile(join(dir, 'build-log.txt'), 'utf8').catch(() => '(no build-log.txt)\n');
    logs.push(`==== shard ${run.shard!.index}/${run.shard!.total} (${dir}) ====\n${log}`);
  }
  await writeFile(join(artifacts, 'results.json'), renderJson(merged));
  await writeHtmlReport(merged, artifacts, 'report');
  await writeTestgridBuild(merged, outDir, logs.join(''));
  return merged;
}

export function register(program: Command, cli: CliContext): void {
  program
    .command('merge')
    .description('merge the report dirs of a --shard i/n run into one testgrid build dir')
    .argument('<out>', 'build dir to write (e.g. logs/<job>/<build id>)')
    .argument('<shard-dirs...>', 'the --report-dir of every shard')
    .action(async (out: string, shardDirs: string[]) => {
      const merged = await mergeReportDirs(resolve(out), shardDirs.map((dir) => resolve(dir)));
      const { summary } = merged;
      cli.stdout.write(`merged ${shardDirs.length} shards: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped, ${summary.flaky} flaky, ${summary.filtered} filtered -> ${resolve(out)}\n`);
      cli.exitCode = runPassed(merged) ? 0 : merged.outcome === 'completed' ? 1 : 3;
    });
}
