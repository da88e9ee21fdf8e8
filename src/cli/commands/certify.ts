// `conformal certify <interface> --product product.yaml [--out DIR] [run flags]`: runs the suite
// exactly as `conformal run` does (same pipeline, same flags) and writes a certification submission
// folder. The product file is validated before anything runs.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { profileLine } from '../../core/profiles.js';
import { readProductFile } from '../../../reporters/certification/product.js';
import type { CliContext } from '../context.js';
import { addInterfaceFlags, interfaceOptions } from '../interface-options.js';
import { requirePlugin } from '../plugin-argument.js';
import { addRunOptions, loadConfig, runSettings } from '../run-options.js';
import { runPipeline } from '../run-pipeline.js';

export function register(program: Command, cli: CliContext): void {
  const command = program
    .command('certify')
    .argument('<interface>', 'the interface to certify: csi, cri, cni, …')
    .description('run the conformance suite and write a certification submission folder (report, JUnit, log, product, README)')
    .requiredOption('--product <file>', 'product.yaml: organization, project, url, version, contact')
    .option('--out <dir>', 'submission folder (default: ./certification-<interface>)');
  addRunOptions(command);
  if (cli.plugin) addInterfaceFlags(command, cli.plugin);
  command.action(async (name: string) => {
    const plugin = await requirePlugin(cli, name);
    const flags = command.opts<{ product: string; out?: string; reportDir?: string }>();
    if (flags.reportDir) throw new UsageError('--report-dir: certify writes the run into <out>/run; use --out', { field: '--report-dir' });
    const { product, text } = await readProductFile(flags.product);
    const outDir = resolve(flags.out ?? `certification-${plugin.name}`);
    const loaded = loadConfig(command, plugin);
    const settings = { ...runSettings(command, loaded), reportDir: join(outDir, 'run') };
    const options = interfaceOptions(command, plugin, loaded.config, loaded.file);
    const { result, exitCode } = await runPipeline({ plugin, settings, options, command: cli.argv.slice(2), stdout: cli.stdout, reportDirFlag: '--out' });
    // Loaded here, not at startup: the bundle writer pulls in zx, which every other command can do without.
    const { writeCertificationBundle } = await import('../../../reporters/certification/bundle.js');
    const report = await writeCertificationBundle({ run: result, product, productText: text, reportDir: settings.reportDir, outDir });
    for (const profile of report.profiles) cli.stdout.write(`${profileLine(profile)}\n`);
    cli.stdout.write(`certification folder: ${outDir}\n`);
    cli.exitCode = exitCode;
  });
}
