// The test_groups/dashboards YAML a vendor adds under test-infra's config/testgrids/ so testgrid.k8s.io
// shows their uploaded builds. Checks the rules test-infra's config_test.go enforces that concern one
// job: group named and with gcs_prefix, used by a tab; dashboard names with an accepted prefix;
// dashboards in a dashboard group prefixed by the group's name.
import { stringify } from 'yaml';
import { UsageError } from '../../src/core/errors.js';

/** Dashboard prefixes test-infra accepts without a company-specific entry (testgrid fact sheet §6). */
export const ACCEPTED_DASHBOARD_PREFIXES = ['conformance', 'sig', 'wg', 'provider', 'cluster-api'] as const;

export interface TestgridConfigRequest {
  /** Job (test group) name: the folder the builds are uploaded under. */
  readonly job: string;
  readonly dashboard: string;
  /** bucket/path/<job>, as `gcs_prefix` wants it (a gs:// URL is accepted). */
  readonly gcsPrefix: string;
  readonly tab?: string;
  readonly description?: string;
  readonly alertEmails?: readonly string[];
  readonly dashboardGroup?: string;
  /** A company prefix registered in test-infra (e.g. "gardener"), accepted besides the fixed ones. */
  readonly companyPrefix?: string;
  readonly staleHours?: number;
  readonly failuresToAlert?: number;
}

const JOB_NAME = /^[a-z0-9][a-z0-9._-]*$/;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

function gcsPrefixOf(request: TestgridConfigRequest): string {
  const prefix = request.gcsPrefix.replace(/^gs:\/\//, '').replace(/\/+$/, '');
  const parts = prefix.split('/');
  if (parts.length < 2 || parts.some((p) => p === '')) throw new UsageError(`--gcs-prefix ${request.gcsPrefix}: expected <bucket>/<path>/<job>`, { field: '--gcs-prefix' });
  // Testgrid takes the job name from the folder holding the builds; a mismatch makes two names for one job.
  if (parts.at(-1) !== request.job) throw new UsageError(`--gcs-prefix ${request.gcsPrefix}: must end with the job name "${request.job}" (the folder that holds the builds)`, { field: '--gcs-prefix' });
  return prefix;
}

function checkDashboard(request: TestgridConfigRequest): void {
  const prefixes = [...ACCEPTED_DASHBOARD_PREFIXES, ...(request.companyPrefix ? [request.companyPrefix] : [])];
  if (!prefixes.some((prefix) => request.dashboard === prefix || request.dashboard.startsWith(`${prefix}-`))) {
    throw new UsageError(`--dashboard ${request.dashboard}: test-infra accepts dashboards named ${prefixes.map((p) => `${p}-…`).join(', ')} (use --company-prefix for a registered company prefix)`, { field: '--dashboard' });
  }
  if (request.dashboardGroup && !request.dashboard.startsWith(`${request.dashboardGroup}-`)) {
    throw new UsageError(`--dashboard ${request.dashboard}: dashboards in group "${request.dashboardGroup}" must be named "${request.dashboardGroup}-…"`, { field: '--dashboard' });
  }
}

export function testgridConfig(request: TestgridConfigRequest): Record<string, unknown> {
  if (!JOB_NAME.test(request.job)) throw new UsageError(`--job ${request.job}: use lower-case letters, digits, ".", "_" and "-"`, { field: '--job' });
  const gcsPrefix = gcsPrefixOf(request);
  checkDashboard(request);
  for (const email of request.alertEmails ?? []) {
    if (!EMAIL.test(email)) throw new UsageError(`--alert-email ${email}: not an email address`, { field: '--alert-email' });
  }
  const tab = request.tab ?? request.job;
  const alertOptions: Record<string, unknown> = {
    alert_stale_results_hours: request.staleHours ?? 48,
    num_failures_to_alert: request.failuresToAlert ?? 1,
  };
  if (request.alertEmails?.length) alertOptions.alert_mail_to_addresses = request.alertEmails.join(',');
  const config: Record<string, unknown> = {
    test_groups: [
      {
        name: request.job,
        gcs_prefix: gcsPrefix,
        days_of_results: 15,
        // Our finished.json metadata keys (string values), shown as column headers.
        column_header: [{ configuration_value: 'implementation-version' }, { configuration_value: 'conformal-version' }],
        // Builds come from `conformal upload`, not Prow: no podinfo.json to analyse.
        disable_prowjob_analysis: true,
      },
    ],
    dashboards: [
      {
        name: request.dashboard,
        dashboard_tab: [
          {
            name: tab,
            test_group_name: request.job,
            description: request.description ?? `conformal conformance results of ${request.job}`,
            alert_options: alertOptions,
          },
        ],
      },
    ],
  };
  if (request.dashboardGroup) config.dashboard_groups = [{ name: request.dashboardGroup, dashboard_names: [request.dashboard] }];
  return config;
}

export function testgridConfigYaml(request: TestgridConfigRequest): string {
  return stringify(testgridConfig(request));
}
