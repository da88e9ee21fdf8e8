// `conformal run capi` through the real CLI: bad flags are exit 2 naming the flag, a cluster that
// does not answer is exit 3 with the report still written, and the reference served by
// `conformal reference capi` passes as an external management cluster given by --kubeconfig.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformal, spawnConformal } from '../support/cli.js';

describe('conformal run capi', { timeout: 90_000 }, () => {
  it('exits 2 naming the flag for a malformed --infrastructure, a template without it, and flags the embedded run cannot use', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'capi-cli-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const malformed = await conformal(['run', 'capi', '--kubeconfig', kubeconfig, '--infrastructure', 'dockercluster']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--infrastructure');
    const template = join(dir, 'template.yaml');
    await writeFile(template, 'spec: {}\n');
    const noKinds = await conformal(['run', 'capi', '--kubeconfig', kubeconfig, '--cluster-template', template]);
    expect(noKinds.code).toBe(2);
    expect(noKinds.stderr).toContain('--cluster-template');
    const badYaml = join(dir, 'bad.yaml');
    await writeFile(badYaml, '- a list\n- not a spec\n');
    const list = await conformal(['run', 'capi', '--kubeconfig', kubeconfig, '--infrastructure', 'DockerCluster/DockerMachine', '--machine-template', badYaml]);
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('--machine-template');
    const badControlPlane = await conformal(['run', 'capi', '--kubeconfig', kubeconfig, '--control-plane', 'kubeadm-control-plane']);
    expect(badControlPlane.code).toBe(2);
    expect(badControlPlane.stderr).toContain('--control-plane must be <ControlPlaneKind>');
    const cpTemplateAlone = await conformal(['run', 'capi', '--kubeconfig', kubeconfig, '--control-plane-template', template]);
    expect(cpTemplateAlone.code).toBe(2);
    expect(cpTemplateAlone.stderr).toContain('--control-plane-template needs --control-plane');
    const embedded = await conformal(['run', 'capi', '--infrastructure', 'DockerCluster/DockerMachine']);
    expect(embedded.code).toBe(2);
    expect(embedded.stderr).toMatch(/--infrastructure needs --kubeconfig or --in-cluster/);
  });

  it('exits 3 when the API server does not answer, and still writes the report', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const dir = await mkdtemp(join(tmpdir(), 'capi-cli-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:${port}\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n`);
    const reports = join(dir, 'report');
    const run = await conformal(['run', 'capi', '--kubeconfig', kubeconfig, '--infrastructure', 'DockerCluster/DockerMachine', '--connect-timeout', '1s', '--report-dir', reports]);
    silent.close();
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`127.0.0.1:${port}`);
    expect(existsSync(join(reports, 'artifacts', 'junit_01.xml'))).toBe(true);
    expect(await readFile(join(reports, 'artifacts', 'junit_01.xml'), 'utf8')).toContain('[sig-cluster-lifecycle] [capi] conformal setup');
  });

  it('against `conformal reference capi` as an external management cluster: all pass with the provider named; without --infrastructure its tests skip naming the flag', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'capi-ref-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const server = await serveReference(['--kubeconfig-out', kubeconfig]);
    try {
      const spec = join(dir, 'machine.yaml');
      await writeFile(spec, 'apiVersion: infrastructure.conformal.io/v1beta2\nkind: ConformalMachine\nspec: {}\n');
      const full = await conformal([
        'run', 'capi', '--kubeconfig', kubeconfig,
        '--infrastructure', 'ConformalCluster.infrastructure.conformal.io/ConformalMachine',
        '--machine-template', spec,
        '--bootstrap', 'ConformalConfig',
        '--control-plane', 'ConformalControlPlane.controlplane.conformal.io',
        '--report-dir', join(dir, 'full'),
      ]);
      // Against an external cluster the in-memory cloud cannot be listed: that one extended test skips; so do the 32 v1beta1 tests.
      expect(full.stdout, full.stderr).toMatch(/50 passed, 0 failed, 33 skipped/);
      expect(full.stdout).toMatch(/profile control-plane: core success \(12 of 12 passed\); extended success \(8 of 8 passed; 6 of 6 features supported\)/);
      expect(full.code, full.stdout.slice(-1500)).toBe(0);
      const bare = await conformal(['run', 'capi', '--kubeconfig', kubeconfig, '--report-dir', join(dir, 'bare')]);
      // Nothing was shown to conform, so the run is not green (exit 1), and it says which flag is missing.
      expect(bare.code, bare.stdout.slice(-1500) + bare.stderr.slice(-800)).toBe(1);
      expect(bare.stdout).toContain('no --infrastructure');
      const results = JSON.parse(await readFile(join(dir, 'bare', 'artifacts', 'results.json'), 'utf8')) as { results: Array<{ id: string; status: string; reason?: string }> };
      expect(results.results.every((r) => r.status === 'skipped'), JSON.stringify(results.results.filter((r) => r.status !== 'skipped'))).toBe(true);
      expect(results.results.some((r) => r.reason?.includes('infrastructure-provider'))).toBe(true);
      expect(results.results.find((r) => r.id === 'capi.control-plane.initialized')?.reason).toContain('control-plane-provider');
    } finally {
      server.kill('SIGTERM');
    }
  });

  it('a provider served with `conformal reference capi --contract v1beta1` is found to be v1beta1 by its CRD labels: the v1beta1 profiles pass, the v1beta2 ones are not claimed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'capi-ref-v1beta1-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const server = await serveReference(['--kubeconfig-out', kubeconfig, '--contract', 'v1beta1']);
    try {
      const run = await conformal(['run', 'capi', '--kubeconfig', kubeconfig, '--infrastructure', 'ConformalCluster/ConformalMachine', '--bootstrap', 'ConformalConfig', '--report-dir', join(dir, 'report')]);
      expect(run.code, run.stdout.slice(-1500) + run.stderr.slice(-800)).toBe(0);
      // 32 v1beta1 tests less the cloud-inventory one; the 30 v1beta2 tests, that one and the 21
      // control-plane tests (no --control-plane) skip.
      expect(run.stdout).toMatch(/31 passed, 0 failed, 52 skipped/);
      expect(run.stdout).toMatch(/profile infrastructure-v1beta1: core success/);
      expect(run.stdout).toMatch(/profile infrastructure: not claimed/);
      const external = await conformal(['run', 'capi', '--kubeconfig', kubeconfig, '--contract', 'v1beta1']);
      expect(external.code).toBe(2);
      expect(external.stderr).toContain('--contract');
    } finally {
      server.kill('SIGTERM');
    }
  });
});

/** `conformal reference capi` with these flags, once it says it serves. */
async function serveReference(args: string[]): Promise<ReturnType<typeof spawnConformal>> {
  const server = spawnConformal(['reference', 'capi', ...args]);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('conformal reference capi did not start in 30 s')), 30_000);
    server.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('serving the capi reference')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.on('exit', (code) => reject(new Error(`conformal reference capi exited with ${code}`)));
  });
  return server;
}
