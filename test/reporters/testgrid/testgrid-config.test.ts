import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { cliInProcess } from '../support/cli-in-process.js';

const cli = cliInProcess;

const base = ['testgrid-config', '--job', 'csi-acme-nightly', '--dashboard', 'conformance-csi', '--gcs-prefix', 'gs://k8s-conformance-acme/logs/csi-acme-nightly'];

describe('conformal testgrid-config', () => {
  it('prints a group and a tab that uses it, with our metadata as column headers', async () => {
    const { code, stdout } = await cli(...base, '--tab', 'Acme, CSI 1.12', '--alert-email', 'a@acme.io', '--alert-email', 'b@acme.io');
    expect(code).toBe(0);
    const config = parse(stdout);
    expect(config.test_groups).toEqual([
      {
        name: 'csi-acme-nightly',
        gcs_prefix: 'k8s-conformance-acme/logs/csi-acme-nightly',
        days_of_results: 15,
        column_header: [{ configuration_value: 'implementation-version' }, { configuration_value: 'conformal-version' }],
        disable_prowjob_analysis: true,
      },
    ]);
    const tab = config.dashboards[0].dashboard_tab[0];
    expect(config.dashboards[0].name).toBe('conformance-csi');
    expect(tab).toMatchObject({ name: 'Acme, CSI 1.12', test_group_name: 'csi-acme-nightly', alert_options: { alert_mail_to_addresses: 'a@acme.io,b@acme.io' } });
    expect(config.dashboard_groups).toBeUndefined();
  });

  it('adds a dashboard group whose name prefixes the dashboard', async () => {
    const { code, stdout } = await cli('testgrid-config', '--job', 'j', '--dashboard', 'acme-csi', '--company-prefix', 'acme', '--dashboard-group', 'acme', '--gcs-prefix', 'b/logs/j');
    expect(code).toBe(0);
    expect(parse(stdout).dashboard_groups).toEqual([{ name: 'acme', dashboard_names: ['acme-csi'] }]);
  });

  it.each([
    [['--dashboard', 'acme-csi'], '--dashboard acme-csi'],
    [['--gcs-prefix', 'bucket/logs/other-job'], 'must end with the job name'],
    [['--gcs-prefix', 'bucket'], 'expected <bucket>/<path>/<job>'],
    [['--job', 'Bad Name'], '--job Bad Name'],
    [['--alert-email', 'not-an-email'], '--alert-email not-an-email'],
    [['--dashboard-group', 'sig'], 'dashboards in group "sig"'],
    [['--stale-hours', '0'], '--stale-hours 0'],
  ])('exits 2 naming the field for %j', async (override, message) => {
    const args = [...base];
    for (let i = 0; i < override.length; i += 2) {
      const at = args.indexOf(override[i]!);
      if (at >= 0) args[at + 1] = override[i + 1]!;
      else args.push(override[i]!, override[i + 1]!);
    }
    if (override[0] === '--job') args[args.indexOf('--gcs-prefix') + 1] = 'b/logs/Bad Name';
    const { code, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
