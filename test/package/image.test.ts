// The container image, built without a daemon or a registry base image (scripts/build-image.mjs:
// the packed tarball, npm, this machine's node), unpacked by Debian's umoci and run by Debian's runc
// as a real container: `conformal run csi` and `certify` inside it, reports on a bind mount.
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
  process: { args: string[]; terminal: boolean; user: { uid: number }; cwd: string };
  mounts: Array<{ destination: string; type: string; source: string; options: string[] }>;
}

let packed: PackedTarball;
let work: string;
let bundle: string;
let results: string;
let entrypoint: string[];
let runs = 0;

/** Runs the image's entrypoint with `args` as a runc container; /results is a host directory. */
async function runContainer(args: readonly string[]) {
  const configFile = join(bundle, 'config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as RuntimeConfig;
  config.process.args = [...entrypoint, ...args];
  config.process.terminal = false;
  config.mounts = [...config.mounts.filter((m) => m.destination !== '/results'), { destination: '/results', type: 'bind', source: results, options: ['rbind', 'rw'] }];
  await writeFile(configFile, JSON.stringify(config));
  return exec([runc!, 'run', '--bundle', bundle, `conformal-image-test-${process.pid}-${++runs}`], { timeoutMs: 120_000 });
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
    const run = await runContainer(['run', 'csi', '--report-dir', '/results/build']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/: [1-9]\d* passed, 0 failed/);
    const finished = JSON.parse(await readFile(join(results, 'build', 'finished.json'), 'utf8'));
    expect(finished).toMatchObject({ passed: true, result: 'SUCCESS' });
  }, 120_000);

  it('certify inside the image names the tarball it was built from', async () => {
    const run = await runContainer(['certify', 'csi', '--product', '/opt/conformal/fixtures/reports/product.yaml', '--out', '/results/certification', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const readme = await readFile(join(results, 'certification', 'README.md'), 'utf8');
    expect(readme).toContain(`the package tarball \`${packed.tarball.split('/').pop()}\``);
    expect(readme).toContain(`integrity \`${packed.integrity}\``);
  }, 120_000);
});
