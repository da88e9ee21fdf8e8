// The deploy/ files are checked against what they claim: the Job's targets file and the Sonobuoy
// plugin's argv are run through the real CLI (against an absent driver, so they must get as far as
// "target unreachable", never a usage error), and the Containerfile copies paths that exist.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../../src/core/paths.js';
import { runConformal } from '../support/run-cli.js';

const read = (path: string) => readFile(packagePath(path), 'utf8');

describe('deploy/kubernetes Job', () => {
  it('runs nightly.mjs once, never retries, and its targets file is valid for the script', async () => {
    const [configMap, job] = parseAllDocuments(await read('deploy/kubernetes/csi-conformance-job.yaml')).map((d) => d.toJS());
    expect([configMap.kind, job.kind]).toEqual(['ConfigMap', 'Job']);
    expect(job.spec.backoffLimit).toBe(0);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const container = pod.containers[0];
    expect(container.command).toEqual(['node', '/opt/conformal/scripts/nightly.mjs']);
    expect(existsSync(packagePath('scripts', 'nightly.mjs'))).toBe(true);
    const configMount = container.volumeMounts.find((m: { name: string }) => m.name === 'targets').mountPath;
    expect(container.args.slice(0, 2)).toEqual(['--targets', `${configMount}/nightly.yaml`]);
    expect(pod.volumes.find((v: { name: string }) => v.name === 'targets').configMap.name).toBe(configMap.metadata.name);

    const dir = await mkdtemp(join(tmpdir(), 'deploy-job-'));
    await writeFile(join(dir, 'nightly.yaml'), configMap.data['nightly.yaml']);
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [packagePath('scripts', 'nightly.mjs'), '--targets', join(dir, 'nightly.yaml'), '--work', join(dir, 'work')], { timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      ),
    );
    expect(result.stderr).not.toMatch(/unknown option|--targets/);
    expect(result.code).toBe(3); // no driver socket here: unreachable, after parsing every flag
    expect(result.stdout).toContain('csi-example-nightly: csi exited 3');
  }, 150_000);
});

describe('deploy/sonobuoy plugin', () => {
  it('is a junit Job plugin whose argv runs sonobuoy-run and writes done into the mounted results dir', async () => {
    const plugin = parse(await read('deploy/sonobuoy/conformal-csi.yaml'));
    expect(plugin['sonobuoy-config']).toMatchObject({ driver: 'Job', 'result-format': 'junit', 'plugin-name': 'conformal-csi' });
    expect(plugin['sonobuoy-config']['result-type']).toBeUndefined(); // Sonobuoy reads only result-format
    expect(plugin.spec.command).toEqual(['node', '/opt/conformal/bin/conformal.js']);
    expect(plugin.spec.volumeMounts).toContainEqual({ mountPath: '/tmp/sonobuoy/results', name: 'results' });
    const results = await mkdtemp(join(tmpdir(), 'deploy-sonobuoy-'));
    const cli = await runConformal(plugin.spec.args, { env: { ...process.env, SONOBUOY_RESULTS_DIR: results }, timeoutMs: 120_000 });
    expect(cli.stderr).not.toMatch(/unknown option/);
    expect(cli.code).toBe(3);
    expect(await readFile(join(results, 'done'), 'utf8')).toBe(join(results, 'conformal'));
  }, 150_000);
});

describe('deploy/Containerfile', () => {
  // Its base image comes from Docker Hub, which CI cannot reach: test/package/image.test.ts builds
  // and runs the same layout with scripts/build-image.mjs. This keeps the two the same.
  it('installs the tarball `npm pack` names, at the paths and with the entrypoint of the image CI builds', async () => {
    const text = await read('deploy/Containerfile');
    const builder = await read('scripts/build-image.mjs');
    const { name, version } = JSON.parse(await read('package.json')) as { name: string; version: string };
    expect(text).toContain(`ARG TARBALL=${name}-${version}.tgz`);
    expect(text).toMatch(/^COPY \$\{TARBALL\} \.\/$/m);
    expect(text).toContain('ln -s /usr/local/lib/conformal/node_modules/conformal /opt/conformal');
    expect(builder).toContain("const PREFIX = '/usr/local/lib/conformal';");
    const entrypoint = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(text)![1]!);
    expect(builder).toContain(`entrypoint: ${JSON.stringify(entrypoint).replaceAll('"', "'").replaceAll(',', ', ')},`);
    expect(/^WORKDIR (.+)$/gm.exec(text.slice(text.lastIndexOf('WORKDIR')))![1]).toBe('/results');
    expect(builder).toContain("workingDir: '/results',");
  });
});

describe('docs/ci examples', () => {
  it('parse as YAML and use only subcommands the CLI has', async () => {
    const { cliInProcess } = await import('../support/cli-in-process.js');
    const help = (await cliInProcess('--help')).stdout;
    const workflow = await read('docs/ci/github-actions.yml');
    const prow = parse(await read('docs/ci/prow-periodic.yaml'));
    expect(parse(workflow).jobs.shard.strategy.matrix.shard).toEqual([1, 2]);
    const used = [...workflow.matchAll(/"\$CONFORMAL" ([a-z-]+)/g)].map((m) => m[1]!);
    expect(new Set(used)).toEqual(new Set(['run', 'merge', 'upload']));
    const test = prow.periodics[0].spec.containers.find((c: { name: string }) => c.name === 'test');
    used.push(test.args[0]);
    for (const command of used) expect(help).toMatch(new RegExp(`^\\s+${command} `, 'm'));
    expect(test.args.slice(-2)).toEqual(['--report-dir', '$(ARTIFACTS)']);
  });
});
