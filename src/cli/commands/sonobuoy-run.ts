// `conformal sonobuoy-run <interface> [run flags]`: the entry point of the Sonobuoy plugin image.
// Sonobuoy's worker watches the results directory ($SONOBUOY_RESULTS_DIR, else $RESULTS_DIR) for a
// file named `done` whose content is the path of the results (a directory is tarred and uploaded).
// So: run the suite into <results>/conformal (testgrid layout, JUnit in artifacts/junit_01.xml, the
// only .xml Sonobuoy's junit post-processing picks up), then write `done` last, in every outcome.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { describeError } from '../../core/describe-error.js';
import { UsageError } from '../../core/errors.js';
import type { InterfacePlugin } from '../../core/plugin.js';
import type { RunResult } from '../../core/results.js';
import type { CliContext } from '../context.js';
import { addInterfaceFlags, interfaceOptions } from '../interface-options.js';
import { requirePlugin } from '../plugin-argument.js';
import { addRunOptions, loadConfig, runSettings } from '../run-options.js';
import { runPipeline } from '../run-pipeline.js';

/** Where Sonobuoy expects results: its env vars, else its documented default under the temp dir. */
export function sonobuoyResultsDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SONOBUOY_RESULTS_DIR || env.RESULTS_DIR || join(tmpdir(), 'sonobuoy', 'results'));
}

/** A JUnit holding one failing "setup: read the settings" test, unless a run already wrote into `reportDir`. */
async function writeRefusedRunJunit(reportDir: string, iface: RunResult['interface'], error: unknown): Promise<void> {
  if (existsSync(reportDir)) return;
  const { renderAbortedJunit } = await import('../../../reporters/junit.js');
  await mkdir(join(reportDir, 'artifacts'), { recursive: true });
  await writeFile(join(reportDir, 'artifacts', 'junit_01.xml'), renderAbortedJunit(iface, { step: 'setup: read the settings', error: describeError(error) }, new Date(), 0));
}

export function register(program: Command, cli: CliContext): void {
  const command = program
    .command('sonobuoy-run')
    .argument('<interface>', 'the interface to test: csi, cri, cni, …')
    .description('run the suite as a Sonobuoy plugin: results into $SONOBUOY_RESULTS_DIR, then the `done` file');
  addRunOptions(command);
  if (cli.plugin) addInterfaceFlags(command, cli.plugin);
  command.action(async (name: string) => {
    const resultsDir = sonobuoyResultsDir();
    await mkdir(resultsDir, { recursive: true });
    let plugin: InterfacePlugin | undefined;
    try {
      if (command.opts<{ reportDir?: string }>().reportDir) throw new UsageError('--report-dir: sonobuoy-run writes into $SONOBUOY_RESULTS_DIR', { field: '--report-dir' });
      plugin = await requirePlugin(cli, name);
      const loaded = loadConfig(command, plugin);
      const settings = { ...runSettings(command, loaded), reportDir: join(resultsDir, 'conformal') };
      const options = interfaceOptions(command, plugin, loaded.config, loaded.file);
      const { exitCode } = await runPipeline({ plugin, settings, options, command: cli.argv.slice(2), stdout: cli.stdout, reportDirFlag: '$SONOBUOY_RESULTS_DIR' });
      cli.exitCode = exitCode;
    } catch (error) {
      // Sonobuoy reads only the JUnit: a run refused before it started must show red there too.
      await writeRefusedRunJunit(join(resultsDir, 'conformal'), { name, title: plugin?.title ?? name, specVersion: plugin?.specVersion ?? '', ...(plugin ? { sig: plugin.sig } : {}) }, error);
      throw error;
    } finally {
      // Even after a usage or harness error: without `done` the worker waits for its timeout.
      await writeFile(join(resultsDir, 'done'), join(resultsDir, 'conformal'));
    }
  });
}
