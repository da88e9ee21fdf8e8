// `conformal reference <iface>` offers only the flags it uses, in serving terms; run flags are
// refused. `conformal run --help` points to the interface flags.
import { describe, expect, it } from 'vitest';
import { conformal } from '../../support/cli.js';

const optionsOf = (help: string) => [...help.matchAll(/^\s+(--[\w-]+)/gm)].map((m) => m[1]).sort();

describe('conformal reference', { timeout: 60_000 }, () => {
  it('cri --help lists --endpoint, --registry-mirror and the CNI directories (no run flags such as --runtime-endpoint, --test-images, --host-ports)', async () => {
    const run = await conformal(['reference', 'cri', '--help']);
    expect(run.code).toBe(0);
    expect(optionsOf(run.stdout)).toEqual(['--cni-bin-dir', '--cni-conf-dir', '--endpoint', '--registry-mirror']);
    expect(run.stdout).toMatch(/--registry-mirror <registry=host:port>\s+pull images named REGISTRY/);
    expect(run.stdout).toMatch(/--cni-conf-dir <dir>\s+give pods a network namespace of their own/);
  });

  it('cri --cni-bin-dir without --cni-conf-dir is a usage error naming it', async () => {
    const run = await conformal(['reference', 'cri', '--endpoint', 'unix:///tmp/conformal-never.sock', '--cni-bin-dir', '/usr/lib/cni']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--cni-bin-dir needs --cni-conf-dir');
  });

  it('csi --help lists --endpoint and what the served driver offers, in serving terms', async () => {
    const run = await conformal(['reference', 'csi', '--help']);
    expect(run.code).toBe(0);
    expect(optionsOf(run.stdout)).toEqual(['--endpoint', '--reference-disable']);
    expect(run.stdout).toMatch(/--reference-disable <capability>\s+a capability the served driver does not\s+offer/);
    expect(run.stdout).not.toMatch(/embedded reference|test volume|--endpoint\)/);
  });

  it.each([
    ['cri', '--runtime-endpoint', 'unix:///run/containerd/containerd.sock'],
    ['cri', '--host-ports', undefined],
    ['csi', '--test-volume-size', '1Mi'],
    ['csi', '--config', 'conformal.yaml'],
  ])('%s refuses the run flag %s', async (iface, flag, value) => {
    const run = await conformal(['reference', iface, '--endpoint', 'unix:///tmp/conformal-never.sock', flag, ...(value ? [value] : [])]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`unknown option '${flag}'`);
  });

  it('a bad --endpoint is a usage error naming it', async () => {
    const run = await conformal(['reference', 'csi', '--endpoint', 'http://x:5']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--endpoint "http://x:5" is not a unix:// path or host:port address');
  });
});

describe('conformal run --help', { timeout: 60_000 }, () => {
  it('without an interface, points to `conformal run <interface> --help` for the interface flags', async () => {
    const run = await conformal(['run', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('conformal run <interface> --help');
    expect(run.stdout).toMatch(/interfaces: .*csi/);
  });
});
