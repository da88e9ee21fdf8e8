// Opening the cluster under test: flags checked before anything starts (exit 2, naming the flag),
// an API server that does not answer ends with TargetUnreachableError (exit 3), and the embedded
// server when nothing is given.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TargetUnreachableError, UsageError } from '../../src/core/errors.js';
import { openKubeTarget, validateKubeTarget } from '../../src/kube-kit/target.js';

const base = { inCluster: false, connectTimeout: 1000 };

function kubeconfigFor(server: string): string {
  return ['apiVersion: v1', 'kind: Config', 'clusters:', `- name: c\n  cluster:\n    server: ${server}`, 'users:', '- name: u\n  user:\n    token: t', 'contexts:', '- name: ctx\n  context:\n    cluster: c\n    user: u', 'current-context: ctx', ''].join('\n');
}

describe('openKubeTarget', () => {
  it('names the flag of contradictory or missing settings', () => {
    const field = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as UsageError).field;
      }
      return undefined;
    };
    expect(field(() => validateKubeTarget({ ...base, kubeconfig: '/etc/hostname', inCluster: true }))).toBe('--in-cluster');
    expect(field(() => validateKubeTarget({ ...base, context: 'x' }))).toBe('--context');
    expect(field(() => validateKubeTarget({ ...base, kubeconfig: '/nonexistent/kubeconfig' }))).toBe('--kubeconfig');
  });

  it('refuses a context the kubeconfig does not have, naming the ones it has', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kit-target-'));
    const file = join(dir, 'kubeconfig');
    await writeFile(file, kubeconfigFor('https://127.0.0.1:1'));
    const error = await openKubeTarget({ ...base, kubeconfig: file, context: 'nope' }, AbortSignal.timeout(5000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/--context nope is not in .* \(it has: ctx\)/);
  });

  it('reports an API server that accepts connections but never answers as unreachable, within the connect timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const dir = await mkdtemp(join(tmpdir(), 'kit-target-'));
    const file = join(dir, 'kubeconfig');
    await writeFile(file, kubeconfigFor(`https://127.0.0.1:${port}`));
    const started = Date.now();
    const error = await openKubeTarget({ ...base, kubeconfig: file }, AbortSignal.timeout(10_000)).catch((e: unknown) => e);
    silent.close();
    expect(error).toBeInstanceOf(TargetUnreachableError);
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('starts the embedded in-memory API server when no cluster is named', async () => {
    const target = await openKubeTarget(base, AbortSignal.timeout(10_000));
    try {
      expect(target.embedded).toBe(true);
      expect(target.version).toMatch(/^v1\./);
      expect(target.embeddedKubeconfig).toContain(target.server);
    } finally {
      await target.close();
    }
  });
});
