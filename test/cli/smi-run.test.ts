// `conformal run smi` through the real CLI: bad flags are exit 2 naming the flag, a cluster that
// does not answer is exit 3, and the reference served by `conformal reference smi` passes as an
// external cluster (--kubeconfig), its traffic sent through the reference's traffic endpoint.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_FEATURES } from '../../src/interfaces/smi/features.js';
import { smiTests } from '../../suites/smi/index.js';
import { conformal, startReferenceCli } from '../support/cli.js';

// Every feature: ProxyBypass is never discovered on an external cluster, so the list names them all.
const ALL = ALL_FEATURES.join(',');

describe('conformal run smi', { timeout: 120_000 }, () => {
  it('exits 2 naming the flag for an unknown mesh, a bad label, an unknown feature and embedded-only misuse', async () => {
    for (const [args, flag] of [
      [['--kubeconfig', '/etc/hostname', '--mesh', 'nope'], '--mesh'],
      [['--kubeconfig', '/etc/hostname', '--namespace-label', 'no-equals'], '--namespace-label'],
      [['--supported-features', 'Teleport'], '--supported-features'],
      [['--mesh', 'linkerd'], '--mesh'],
      [['--traffic-endpoint', 'http://127.0.0.1:1'], '--traffic-endpoint'],
    ] as const) {
      const run = await conformal(['run', 'smi', ...args]);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain(flag);
    }
  });

  it('exits 3 when the API server does not answer', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const dir = await mkdtemp(join(tmpdir(), 'smi-cli-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:${port}\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n`);
    const run = await conformal(['run', 'smi', '--kubeconfig', kubeconfig, '--mesh', 'linkerd', '--connect-timeout', '1s', '--report-dir', join(dir, 'report')]);
    silent.close();
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`127.0.0.1:${port}`);
  });

  it('against `conformal reference smi` as an external cluster: every test passes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smi-ref-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const endpointFile = join(dir, 'traffic.url');
    const server = await startReferenceCli('smi', ['--kubeconfig-out', kubeconfig, '--traffic-endpoint-out', endpointFile]);
    try {
      const url = (await readFile(endpointFile, 'utf8')).trim();
      const run = await conformal(['run', 'smi', '--kubeconfig', kubeconfig, '--traffic-endpoint', url, '--supported-features', ALL, '--report-dir', join(dir, 'report')], { timeoutMs: 110_000 });
      expect(run.stdout).toMatch(new RegExp(`${smiTests.length} passed, 0 failed, 0 skipped`));
      expect(run.code).toBe(0);
    } finally {
      server.kill('SIGTERM');
    }
  });
});
