// `conformal testgrid-config --job J --dashboard D --gcs-prefix bucket/logs/J`: prints the YAML a
// vendor submits to test-infra (config/testgrids/) so testgrid.k8s.io shows their uploaded builds.
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { testgridConfigYaml } from '../../../reporters/testgrid/testgrid-config.js';
import type { CliContext } from '../context.js';

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

function positiveInteger(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} ${value}: expected a positive integer`, { field: flag });
    return n;
  };
}

export function register(program: Command, cli: CliContext): void {
  program
    .command('testgrid-config')
    .description('print the testgrid test_groups/dashboards YAML for a job uploaded with `conformal upload`')
    .requiredOption('--job <name>', 'job (test group) name: the folder the builds are uploaded under')
    .requiredOption('--dashboard <name>', 'dashboard, e.g. conformance-csi-acme or provider-acme')
    .requiredOption('--gcs-prefix <bucket/path/job>', 'where the builds are: bucket/logs/<job> (gs:// accepted)')
    .option('--tab <name>', 'tab name (convention: "$PROVIDER, $RELEASE"); default: the job')
    .option('--description <text>', 'tab description')
    .option('--alert-email <address...>', 'alert recipients (repeat or comma-separate)', collect)
    .option('--dashboard-group <name>', 'dashboard group; the dashboard must be named <group>-…')
    .option('--company-prefix <prefix>', 'a company dashboard prefix registered in test-infra')
    .option('--stale-hours <n>', 'alert when no new result for this many hours (default 48)', positiveInteger('--stale-hours'))
    .option('--failures-to-alert <n>', 'consecutive failures before an alert (default 1)', positiveInteger('--failures-to-alert'))
    .action((flags: { job: string; dashboard: string; gcsPrefix: string; tab?: string; description?: string; alertEmail?: string[]; dashboardGroup?: string; companyPrefix?: string; staleHours?: number; failuresToAlert?: number }) => {
      cli.stdout.write(
        testgridConfigYaml({
          job: flags.job,
          dashboard: flags.dashboard,
          gcsPrefix: flags.gcsPrefix,
          tab: flags.tab,
          description: flags.description,
          alertEmails: flags.alertEmail,
          dashboardGroup: flags.dashboardGroup,
          companyPrefix: flags.companyPrefix,
          staleHours: flags.staleHours,
          failuresToAlert: flags.failuresToAlert,
        }),
      );
    });
}
