// conformal as a Job on a real one-node cluster (kubelet v1.37.2, containerd 1.6): the image built
// by scripts/build-image.mjs from `npm pack` of this checkout, served by the cluster's loopback
// registry; deploy/'s manifests applied with kubectl as a user applies them (only the image name is
// set): the reference CSI driver as a node plugin, the indexed Job whose pods each run one shard of
// the CSI suite into a hostPath, merged into one testgrid build; and the Sonobuoy plugin's container
// spec as a pod, whose results dir must keep Sonobuoy's done-file contract.
import { statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { waitFor } from '../../../src/core/deadline.js';
import { packagePath } from '../../../src/core/paths.js';
import type { RunResult } from '../../../src/core/results.js';
import { readOciLayout } from '../../../src/registry/oci-layout.js';
import { maskSource } from '../../support/cluster/namespaces.js';
import { containerdRuntime } from '../../support/cluster/runtime.js';
import { repeatedCiRun, requireTool } from '../../support/real-tools.js';
import { parseWithTestgrid } from '../../support/testgrid-junit.js';
import { exec, packTarball, type PackedTarball } from '../../package/support/packed.js';
import { runConformal } from '../../reporters/support/run-cli.js';
import { clusterToolsFromEnv, teardownCheck, useCluster } from './cluster-fixture.js';
import { doneFileProblems, junitNamedByDone } from './sonobuoy-done.js';

const tools = clusterToolsFromEnv();
const containerd = requireTool('CONFORMAL_CONTAINERD');
const runc = requireTool('CONFORMAL_RUNC');
const testgridJunit = requireTool('CONFORMAL_TESTGRID_JUNIT');
const isRoot = process.getuid?.() === 0;
if (process.env.CI === 'true' && !isRoot) throw new Error('the one-node cluster test needs root under CI');

const NAMESPACE = 'conformal';
/** The manifests' hostPaths on the node; inside the cluster's mount namespace /var/lib is a state-dir directory. */
const RESULTS_ON_NODE = '/var/lib/conformal/results';
const SONOBUOY_RESULTS_ON_NODE = '/var/lib/conformal/sonobuoy-results';

type Manifest = { kind: string; metadata: { name: string }; spec: Record<string, any> };

/** deploy/'s multi-document YAML as objects. */
async function deployManifests(...path: string[]): Promise<Manifest[]> {
  return parseAllDocuments(await readFile(packagePath('deploy', ...path), 'utf8')).map((doc) => doc.toJS() as Manifest);
}

/** The pod template's containers with `image` set: the one field a user changes besides node paths. */
function withImage(manifest: Manifest, image: string): Manifest {
  for (const container of manifest.spec.template.spec.containers) container.image = image;
  return manifest;
}

/** The hostPath where the reference driver's manifest puts its socket. */
async function driverSocketDir(): Promise<string> {
  const [driver] = await deployManifests('kubernetes', 'csi-reference-driver.yaml');
  return (driver!.spec.template.spec.volumes as Array<{ name: string; hostPath: { path: string } }>).find((v) => v.name === 'csi-socket-dir')!.hostPath.path;
}

/** Test ids of a run that it ran (a shard marks the others' tests filtered). */
const ranIds = (run: RunResult) => run.results.filter((t) => t.status !== 'filtered').map((t) => t.id);

// CI's second run (Node 24) leaves it out: the manifests and the Job do not change with the Node
// that runs the tests, and test/package/image.test.ts runs the image itself under both.
describe.skipIf(!tools || !containerd || !runc || !testgridJunit || !isRoot || repeatedCiRun)('conformal as an indexed Job and a Sonobuoy plugin on a one-node cluster', () => {
  const cluster = useCluster(
    () => tools!,
    () => containerdRuntime(containerd!, runc!),
  );
  let packed: PackedTarball | undefined;
  let work: string;
  let image: string;
  let hostVarLib: string;
  const kubectl = (args: readonly string[], timeoutMs = 30_000) => cluster().kubectl.run(args, AbortSignal.timeout(timeoutMs + 5_000), { timeoutMs });
  /** Writes objects to a file and `kubectl apply -f`s it. */
  async function apply(name: string, objects: readonly object[]): Promise<void> {
    const file = join(work, `${name}.yaml`);
    await writeFile(file, objects.map((o) => stringify(o)).join('---\n'));
    await kubectl(['apply', '-f', file]);
  }
  const podLogs = (selector: string) => kubectl(['logs', '--namespace', NAMESPACE, '--selector', selector, '--all-containers', '--prefix', '--tail=40']).catch((e: Error) => e.message);

  beforeAll(async () => {
    const c = cluster();
    work = await mkdtemp(join(tmpdir(), 'conformal-job-test-'));
    const started = Date.now();
    packed = await packTarball();
    const built = await exec([process.execPath, packagePath('scripts', 'build-image.mjs'), '--tarball', packed.tarball, '--out', join(work, 'oci'), '--tag', 'job'], { timeoutMs: 400_000 });
    if (built.code !== 0) throw new Error(`build-image.mjs failed (${built.code}): ${built.stderr}`);
    c.images.registry.push('conformal/conformal', 'job', await readOciLayout(join(work, 'oci'), 'job'));
    process.stdout.write(`image packed and built in ${Date.now() - started} ms\n`);
    image = `${c.images.host}/conformal/conformal:job`;
    hostVarLib = maskSource(c.stateDir, '/var/lib');
    await kubectl(['create', 'namespace', NAMESPACE]);
    const [driver] = await deployManifests('kubernetes', 'csi-reference-driver.yaml');
    await apply('driver', [withImage(driver!, image)]);
    // The first pull of the image (node, bash, the package and its tree) is the slow part.
    await waitFor(
      async () => {
        const ds = JSON.parse(await kubectl(['get', 'daemonset', driver!.metadata.name, '--namespace', NAMESPACE, '-o', 'json'])) as { status?: { numberReady?: number } };
        return (ds.status?.numberReady ?? 0) >= 1 ? true : undefined;
      },
      { signal: AbortSignal.timeout(240_000), description: 'the reference CSI driver pod Ready', intervalMs: 1_000 },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await podLogs('app.kubernetes.io/name=conformal-reference-csi')}`);
    });
    process.stdout.write(`reference CSI driver Ready ${Date.now() - started} ms after the build started\n`);
  }, 900_000);

  afterAll(async () => {
    await Promise.all([packed && rm(packed.dir, { recursive: true, force: true }), work && rm(work, { recursive: true, force: true })]);
  });

  it("the indexed Job's shards merge into one testgrid build: every test of an unsharded run exactly once, read by testgrid's parser", async () => {
    const [job] = await deployManifests('kubernetes', 'csi-conformance-indexed-job.yaml');
    const shards = job!.spec.completions as number;
    expect(job!.spec).toMatchObject({ completionMode: 'Indexed', parallelism: shards });
    expect(shards).toBeGreaterThan(1);
    const args = job!.spec.template.spec.containers[0].args as string[];
    expect(args).toContain(`$(JOB_COMPLETION_INDEX)+1/${shards}`);
    expect(job!.spec.template.spec.volumes).toContainEqual({ name: 'results', hostPath: { path: RESULTS_ON_NODE, type: 'DirectoryOrCreate' } });
    await apply('job', [withImage(job!, image)]);
    const status = await waitFor(
      async () => {
        const current = JSON.parse(await kubectl(['get', 'job', job!.metadata.name, '--namespace', NAMESPACE, '-o', 'json'])) as { status?: { conditions?: Array<{ type: string; status: string }>; succeeded?: number; completedIndexes?: string } };
        return current.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') ? current.status : undefined;
      },
      { signal: AbortSignal.timeout(400_000), description: `job ${job!.metadata.name} Complete or Failed`, intervalMs: 2_000 },
    );
    expect(status.conditions!.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'))?.type, await podLogs(`job-name=${job!.metadata.name}`)).toBe('Complete');
    expect(status.succeeded).toBe(shards);

    // The shards' report dirs, from the node's hostPath.
    const resultsDir = join(hostVarLib, RESULTS_ON_NODE.slice('/var/lib/'.length));
    const shardDirs = Array.from({ length: shards }, (_, k) => join(resultsDir, `shard-${k}`));
    expect((await readdir(resultsDir)).sort()).toEqual(shardDirs.map((dir) => dir.split('/').pop()).sort());
    const shardRuns = await Promise.all(shardDirs.map(async (dir) => JSON.parse(await readFile(join(dir, 'artifacts', 'results.json'), 'utf8')) as RunResult));
    expect(shardRuns.map((run) => run.shard)).toEqual(shardRuns.map((_, k) => ({ index: k + 1, total: shards })));

    const build = join(work, 'logs', 'csi-sharded', '1');
    const merged = await runConformal(['merge', build, ...shardDirs]);
    expect(merged.code, merged.stderr).toBe(0);
    const mergedRun = JSON.parse(await readFile(join(build, 'artifacts', 'results.json'), 'utf8')) as RunResult;

    // One unsharded run of the same build against the same driver with the same arguments, from
    // the node (inside the cluster's mount namespace, where the driver's hostPaths are).
    const unshardedDir = join(work, 'unsharded');
    const shardFlag = args.indexOf('--shard');
    const reportFlag = args.indexOf('--report-dir');
    const unshardedArgs = args.filter((_, i) => ![shardFlag, shardFlag + 1, reportFlag, reportFlag + 1].includes(i) && args[i] !== '--replace-report-dir');
    const socketDir = (job!.spec.template.spec.volumes as Array<{ name: string; hostPath?: { path: string } }>).find((v) => v.name === 'csi-socket-dir')!.hostPath!.path;
    expect(socketDir).toBe(await driverSocketDir());
    const endpoint = unshardedArgs.indexOf('--endpoint');
    unshardedArgs[endpoint + 1] = `unix://${socketDir}/csi.sock`;
    const unsharded = await exec(cluster().namespaces.enter([process.execPath, packagePath('bin', 'conformal.js'), ...unshardedArgs, '--report-dir', unshardedDir]), { timeoutMs: 300_000 });
    expect(unsharded.code, `${unsharded.stdout}\n${unsharded.stderr}`).toBe(0);
    const unshardedRun = JSON.parse(await readFile(join(unshardedDir, 'artifacts', 'results.json'), 'utf8')) as RunResult;

    const mergedIds = ranIds(mergedRun);
    process.stdout.write(`shards ran ${shardRuns.map((run) => ranIds(run).length).join(' + ')} tests, merged ${mergedIds.length} (${mergedRun.summary.passed} passed, ${mergedRun.summary.skipped} skipped), unsharded ${ranIds(unshardedRun).length}\n`);
    expect(mergedIds.length).toBeGreaterThan(20);
    expect(new Set(mergedIds).size).toBe(mergedIds.length);
    expect(mergedIds.length).toBe(ranIds(unshardedRun).length);
    expect([...mergedIds].sort()).toEqual(ranIds(unshardedRun).sort());
    // Each shard ran its own tests, none twice.
    expect(shardRuns.reduce((n, run) => n + ranIds(run).length, 0)).toBe(mergedIds.length);
    expect(mergedRun.summary).toMatchObject({ failed: 0, passed: unshardedRun.summary.passed, skipped: unshardedRun.summary.skipped });

    // testgrid's own JUnit parser reads every shard's JUnit in the build: one cell per test.
    const junitFiles = (await readdir(join(build, 'artifacts'))).filter((f) => /^junit_\d+\.xml$/.test(f)).map((f) => join(build, 'artifacts', f));
    expect(junitFiles).toHaveLength(shards);
    const reports = await parseWithTestgrid(testgridJunit!, junitFiles);
    for (const report of reports) expect(report.error, report.file).toBeUndefined();
    const cells = reports.flatMap((r) => r.cells.map((c) => c.name));
    expect(cells.sort()).toEqual(mergedRun.results.filter((t) => t.status !== 'filtered').map((t) => `conformal.${t.name}`).sort());

    // started.json: the first shard's start; finished.json: the last shard's end and the merged verdict.
    // Shards start within the same second: the merged run's own times (ms) tell first from last.
    expect(mergedRun.startedAt).toBe(shardRuns.map((run) => run.startedAt).sort()[0]);
    expect(mergedRun.finishedAt).toBe(shardRuns.map((run) => run.finishedAt).sort().at(-1));
    const shardJson = (file: string) => Promise.all(shardDirs.map(async (dir) => JSON.parse(await readFile(join(dir, file), 'utf8')) as { timestamp: number }));
    const started = JSON.parse(await readFile(join(build, 'started.json'), 'utf8')) as { timestamp: number };
    const finished = JSON.parse(await readFile(join(build, 'finished.json'), 'utf8')) as { timestamp: number; passed: boolean; result: string; metadata: Record<string, string> };
    expect(started.timestamp).toBe(Math.floor(Date.parse(mergedRun.startedAt) / 1000));
    expect(started.timestamp).toBe(Math.min(...(await shardJson('started.json')).map((s) => s.timestamp)));
    expect(finished.timestamp).toBe(Math.max(...(await shardJson('finished.json')).map((s) => s.timestamp)));
    expect(finished).toMatchObject({ passed: true, result: 'SUCCESS' });
    expect(finished.metadata['tests-total']).toBe(String(mergedRun.summary.total));
    expect(finished.metadata['tests-passed']).toBe(String(unshardedRun.summary.passed));
  }, 900_000);

  it("the Sonobuoy plugin's container, run as sonobuoy would run it: exits 0 and writes `done` last, naming the JUnit", async () => {
    const plugin = parse(await readFile(packagePath('deploy', 'sonobuoy', 'conformal-csi.yaml'), 'utf8')) as { 'sonobuoy-config': { 'result-format': string }; spec: Record<string, any>; 'extra-volumes': Array<{ name: string; hostPath?: { path: string } }> };
    expect(plugin['sonobuoy-config']['result-format']).toBe('junit');
    const resultsMount = (plugin.spec.volumeMounts as Array<{ name: string; mountPath: string }>).find((m) => m.name === 'results')!;
    // What sonobuoy's Job driver makes of the plugin: its container spec with the results volume
    // (an emptyDir there, a hostPath here to read it afterwards) and the results dir in the env.
    const name = 'conformal-sonobuoy-plugin';
    const socketDir = await driverSocketDir();
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': name } },
      spec: {
        restartPolicy: 'Never',
        containers: [{ ...plugin.spec, image, env: [...(plugin.spec.env ?? []), { name: 'SONOBUOY_RESULTS_DIR', value: resultsMount.mountPath }, { name: 'RESULTS_DIR', value: resultsMount.mountPath }] }],
        // The one host path a user sets: the plugin dir of the driver (the reference's, from its manifest).
        volumes: [...plugin['extra-volumes'].map((v) => (v.name === 'csi-socket-dir' ? { ...v, hostPath: { ...v.hostPath, path: socketDir } } : v)), { name: 'results', hostPath: { path: SONOBUOY_RESULTS_ON_NODE, type: 'DirectoryOrCreate' } }],
      },
    };
    await apply('sonobuoy-plugin', [pod]);
    const state = await waitFor(
      async () => {
        const current = JSON.parse(await kubectl(['get', 'pod', name, '--namespace', NAMESPACE, '-o', 'json'])) as { status?: { phase?: string; containerStatuses?: Array<{ state?: { terminated?: { exitCode: number } } }> } };
        return current.status?.phase === 'Succeeded' || current.status?.phase === 'Failed' ? current.status : undefined;
      },
      { signal: AbortSignal.timeout(400_000), description: `pod ${name} Succeeded or Failed`, intervalMs: 2_000 },
    );
    expect(state.containerStatuses?.[0]?.state?.terminated?.exitCode, await podLogs(`app.kubernetes.io/name=${name}`)).toBe(0);
    const results = join(hostVarLib, SONOBUOY_RESULTS_ON_NODE.slice('/var/lib/'.length));
    expect(doneFileProblems(results, resultsMount.mountPath)).toEqual([]);
    expect(await readFile(junitNamedByDone(results, resultsMount.mountPath), 'utf8')).toMatch(/<testcase [^>]*name="[^"]+"/);

    // The check is not blind: the same results with `done` naming a wrong path, a file written after
    // it, a second .xml, or no `done` at all each break it.
    const broken = async (what: string, breakIt: (dir: string) => Promise<void>) => {
      const dir = join(work, `sonobuoy-${what}`);
      await cp(results, dir, { recursive: true, preserveTimestamps: true });
      await breakIt(dir);
      return doneFileProblems(dir, resultsMount.mountPath).join('; ');
    };
    expect(await broken('wrong-path', (dir) => writeFile(join(dir, 'done'), '/tmp/sonobuoy/results/conformal-missing'))).toContain('does not exist');
    expect(await broken('outside', async (dir) => writeFile(join(dir, 'done'), '/results/conformal'))).toContain('not a path inside');
    expect(await broken('late-file', async (dir) => {
      const late = new Date(statSync(join(dir, 'done')).mtimeMs + 5_000);
      await writeFile(join(dir, 'conformal', 'late.txt'), 'late\n');
      await utimes(join(dir, 'conformal', 'late.txt'), late, late);
    })).toContain('written after done: conformal/late.txt');
    expect(await broken('two-xml', async (dir) => {
      await mkdir(join(dir, 'conformal', 'extra'), { recursive: true });
      await writeFile(join(dir, 'conformal', 'extra', 'other.xml'), '<testsuites/>');
    })).toContain('holds 2 .xml files');
    expect(await broken('no-done', async (dir) => rm(join(dir, 'done')))).toBe('no done file');
  }, 600_000);

  teardownCheck(cluster, ['kubelet --config', 'kube-apiserver', 'containerd --config']);
});
