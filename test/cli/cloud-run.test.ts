// `conformal run cloud` through the real CLI: bad flags are exit 2 naming the flag, a cluster that
// does not answer is exit 3 with the report still written, and the embedded default passes.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformal, spawnConformal } from '../support/cli.js';

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

  it('against `conformal reference cloud` as an external cluster: all pass with --cloud-control; without it the cloud tests skip naming the flag and the core still runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud-ref-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const urlFile = join(dir, 'cloud-control.url');
    const server = spawnConformal(['reference', 'cloud', '--kubeconfig-out', kubeconfig, '--cloud-control-out', urlFile]);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('conformal reference cloud did not start in 30 s')), 30_000);
        server.stdout!.on('data', (d: Buffer) => {
          if (d.toString().includes('serving the cloud reference')) {
            clearTimeout(timer);
            resolve();
          }
        });
        server.on('exit', (code) => reject(new Error(`conformal reference cloud exited with ${code}`)));
      });
      const url = (await readFile(urlFile, 'utf8')).trim();
      const full = await conformal(['run', 'cloud', '--kubeconfig', kubeconfig, '--cloud-control', url, '--report-dir', join(dir, 'full')]);
      expect(full.stdout).toMatch(/35 passed, 0 failed, 0 skipped/);
      expect(full.code).toBe(0);
      const apiOnly = await conformal(['run', 'cloud', '--kubeconfig', kubeconfig, '--report-dir', join(dir, 'api')]);
      expect(apiOnly.code).toBe(0);
      const results = JSON.parse(await readFile(join(dir, 'api', 'artifacts', 'results.json'), 'utf8')) as { results: Array<{ id: string; profile: string; status: string; reason?: string }> };
      const core = results.results.filter((r) => r.profile === 'core');
      expect(core.every((r) => r.status === 'passed'), JSON.stringify(core.filter((r) => r.status !== 'passed'))).toBe(true);
      const skipped = results.results.filter((r) => r.status === 'skipped');
      expect(skipped.length).toBeGreaterThan(20);
      expect(skipped.filter((r) => !r.reason?.startsWith('needs --cloud-control')).map((r) => `${r.id}: ${r.reason}`)).toEqual([]);
    } finally {
      server.kill('SIGTERM');
    }
  });
});
