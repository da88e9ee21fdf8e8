// Runs critest (kubernetes-sigs/cri-tools' validation suite, built by .ci/setup/41-critest.sh) against
// a CRI endpoint and reads its Ginkgo JSON report; starts `conformal reference cri` for it to run
// against. critest's temp dirs go under our own work dir (TMPDIR), so whatever it leaves mounted
// there (its mount-propagation specs bind-mount) is unmounted before the dir is removed.
import { execFile as execFileCb, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CLI } from '../support/cli.js';
import { packagePath } from '../../src/core/paths.js';
import { unmountUnder } from '../support/mounts.js';
import { CRITEST_REGISTRIES } from './images.js';
import { enter, type RunNamespaces } from './namespaces.js';

const execFile = promisify(execFileCb);

/**
 * Specs left out of every run (--ginkgo.skip): each needs an image that cannot be made offline from
 * busybox; docs/cri/critest.md says why, row by row.
 */
export const SKIPPED_SPECS: readonly string[] = [
  // upstream's image pinned by digest (sha256:9700f9a2…): its bytes exist only on gcr.io
  'public image with digest should be pulled and removed',
  // a setuid binary that prints "Effective uid: N" (images/nonewprivs)
  'NoNewPrivs should (not )?allow privilege escalation',
  // a real nginx: a process named nginx whose /proc/1/cmdline says "nginx: master process"
  'NamespaceOption runtime should support (HostPID|ContainerPID)$',
];

export interface CritestSpec {
  /** Container texts and the spec's own text, joined by spaces, as critest prints it. */
  readonly name: string;
  readonly state: 'passed' | 'failed' | 'skipped' | 'pending' | 'panicked' | 'interrupted' | 'aborted' | 'timedout';
  readonly seconds: number;
  readonly failure: string;
}

export interface CritestRun {
  readonly specs: readonly CritestSpec[];
  readonly seconds: number;
  readonly exitCode: number | null;
  /** The end of critest's own output, for failure messages. */
  readonly outputTail: string;
}

interface GinkgoSpecReport {
  ContainerHierarchyTexts: string[] | null;
  LeafNodeText: string;
  LeafNodeType: string;
  State: CritestSpec['state'];
  RunTime: number;
  Failure?: { Message?: string };
}

export function readGinkgoReport(file: string): CritestSpec[] {
  const reports = JSON.parse(readFileSync(file, 'utf8')) as Array<{ SpecReports: GinkgoSpecReport[] | null }>;
  return reports
    .flatMap((r) => r.SpecReports ?? [])
    .filter((s) => s.LeafNodeType === 'It')
    .map((s) => ({ name: [...(s.ContainerHierarchyTexts ?? []), s.LeafNodeText].join(' '), state: s.State, seconds: s.RunTime / 1e9, failure: s.Failure?.Message ?? '' }));
}

export interface CritestOptions {
  readonly critest: string;
  readonly endpoint: string;
  readonly testImagesFile: string;
  /** Ginkgo processes (critest --parallel, through the ginkgo CLI next to critest); 1 runs in-process. */
  readonly parallel?: number;
  readonly timeoutMs?: number;
  /** Spec patterns left out besides SKIPPED_SPECS (for a runtime set up without something they need). */
  readonly extraSkips?: readonly string[];
  /**
   * Bound of one RPC (critest's --runtime-service-timeout, 300s by default; ExecSync gets it on top
   * of its own timeout): a runtime that hangs an RPC then costs this long, not five minutes.
   */
  readonly rpcTimeout?: string;
  /** Namespaces to run critest in (namespaces.ts). */
  readonly namespaces?: RunNamespaces;
}

export async function runCritest(options: CritestOptions): Promise<CritestRun> {
  const work = mkdtempSync(join(tmpdir(), 'conformal-critest-'));
  const temp = join(work, 'tmp');
  mkdirSync(temp);
  const report = join(work, 'report.json');
  const args = [
    `--runtime-endpoint=${options.endpoint}`,
    `--image-endpoint=${options.endpoint}`,
    `--test-images-file=${options.testImagesFile}`,
    `--ginkgo.skip=${[...SKIPPED_SPECS, ...(options.extraSkips ?? [])].join('|')}`,
    `--ginkgo.json-report=${report}`,
    '--ginkgo.no-color',
    ...(options.rpcTimeout ? [`--runtime-service-timeout=${options.rpcTimeout}`, `--image-service-timeout=${options.rpcTimeout}`] : []),
    // Ginkgo reads a bare -parallel as go test's flag and refuses it: pass it only to fan out.
    ...((options.parallel ?? 1) > 1 ? [`--parallel=${options.parallel}`] : []),
  ];
  const started = Date.now();
  try {
    const [command, ...argv] = enter(options.namespaces, [options.critest, ...args]);
    const result = await execFile(command!, argv, {
      cwd: work,
      // The ginkgo CLI critest re-executes itself through sits next to it; its temp dirs go in ours.
      env: { ...process.env, PATH: `${dirname(options.critest)}:${process.env.PATH ?? ''}`, TMPDIR: temp },
      timeout: options.timeoutMs ?? 600_000,
      maxBuffer: 256 * 1024 * 1024,
    }).then(
      (r) => ({ ...r, code: 0 as number | null }),
      (error: { stdout?: string; stderr?: string; code?: number | string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '', code: typeof error.code === 'number' ? error.code : null }),
    );
    const seconds = (Date.now() - started) / 1000;
    let specs: CritestSpec[] = [];
    try {
      specs = readGinkgoReport(report);
    } catch (error) {
      throw new Error(`critest wrote no report (exit ${result.code}): ${(result.stdout + result.stderr).slice(-4000)}`, { cause: error });
    }
    return { specs, seconds, exitCode: result.code, outputTail: (result.stdout + result.stderr).slice(-4000) };
  } finally {
    await unmountUnder(work);
    rmSync(work, { recursive: true, force: true });
  }
}

export interface ServedReference {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * `conformal reference cri` as a child process, pulling the `mirrors` registries from `registry`
 * (host:port, or unix:///path for a reference in another network namespace).
 */
export async function serveReference(options: { registry: string; mirrors: readonly string[]; fault?: string; namespaces?: RunNamespaces }): Promise<ServedReference> {
  const dir = mkdtempSync(join(tmpdir(), 'conformal-critest-ref-'));
  const endpoint = `unix://${join(dir, 'cri.sock')}`;
  const args = [CLI, 'reference', 'cri', '--endpoint', endpoint, ...options.mirrors.flatMap((m) => ['--registry-mirror', `${m}=${options.registry}`]), ...(options.fault ? ['--reference-fault', options.fault] : [])];
  const [command, ...argv] = enter(options.namespaces, [process.execPath, ...args]);
  const child: ChildProcess = spawn(command!, argv, { cwd: packagePath(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`conformal reference cri did not start: ${output}`)), 30_000);
    const check = () => {
      if (output.includes('serving the cri reference')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', () => reject(new Error(`conformal reference cri exited: ${output}`)));
  });
  return {
    endpoint,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * critest against a `conformal reference cri` it starts for the run, both in `namespaces`: the
 * reference pulls critest's images (and those the test images file names by the registry's
 * loopback address) through the registry's unix socket.
 */
export async function critestAgainstReference(options: {
  readonly critest: string;
  readonly registryHost: string;
  readonly registrySocket: string;
  readonly testImagesFile: string;
  readonly namespaces: RunNamespaces;
  readonly fault?: string;
  readonly parallel: number;
}): Promise<CritestRun> {
  const mirrors = [...CRITEST_REGISTRIES, options.registryHost];
  const reference = await serveReference({ registry: `unix://${options.registrySocket}`, mirrors, namespaces: options.namespaces, ...(options.fault ? { fault: options.fault } : {}) });
  try {
    // 15 s per RPC: a fault that hangs one (ExecSync past its timeout) then costs 15 s, not 300.
    return await runCritest({ critest: options.critest, endpoint: reference.endpoint, testImagesFile: options.testImagesFile, parallel: options.parallel, rpcTimeout: '15s', namespaces: options.namespaces, timeoutMs: 300_000 });
  } finally {
    await reference.stop();
  }
}
