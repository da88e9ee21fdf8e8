// `conformal upload DIR --to gs://bucket/logs/<job>|file:///dir/<job>`: publishes a local testgrid
// build (written by `run --report-dir`) where testgrid's updater and Prow's job history read it.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { TargetUnreachableError, UsageError } from '../../core/errors.js';
import { parseDestination } from '../../../reporters/testgrid/destination.js';
import { resolveLocalBuild, uploadBuild } from '../../../reporters/testgrid/upload.js';

interface UploadFlags {
  readonly to?: string;
  readonly build?: string;
  readonly gcsEndpoint?: string;
  readonly project?: string;
  readonly keyFile?: string;
}

export async function runUpload(dir: string, flags: UploadFlags, print: (line: string) => void = console.log): Promise<number> {
  if (!flags.to) throw new UsageError('--to is required (gs://<bucket>/<path>/<job> or file:///<dir>/<job>)', { field: '--to' });
  const destination = parseDestination(flags.to, {
    apiEndpoint: flags.gcsEndpoint ?? process.env.CONFORMAL_GCS_ENDPOINT,
    projectId: flags.project,
    keyFilename: flags.keyFile,
  });
  const build = await resolveLocalBuild(dir, flags.build);
  try {
    const report = await uploadBuild(build, destination, print);
    print(`build ${report.buildId}: ${report.uploaded.length} objects uploaded to ${destination.url}`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new TargetUnreachableError(flags.to, `upload to ${destination.url} failed: ${(error as Error).message}`, { cause: error });
  }
  return 0;
}

export function register(program: Command, cli: CliContext): void {
  program
    .command('upload')
    .description('upload a testgrid build (a --report-dir, or a job dir holding latest-build.txt) to GCS or a local folder')
    .argument('<dir>', 'build dir (holds started.json) or job dir (holds latest-build.txt)')
    .requiredOption('--to <url>', 'job location: gs://<bucket>/logs/<job> or file:///<dir>/<job>')
    .option('--build <id>', 'build id when DIR is not named by one (default: started.json timestamp)')
    .option('--gcs-endpoint <url>', 'Storage API endpoint (fake-gcs-server, private gateways); env CONFORMAL_GCS_ENDPOINT')
    .option('--project <id>', 'Google Cloud project id')
    .option('--key-file <path>', 'service account key file (default: application default credentials)')
    .action(async (dir: string, flags: UploadFlags) => {
      cli.exitCode = await runUpload(dir, flags, (line) => cli.stdout.write(`${line}\n`));
    });
}
