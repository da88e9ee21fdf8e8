// End-to-end: faults at the edges of a run with the real CLI. A report dir that cannot be used
// and interface-level usage errors exit 2 before anything is written; an unusable endpoint
// exits 3 saying why, with the address as the user wrote it.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../src/core/paths.js';
import { conformal } from '../support/cli.js';
import { LocalServers } from '../support/local-servers.js';

const work = mkdtempSync(join(tmpdir(), 'conformal-cli-edges-'));
const servers = new LocalServers();
afterAll(() => {
  servers.close();
  rmSync(work, { recursive: true, force: true });
});

describe('--report-dir is checked before the run', { timeout: 60_000 }, () => {
  it('a file: exit 2 naming the flag, no stack trace', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, '');
    const run = await conformal(['run', 'csi', '--report-dir', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`conformal: --report-dir ${file}: is a file, not a directory\n`);
    expect(run.stdout).toBe('');
  });

  it('/proc/…: exit 2 at once instead of hanging', async () => {
    const started = Date.now();
    const run = await conformal(['run', 'csi', '--report-dir', '/proc/conformal-out'], { timeoutMs: 30_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^conformal: --report-dir \/proc\/conformal-out: cannot be created: /);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('interface-level usage errors: exit 2 before anything is written', { timeout: 60_000 }, () => {
  const netConfig = packagePath('fixtures', 'cni', 'bridge-host-local.conflist');
  const cases: Array<[string, string[], string]> = [
    ['a CSI endpoint with a scheme it cannot dial', ['run', 'csi', '--endpoint', 'http://x:5'], '--endpoint "http://x:5" is not a unix:// path or host:port address'],
    ['an unknown CSI fault', ['run', 'csi', '--reference-fault', 'no-such-fault'], '--reference-fault must be one of '],
    ['a CSI reference-only flag with an endpoint', ['run', 'csi', '--endpoint', 'unix:///run/csi.sock', '--reference-disable', 'controller.LIST_VOLUMES'], '--reference-disable applies only to the embedded reference'],
    ['a CNI conflist without --cni-path', ['run', 'cni', '--net-config', netConfig], '--cni-path is required with --net-config'],
    ['a CNI plugin that does not exist', ['run', 'cni', '--plugin', '/nonexistent/bridge'], '--plugin /nonexistent/bridge does not exist'],
    ['a CRI endpoint it cannot parse', ['run', 'cri', '--runtime-endpoint', 'containerd'], '--runtime-endpoint "containerd" is not a unix:// path or host:port address'],
    ['a CRI image endpoint without a runtime endpoint', ['run', 'cri', '--image-endpoint', 'unix:///run/img.sock'], '--image-endpoint needs --runtime-endpoint as well'],
  ];
  it.each(cases)('%s', async (_, args, message) => {
    const dir = join(work, `usage-${args.join('-').replace(/\W+/g, '-')}`);
    const run = await conformal([...args, '--report-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`conformal: ${message}`);
    expect(run.stderr).not.toMatch(/harness failure|aborted/);
    expect(run.stdout).toBe('');
    expect(existsSync(dir)).toBe(false);
  });
});

describe('an unusable endpoint: exit 3 saying why, with the address as written', { timeout: 60_000 }, () => {
  let garbage = 0;
  let silent = 0;
  let refused = 0;
  beforeAll(async () => {
    garbage = await servers.listen((socket) => socket.end('hello, this is not gRPC\n'));
    silent = await servers.listen(() => {});
    refused = await servers.closedPort();
  });

  const unreachable = async (args: string[], reason: string, withinMs: number) => {
    const started = Date.now();
    const run = await conformal(args);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`target unreachable: ${reason}`);
    expect(run.stderr).not.toContain('dns:///');
    expect(Date.now() - started).toBeLessThan(withinMs);
  };

  it('no such socket file, at once', () => unreachable(['run', 'csi', '--endpoint', 'unix:///nonexistent.sock'], 'cannot connect to unix:///nonexistent.sock: no such socket file: /nonexistent.sock', 8000));
  it('connection refused, at once', () => unreachable(['run', 'csi', '--endpoint', `127.0.0.1:${refused}`], `cannot connect to 127.0.0.1:${refused}: connection refused`, 8000));
  it('a server that is not speaking gRPC, at once', () => unreachable(['run', 'cri', '--runtime-endpoint', `tcp://127.0.0.1:${garbage}`], `cannot connect to tcp://127.0.0.1:${garbage}: not speaking gRPC (HTTP/2): it answered "hello, this is not gRPC\\n"`, 8000));
  it('a server that never answers, after the connect timeout', () => unreachable(['run', 'csi', '--endpoint', `127.0.0.1:${silent}`, '--connect-timeout', '1s'], `cannot connect to 127.0.0.1:${silent}: no answer within 1 s`, 10_000));
});

describe('config errors name the line, the nearest key and the allowed values', { timeout: 60_000 }, () => {
  it('through the real CLI', async () => {
    const broken = join(work, 'broken.yaml');
    writeFileSync(broken, 'parallel: 2\ncsi:\n  endpoint: [a\n  x: : y\n');
    const syntax = await conformal(['run', 'csi', '--config', broken]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/at line 4, column 3:\n.*\n +x: : y\n +\^\n$/);

    const typo = join(work, 'typo.yaml');
    writeFileSync(typo, 'csi:\n  testVolumSize: 1Mi\n  accessType: blok\n');
    const run = await conformal(['run', 'csi', '--config', typo]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown field csi.testVolumSize (did you mean testVolumeSize?)');
    expect(run.stderr).toContain('csi.accessType: must be one of mount, block, got "blok"');
  });
});
