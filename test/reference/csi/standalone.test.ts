// `conformal reference csi --endpoint …` (the real CLI, from dist/) serves the reference driver
// until SIGTERM and then removes its socket.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { packagePath } from '../../../src/core/paths.js';
import { grpc, loadProto, lookup, unary } from '../../../src/transport/grpc.js';
import { CSI_PROTO_PATH } from '../../../src/reference/csi/server.js';

const dir = mkdtempSync(join(tmpdir(), 'conformal-ref-cli-'));
let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('conformal reference csi', () => {
  it('serves on the given unix socket and stops cleanly on SIGTERM', async () => {
    const socket = join(dir, 'ref.sock');
    child = spawn(process.execPath, [packagePath('bin/conformal.js'), 'reference', 'csi', '--endpoint', `unix://${socket}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 60_000;
    while (!existsSync(socket)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no socket; exit ${child.exitCode}: ${output}`);
      await sleep(50);
    }
    const root = loadProto(CSI_PROTO_PATH);
    const identity = new (lookup<grpc.ServiceClientConstructor>(root, 'csi.v1.Identity'))(`unix://${socket}`, grpc.credentials.createInsecure());
    const info = await unary<object, { name: string }>(identity, 'GetPluginInfo', {}, new AbortController().signal, 10_000);
    identity.close();
    expect(info.name).toBe('reference.csi.conformal.dev');
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await Promise.race([exited, sleep(10_000).then(() => 'timeout')])).toBe(0);
    expect(existsSync(socket)).toBe(false);
  }, 90_000);
});
