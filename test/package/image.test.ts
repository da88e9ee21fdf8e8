// The container image, built without a daemon or a registry base image (scripts/build-image.mjs:
// the packed tarball, npm, this machine's node), unpacked by Debian's umoci and run by Debian's runc
// as a real container: `conformal run csi` and `certify` inside it, then the Kubernetes Job's and the
// Sonobuoy plugin's command, args and mounts as deploy/ writes them, against a CSI driver in a
// container of its own (the reference, from the same image) sharing the socket dir and the
// --path-base-dir directory with it, as a node plugin on a Kubernetes node does.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../src/core/paths.js';
import { requireTool } from '../support/real-tools.js';
import { exec, packTarball, type PackedTarball } from './support/packed.js';

const runc = requireTool('CONFORMAL_RUNC');
const umoci = requireTool('CONFORMAL_UMOCI');
// runc makes namespaces and mounts: root only (CI runs as root).
const canRun = runc !== undefined && umoci !== undefined && (process.getuid?.() === 0 || process.env.CI === 'true');

interface RuntimeConfig {
  process: { args: string[]; terminal: boolean; user: { uid: number }; cwd: string; env: string[] };
  root: { path: string };
  mounts: Array<{ destination: string; type: string; source: string; options: string[] }>;
}

let packed: PackedTarball;
let work: string;
let bundle: string;
let results: string;
let entrypoint: string[];
let runs = 0;

interface ContainerRun {
  /** The whole process argv (a manifest's command + args); default: the image's entrypoint + `args`. */
  readonly argv?: readonly string[];
  readonly args?: readonly string[];
  /** Container path -> host directory, bind-mounted read-write. */
  readonly mounts?: Readonly<Record<string, string>>;
}

/** Writes a runtime config into `dir` for a container of the unpacked image (one rootfs, shared). */
async function configure(dir: string, { argv, args = [], mounts = { '/results': results } }: ContainerRun): Promise<void> {
  const config = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as RuntimeConfig;
  config.root.path = join(bundle, 'rootfs');
  config.process.args = [...(argv ?? [...entrypoint, ...args])];
  config.process.terminal = false;
  const binds = Object.entries(mounts).map(([destination, source]) => ({ destination, type: 'bind', source, options: ['rbind', 'rw'] }));
  config.mounts = [...config.mounts.filter((m) => !(m.destination in mounts)), ...binds];
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
}

/** Runs one runc container to its end; /results is a host directory unless remapped. */
async function runContainer(run: ContainerRun) {
  const id = `conformal-image-test-${process.pid}-${++runs}`;
  const dir = join(work, 'containers', id);
  await configure(dir, run);
  return exec([runc!, 'run', '--bundle', dir, id], { timeoutMs: 120_000 });
}

/** The manifest's volumeMounts mapped onto host directories by volume name. */
function mountsOf(volumeMounts: Array<{ name: string; mountPath: string }>, hostDirs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(volumeMounts.map((m) => [m.mountPath, hostDirs[m.name]!]));
}

describe.skipIf(!canRun)('container image', () => {
  beforeAll(async () => {
    packed = await packTarball();
    work = await mkdtemp(join(tmpdir(), 'conformal-image-'));
    const built = await exec([process.execPath, packagePath('scripts', 'build-image.mjs'), '--tarball', packed.tarball, '--out', join(work, 'oci'), '--tag', 'test']);
    if (built.code !== 0) throw new Error(`build-image.mjs failed (${built.code}): ${built.stderr}`);
    bundle = join(work, 'bundle');
    const unpacked = await exec([umoci!, 'unpack', '--image', `${join(work, 'oci')}:test`, bundle]);
    if (unpacked.code !== 0) throw new Error(`umoci unpack failed (${unpacked.code}): ${unpacked.stderr}`);
    const config = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as RuntimeConfig;
    // umoci made process.args from the image's Entrypoint and Cmd (["--help"]).
    expect(config.process.args.at(-1)).toBe('--help');
    entrypoint = config.process.args.slice(0, -1);
    results = join(work, 'results');
    await mkdir(results);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([packed && rm(packed.dir, { recursive: true, force: true }), work && rm(work, { recursive: true, force: true })]);
  });

  it('starts the CLI as the Sonobuoy plugin does, and holds the script the Job runs', async () => {
    const plugin = parse(await readFile(packagePath('deploy', 'sonobuoy', 'conformal-csi.yaml'), 'utf8'));
    expect(entrypoint).toEqual(plugin.spec.command);
    const [, job] = parseAllDocuments(await readFile(packagePath('deploy', 'kubernetes', 'csi-conformance-job.yaml'), 'utf8')).map((d) => d.toJS());
    const [node, script] = job.spec.template.spec.containers[0].command as string[];
    expect(node).toBe(entrypoint[0]);
    expect(existsSync(join(bundle, 'rootfs', script!))).toBe(true);
  });

  it('runs the CSI suite in a runc container and writes the reports to the mounted dir', async () => {
    const run = await runContainer({ args: ['run', 'csi', '--report-dir', '/results/build'] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/: [1-9]\d* passed, 0 failed/);
    const finished = JSON.parse(await readFile(join(results, 'build', 'finished.json'), 'utf8'));
    expect(finished).toMatchObject({ passed: true, result: 'SUCCESS' });
  }, 120_000);

  it("installs exactly the dependency tree of the package's npm-shrinkwrap.json", async () => {
    const locked = JSON.parse(await readFile(packagePath('npm-shrinkwrap.json'), 'utf8')) as { packages: Record<string, { version?: string; dev?: boolean }> };
    const installed = JSON.parse(await readFile(join(bundle, 'rootfs', 'usr/local/lib/conformal/node_modules/.package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    const production = Object.entries(locked.packages).filter(([path, entry]) => path !== '' && !entry.dev);
    expect(production.length).toBeGreaterThan(100);
    const versions = (entries: Array<[string, { version?: string }]>) => Object.fromEntries(entries.map(([path, entry]) => [path, entry.version]));
    const { 'node_modules/conformal': own, ...dependencies } = versions(Object.entries(installed.packages).filter(([path]) => path !== ''));
    expect(own).toBe((JSON.parse(await readFile(packagePath('package.json'), 'utf8')) as { version: string }).version);
    expect(dependencies).toEqual(versions(production));
  });

  it('certify inside the image names the tarball it was built from', async () => {
    const run = await runContainer({ args: ['certify', 'csi', '--product', '/opt/conformal/fixtures/reports/product.yaml', '--out', '/results/certification', '--quiet'] });
    expect(run.code, run.stderr).toBe(0);
    const readme = await readFile(join(results, 'certification', 'README.md'), 'utf8');
    expect(readme).toContain(`the package tarball \`${packed.tarball.split('/').pop()}\``);
    expect(readme).toContain(`integrity \`${packed.integrity}\``);
  }, 120_000);

  describe('deploy/ manifests, run as written against a driver socket', () => {
    const driverId = `conformal-image-test-${process.pid}-driver`;
    const PATHS = '/var/lib/kubelet/plugins/conformal-paths'; // where both manifests make test paths
    let socketDir: string;
    let pathsDir: string;

    beforeAll(async () => {
      socketDir = await mkdtemp(join(tmpdir(), 'conformal-image-csi-'));
      pathsDir = await mkdtemp(join(tmpdir(), 'conformal-image-paths-'));
      const dir = join(work, 'containers', driverId);
      await configure(dir, { args: ['reference', 'csi', '--endpoint', 'unix:///csi/csi.sock'], mounts: { '/csi': socketDir, [PATHS]: pathsDir } });
      const started = await exec([runc!, 'run', '--detach', '--bundle', dir, driverId], { timeoutMs: 30_000 });
      if (started.code !== 0) throw new Error(`runc run --detach of the driver failed (${started.code}): ${started.stderr}`);
      for (let waited = 0; !existsSync(join(socketDir, 'csi.sock')); waited += 100) {
        if (waited > 30_000) throw new Error('the reference CSI driver did not create its socket within 30 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    }, 60_000);

    afterAll(async () => {
      await exec([runc!, 'delete', '--force', driverId], { timeoutMs: 30_000 });
      await Promise.all([socketDir, pathsDir].map((dir) => dir && rm(dir, { recursive: true, force: true })));
    });

    it('the Kubernetes Job: nightly.mjs runs its ConfigMap\'s targets and uploads the build', async () => {
      const [configMap, job] = parseAllDocuments(await readFile(packagePath('deploy', 'kubernetes', 'csi-conformance-job.yaml'), 'utf8')).map((d) => d.toJS());
      const container = job.spec.template.spec.containers[0];
      const configDir = join(work, 'job-config');
      const jobResults = join(work, 'job-results');
      await mkdir(configDir);
      await mkdir(jobResults);
      await writeFile(join(configDir, 'nightly.yaml'), configMap.data['nightly.yaml']);
      // The bucket is out of reach: the same upload goes to a file:// destination instead.
      const args = (container.args as string[]).map((arg, i, all) => (all[i - 1] === '--to' ? 'file:///results/uploaded' : arg));
      const run = await runContainer({
        argv: [...container.command, ...args],
        mounts: mountsOf(container.volumeMounts, { 'csi-socket-dir': socketDir, 'csi-paths': pathsDir, targets: configDir, results: jobResults }),
      });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      const jobName = parse(configMap.data['nightly.yaml']).jobs[0].job as string;
      expect(await readFile(join(jobResults, 'uploaded', jobName, 'latest-build.txt'), 'utf8')).toMatch(/^\d+/);
    }, 180_000);

    it('the Sonobuoy plugin: sonobuoy-run writes the JUnit and then `done` into the mounted results dir', async () => {
      const plugin = parse(await readFile(packagePath('deploy', 'sonobuoy', 'conformal-csi.yaml'), 'utf8'));
      const sonobuoyResults = join(work, 'sonobuoy-results');
      await mkdir(sonobuoyResults);
      const run = await runContainer({
        argv: [...plugin.spec.command, ...plugin.spec.args],
        mounts: mountsOf(plugin.spec.volumeMounts, { results: sonobuoyResults, 'csi-socket-dir': socketDir, 'csi-paths': pathsDir }),
      });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(await readFile(join(sonobuoyResults, 'done'), 'utf8')).toBe('/tmp/sonobuoy/results/conformal');
      expect(await readFile(join(sonobuoyResults, 'conformal', 'artifacts', 'junit_01.xml'), 'utf8')).toContain('<testcase');
    }, 180_000);
  });
});
