// `conformal run cloud` through the real CLI: bad flags are exit 2 naming the flag, a cluster that
// does not answer is exit 3 with the report still written, and the embedded default passes.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformal } from '../support/cli.js';

describe('conformal run cloud', { timeout: 90_000 }, () => {
  it('exits 2 naming the flag for contradictory cluster flags and a bad cloud-control URL', async () => {
    const both = await conformal(['run', 'cloud', '--kubeconfig', '/etc/hostname', '--in-cluster']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--in-cluster');
    const url = await conformal(['run', 'cloud', '--kubeconfig', '/etc/hostname', '--cloud-control', 'not a url']);
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('--cloud-control');
    const alone = await conformal(['run', 'cloud', '--cloud-control', 'http://127.0.0.1:1']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--cloud-control needs --kubeconfig or --in-cluster/);
  });

  it('exits 3 when the API server does not answer, and still writes the report', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const dir = await mkdtemp(join(tmpdir(), 'cloud-cli-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:${port}\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n`);
    const reports = join(dir, 'report');
    const run = await conformal(['run', 'cloud', '--kubeconfig', kubeconfig, '--connect-timeout', '1s', '--report-dir', reports]);
    silent.close();
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`127.0.0.1:${port}`);
    expect(existsSync(join(reports, 'artifacts', 'junit_01.xml'))).toBe(true);
    const junit = await readFile(join(reports, 'artifacts', 'junit_01.xml'), 'utf8');
    expect(junit).toContain('[sig-cloud-provider] [cloud] conformal setup');
  });
});
