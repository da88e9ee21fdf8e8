// The resident reference of an embedded run: the launcher's framing (binary-safe both ways), its
// fallback to the Node launcher without a socket, workers that grow with the calls in flight (a
// delegate call blocks its worker), a call that keeps nothing of the one before, and nothing left
// behind: no socket, no worker, after a stop, a failing run or a harness that was killed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { delegatingConfig } from '../../support/cni-reference-config.js';
import { packagePath } from '../../../src/core/paths.js';
import {
  decodeAnswer,
  decodeCall,
  encodeAnswer,
  encodeCall,
  RESIDENT_LAUNCHER,
  RESIDENT_SOCKET,
  REFERENCE_WORKER,
  ResidentReference,
  WorkerPool,
} from '../../../src/interfaces/cni/resident.js';
import { REFERENCE_IPAM_TYPE, REFERENCE_META_TYPE, REFERENCE_TYPE } from '../../../src/interfaces/cni/target.js';
import { FAULT_FILE } from '../../../src/reference/cni/skel.js';
import { runCni } from '../../suites/cni/run-cni.js';

const root = mkdtempSync(join(tmpdir(), 'conformal-resident-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

/** A fresh directory holding the three plugins' links to the resident launcher. */
function binDir(): string {
  const dir = join(root, `bin${dirs++}`);
  mkdirSync(dir);
  for (const type of [REFERENCE_TYPE, REFERENCE_IPAM_TYPE, REFERENCE_META_TYPE]) symlinkSync(RESIDENT_LAUNCHER, join(dir, type));
  return dir;
}

interface Outcome {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** Executes `file` as a runtime would (argv, env, stdin, exit code), without blocking this process's event loop. */
function execute(file: string, env: NodeJS.ProcessEnv, stdin: Buffer | string, onStart?: (pid: number) => void, args: readonly string[] = [], timeoutMs = 60_000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { env: { PATH: process.env.PATH!, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const deadline = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
    if (child.pid) onStart?.(child.pid);
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('framing', () => {
  it('carries any bytes, an empty stdin and values holding = in a call', () => {
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (const stdin of [every, Buffer.alloc(0), randomBytes(3 * 1024 * 1024)]) {
      const call = { self: '/dir/conformal-ref', env: { A: 'x=y', EMPTY: '', 'Ü': 'ü\n' }, stdin };
      const bytes = encodeCall(call);
      const decoded = decodeCall(bytes)!;
      expect({ ...decoded, stdin: undefined }).toEqual({ ...call, stdin: undefined });
      expect(decoded.stdin.equals(stdin)).toBe(true);
      // Incomplete, it is not taken for a call.
      for (const cut of [0, 3, 4, bytes.length - 1]) if (cut < bytes.length) expect(decodeCall(bytes.subarray(0, cut))).toBeUndefined();
    }
  });

  it('keeps stdout, stderr and the exit code of an answer apart', () => {
    const answer = { exitCode: 255, stdout: Buffer.from('{"ok":1}\n'), stderr: Buffer.from([0, 1, 2, 0xff]) };
    const bytes = encodeAnswer(answer);
    expect(decodeAnswer(bytes)).toEqual(answer);
    expect(decodeAnswer(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
  });
});

const built = existsSync(REFERENCE_WORKER) && existsSync('/usr/bin/perl');

describe.runIf(built)('the resident launcher', () => {
  // A worker that answers with what it got: its own path and stdin on stdout, $ERR on stderr,
  // exit code $EXIT, after $SLEEP ms; it speaks the workers' protocol (src/reference/cni/worker.ts).
  const echo = join(root, 'echo-worker.cjs');
  writeFileSync(
    echo,
    `process.on('message', (m) => setTimeout(() => process.send({ id: m.id, exitCode: Number(m.env.EXIT ?? 0), stdout: Buffer.concat([Buffer.from(m.self + '\\n'), Buffer.from(m.stdin)]), stderr: Buffer.from(m.env.ERR ?? '') }), Number(m.env.SLEEP ?? 0)));\nprocess.once('disconnect', () => process.exit());\n`,
  );

  it('hands over path, environment and all of stdin, and gives back stdout, stderr and the exit code byte for byte', async () => {
    const dir = binDir();
    const resident = await ResidentReference.start(dir, new WorkerPool(echo, ''));
    try {
      const self = join(dir, REFERENCE_TYPE);
      const large = randomBytes(8 * 1024 * 1024);
      const big = await execute(self, { EXIT: '3', ERR: 'on stderr only' }, large);
      expect(big.code).toBe(3);
      expect(big.stdout.equals(Buffer.concat([Buffer.from(`${self}\n`), large]))).toBe(true);
      expect(big.stderr.toString()).toBe('on stderr only');
      const empty = await execute(self, {}, '');
      expect({ code: empty.code, stdout: empty.stdout.toString(), stderr: empty.stderr.length }).toEqual({ code: 0, stdout: `${self}\n`, stderr: 0 });
    } finally {
      await resident.stop();
    }
  });

  it('without a socket, or with one nobody answers, runs the Node launcher with the same path, environment and stdin', async () => {
    const dir = binDir();
    const version = async () => JSON.parse((await execute(join(dir, REFERENCE_TYPE), { CNI_COMMAND: 'VERSION' }, '{"cniVersion":"1.0.0"}')).stdout.toString()) as Record<string, unknown>;
    expect(await version()).toMatchObject({ cniVersion: '1.0.0', supportedVersions: expect.arrayContaining(['1.1.0']) });
    writeFileSync(join(dir, RESIDENT_SOCKET), '');
    // The fault file beside the link is found: the Node plugin knows the path it was executed by.
    writeFileSync(join(dir, FAULT_FILE), 'version-no-supported');
    expect(await version()).toEqual({ cniVersion: '1.0.0' });
  });

  it('kills the worker of a call whose launcher was killed, as the call would have ended with its process', async () => {
    const dir = binDir();
    const pool = new WorkerPool(echo, '');
    const resident = await ResidentReference.start(dir, pool);
    try {
      let launcher = 0;
      const call = execute(join(dir, REFERENCE_TYPE), { SLEEP: '30000' }, 'x', (pid) => (launcher = pid));
      await until('a worker', () => pool.size === 1);
      const [worker] = pool.pids;
      process.kill(launcher, 'SIGKILL');
      expect((await call).code).toBeNull();
      // The process may be gone a moment before the pool has seen its exit (seen on Node 24).
      await until('the worker to end and leave the pool', () => !alive(worker!) && pool.size === 0);
    } finally {
      await resident.stop();
    }
  });
});

describe.runIf(built)('resident reference workers', () => {
  const work = join(root, 'work');
  const netns = join(work, 'netns');
  mkdirSync(netns, { recursive: true });
  const config = (inProcess: boolean) => delegatingConfig({ name: 'resident', dir: work, inProcess });
  const call = (dir: string, command: string, containerID: string, inProcess = false) => {
    mkdirSync(join(netns, containerID), { recursive: true });
    return execute(
      join(dir, REFERENCE_TYPE),
      { CNI_COMMAND: command, CNI_CONTAINERID: containerID, CNI_IFNAME: 'eth0', CNI_NETNS: join(netns, containerID), CNI_PATH: dir },
      JSON.stringify(config(inProcess)),
    );
  };

  it('grow with concurrent ADDs that each block a worker on an executed delegate, and hand out distinct addresses', async () => {
    const dir = binDir();
    const pool = new WorkerPool();
    const resident = await ResidentReference.start(dir, pool);
    try {
      const ids = Array.from({ length: 6 }, (_, i) => `grow${i}`);
      const adds = await Promise.all(ids.map((id) => call(dir, 'ADD', id)));
      for (const add of adds) expect(add.code, add.stdout.toString() + add.stderr.toString()).toBe(0);
      const addresses = adds.map((add) => (JSON.parse(add.stdout.toString()) as { ips: Array<{ address: string }> }).ips[0]!.address);
      expect(new Set(addresses).size).toBe(ids.length);
      // Each ADD held a worker while its IPAM call took another.
      expect(pool.size).toBeGreaterThanOrEqual(2);
      for (const id of ids) expect((await call(dir, 'DEL', id)).code).toBe(0);
    } finally {
      await resident.stop();
    }
  }, 120_000);

  it('keep nothing of a call for the next: the fault file and errors are read per call, stderr and stdout kept apart', async () => {
    const dir = binDir();
    const pool = new WorkerPool();
    const resident = await ResidentReference.start(dir, pool);
    try {
      const version = async () => JSON.parse((await execute(join(dir, REFERENCE_TYPE), { CNI_COMMAND: 'VERSION' }, '')).stdout.toString()) as Record<string, unknown>;
      writeFileSync(join(dir, FAULT_FILE), 'version-no-supported');
      expect(await version()).not.toHaveProperty('supportedVersions');
      rmSync(join(dir, FAULT_FILE));
      expect(await version()).toHaveProperty('supportedVersions');
      writeFileSync(join(dir, FAULT_FILE), 'error-on-stderr');
      const missing = await execute(join(dir, REFERENCE_TYPE), { CNI_COMMAND: 'ADD' }, '{}');
      expect(missing.code).toBe(1);
      expect(missing.stdout.length).toBe(0);
      expect(JSON.parse(missing.stderr.toString())).toMatchObject({ code: 4 });
      rmSync(join(dir, FAULT_FILE));
      const plain = await execute(join(dir, REFERENCE_TYPE), { CNI_COMMAND: 'ADD' }, '{}');
      expect({ code: plain.code, stderr: plain.stderr.length }).toEqual({ code: 1, stderr: 0 });
      expect(JSON.parse(plain.stdout.toString())).toMatchObject({ code: 4 });
      // All of it served by one worker, one call after the other.
      expect(pool.size).toBe(1);
    } finally {
      await resident.stop();
    }
  });

  it('leave no socket and no process after a stop', async () => {
    const dir = binDir();
    const pool = new WorkerPool();
    const resident = await ResidentReference.start(dir, pool);
    expect((await call(dir, 'ADD', 'stop', true)).code).toBe(0);
    expect((await call(dir, 'DEL', 'stop', true)).code).toBe(0);
    const pids = pool.pids;
    expect(pids.length).toBeGreaterThan(0);
    await resident.stop();
    expect(existsSync(join(dir, RESIDENT_SOCKET))).toBe(false);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });
});

/** Processes whose environment carries `tag` (a run's workers inherit the harness's environment). */
function tagged(tag: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`).includes(tag)) found.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

describe.runIf(built)('an embedded run', () => {
  const cli = packagePath('bin', 'conformal.js');
  const runWith = (args: readonly string[], tag: string, temp: string, onStart?: (pid: number) => void): Promise<Outcome> =>
    execute(process.execPath, { ...process.env, TMPDIR: temp, CONFORMAL_RESIDENT_TEST_TAG: tag }, '', onStart, [cli, 'run', 'cni', '-q', '--no-html-report', '--simulated-netns', ...args], 120_000);

  it('that fails leaves no socket, no work directory and no worker', async () => {
    const tag = `tag-${randomBytes(6).toString('hex')}`;
    const temp = join(root, tag);
    mkdirSync(temp);
    const outcome = await runWith(['--reference-fault', 'del-not-idempotent'], tag, temp);
    expect(outcome.code, outcome.stdout.toString() + outcome.stderr.toString()).not.toBe(0);
    expect(outcome.stdout.toString() + outcome.stderr.toString()).toMatch(/cni\.del\.repeated/);
    // Node >= 22.1 keeps its module compile cache (bin/conformal.js turns it on) under TMPDIR: Node's, not the run's.
    expect(readdirSync(temp).filter((entry) => entry !== 'node-compile-cache')).toEqual([]);
    await until('no worker of the run', () => tagged(tag).length === 0);
  }, 180_000);

  it('that fails, in a harness that goes on, has stopped its workers and removed its socket when it returns', async () => {
    const tag = `tag-${randomBytes(6).toString('hex')}`;
    const temp = join(root, tag);
    mkdirSync(temp);
    const saved = { TMPDIR: process.env.TMPDIR, CONFORMAL_RESIDENT_TEST_TAG: process.env.CONFORMAL_RESIDENT_TEST_TAG };
    // The workers inherit this process's environment, and the run's work directory goes under TMPDIR.
    Object.assign(process.env, { TMPDIR: temp, CONFORMAL_RESIDENT_TEST_TAG: tag });
    try {
      const run = await runCni({ referenceFault: 'del-not-idempotent', simulatedNetns: true });
      expect(run.results.find((r) => r.id === 'cni.del.repeated')?.status).toBe('failed');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(readdirSync(temp)).toEqual([]);
    expect(tagged(tag).filter((pid) => pid !== process.pid)).toEqual([]);
  }, 180_000);

  it('whose harness is killed leaves no worker behind', async () => {
    const tag = `tag-${randomBytes(6).toString('hex')}`;
    const temp = join(root, tag);
    mkdirSync(temp);
    let harness = 0;
    const outcome = runWith([], tag, temp, (pid) => (harness = pid));
    await until('a worker of the run', () => tagged(tag).some((pid) => pid !== harness), 60_000);
    process.kill(harness, 'SIGKILL');
    await outcome;
    await until('no worker of the run', () => tagged(tag).length === 0);
  }, 180_000);
});
