// End to end: `conformal kube serve --kubeconfig-out` (the real CLI) driven by a real kubectl.
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealApiServer, type RealApiServer } from '../../bench/kube-real-apiserver.js';
import { startKubeServer, type KubeServer } from '../../src/kube/index.js';
import { kubeconfigYaml } from '../../src/kube/kubeconfig.js';
import { spawnConformal } from '../support/cli.js';
import { requireTool } from '../support/real-tools.js';
import { pick } from './scenarios/scenario.js';

const kubectlPath = requireTool('CONFORMAL_KUBECTL');
const apiserverPath = requireTool('CONFORMAL_KUBE_APISERVER');
const etcdPath = requireTool('CONFORMAL_ETCD');
const fixtures = new URL('./fixtures/', import.meta.url);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(!kubectlPath)('kubectl against `conformal kube serve`', () => {
  let dir: string;
  let server: ChildProcess;
  let kubeconfig: string;

  const kubectl = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(kubectlPath!, args, { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 30_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
  const ok = async (...args: string[]): Promise<string> => {
    const run = await kubectl(...args);
    expect(run.code, `kubectl ${args.join(' ')}: ${run.stderr}`).toBe(0);
    return run.stdout;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conformal-kubectl-'));
    kubeconfig = join(dir, 'kubeconfig');
    server = spawnConformal(['kube', 'serve', '--kubeconfig-out', kubeconfig]);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`kube serve did not start: ${out}`)), 20_000);
      server.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Kubernetes API server at')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      server.once('exit', (code) => reject(new Error(`kube serve exited ${code}: ${out}`)));
    });
  }, 30_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes a kubeconfig with a CA and a token and answers nothing without it', async () => {
    const text = await readFile(kubeconfig, 'utf8');
    expect(text).toContain('certificate-authority-data');
    expect(text).toMatch(/token: \S{20,}/);
    const anonymous = await kubectl('--kubeconfig', kubeconfig, '--token', 'wrong', 'get', 'ns');
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/Unauthorized|provide credentials/);
  });

  it('lists the built-in namespaces and nodes', async () => {
    expect(await ok('get', 'ns', '-o', 'name')).toContain('namespace/kube-system');
    const nodes = await kubectl('get', 'nodes');
    expect(nodes.code).toBe(0);
    expect(nodes.stderr).toContain('No resources found');
  });

  it('applies a CRD, waits for it, serves its resources with printer columns, scale and explain', async () => {
    await ok('apply', '-f', new URL('crontab-crd.yaml', fixtures).pathname);
    await ok('wait', '--for', 'condition=established', 'crd/crontabs.stable.example.com', '--timeout=10s');
    await ok('apply', '-f', new URL('crontab.yaml', fixtures).pathname);
    const table = await ok('get', 'crontabs');
    expect(table).toMatch(/NAME\s+SPEC\s+REPLICAS\s+AGE/);
    expect(table).toMatch(/my-cron\s+\* \* \* \* \*\/5\s+1\s+/);
    await ok('scale', 'ct', 'my-cron', '--replicas=4');
    expect(await ok('get', 'ct', 'my-cron', '-o', 'jsonpath={.spec.replicas}')).toBe('4');
    const explain = await ok('explain', 'crontab.spec.replicas');
    expect(explain).toContain('<integer>');
  });

  it('reports schema violations with field paths and unknown fields under strict validation', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: bad\nspec:\n  cronSpec: "* * * * *"\n  replicas: 50\n');
    const invalid = await kubectl('apply', '-f', bad);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('spec.replicas: Invalid value: 50: spec.replicas in body should be less than or equal to 10');
    await writeFile(bad, 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: bad\nspec:\n  cronSpec: "* * * * *"\n  bogus: 1\n');
    const unknown = await kubectl('apply', '-f', bad);
    expect(unknown.stderr).toContain('unknown field "spec.bogus"');
  });

  it('patches, labels, sets images and server-side applies with conflicts', async () => {
    await ok('apply', '-f', new URL('deployment.yaml', fixtures).pathname);
    await ok('patch', 'deployment', 'web', '-p', '{"spec":{"replicas":2}}');
    await ok('patch', 'deployment', 'web', '--type', 'json', '-p', '[{"op":"add","path":"/metadata/labels","value":{"tier":"front"}}]');
    await ok('set', 'image', 'deployment/web', 'web=nginx:1.26');
    expect(await ok('get', 'deploy', '-l', 'tier=front', '-o', 'jsonpath={.items[0].spec.replicas} {.items[0].spec.template.spec.containers[0].image}')).toBe('2 nginx:1.26');
    const conflict = await kubectl('apply', '--server-side', '--field-manager', 'other', '-f', new URL('deployment.yaml', fixtures).pathname);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toMatch(/conflict with "kubectl-(client-side-apply|set)"/);
    await ok('apply', '--server-side', '--force-conflicts', '--field-manager', 'other', '-f', new URL('deployment.yaml', fixtures).pathname);
    expect(await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}')).toBe('nginx:1.25');
  });

  it('creates objects from the generator commands, which send protobuf', async () => {
    await ok('create', 'namespace', 'made');
    await ok('create', 'configmap', 'made', '-n', 'made', '--from-literal=k=v');
    await ok('create', 'deployment', 'made', '-n', 'made', '--image=nginx:1.25', '--replicas=2');
    expect(await ok('get', 'deploy', 'made', '-n', 'made', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}')).toBe('2 nginx:1.25');
    expect(await ok('get', 'cm', 'made', '-n', 'made', '-o', 'jsonpath={.data.k}')).toBe('v');
  });

  it('waits for deletion and cascades a namespace', async () => {
    const ns = join(dir, 'ns.yaml');
    await writeFile(ns, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: doomed\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inside\n  namespace: doomed\ndata:\n  a: b\n');
    await ok('apply', '-f', ns);
    await ok('delete', 'namespace', 'doomed', '--timeout=20s');
    const gone = await kubectl('get', 'configmap', 'inside', '-n', 'doomed');
    expect(gone.stderr).toContain('not found');
    const waiting = kubectl('wait', '--for=delete', 'crontab/my-cron', '--timeout=20s');
    await ok('delete', 'crontab', 'my-cron', '--wait=false');
    expect((await waiting).code).toBe(0);
  });
});

/** kubectl's generator commands send protobuf bodies; these are the objects they create. */
const GENERATORS: { args: string[]; get: string[]; fields: string[] }[] = [
  { args: ['create', 'namespace', 'gen-ns'], get: ['namespace', 'gen-ns'], fields: ['metadata.labels', 'spec', 'status'] },
  { args: ['create', 'configmap', 'gen-cm', '--from-literal=a=b', '--from-literal=c=d'], get: ['configmap', 'gen-cm'], fields: ['data', 'binaryData', 'immutable'] },
  { args: ['create', 'secret', 'generic', 'gen-secret', '--from-literal=pw=hunter2', '--type=example.com/kind'], get: ['secret', 'gen-secret'], fields: ['data', 'type'] },
  { args: ['create', 'serviceaccount', 'gen-sa'], get: ['serviceaccount', 'gen-sa'], fields: ['metadata.name', 'secrets'] },
  {
    args: ['create', 'deployment', 'gen-deploy', '--image=nginx:1.25', '--replicas=3', '--port=8080'],
    get: ['deployment', 'gen-deploy'],
    fields: ['metadata.labels', 'spec.replicas', 'spec.selector', 'spec.strategy', 'spec.revisionHistoryLimit', 'spec.progressDeadlineSeconds', 'spec.template.metadata.labels', 'spec.template.spec.containers', 'spec.template.spec.restartPolicy', 'spec.template.spec.dnsPolicy', 'spec.template.spec.terminationGracePeriodSeconds'],
  },
  { args: ['create', 'deployment', 'gen-zero', '--image=busybox:1.36', '--replicas=0'], get: ['deployment', 'gen-zero'], fields: ['spec.replicas'] },
  { args: ['create', 'service', 'clusterip', 'gen-svc', '--tcp=80:8080', '--tcp=443:https'], get: ['service', 'gen-svc'], fields: ['spec.ports', 'spec.selector', 'spec.type', 'spec.sessionAffinity', 'metadata.labels'] },
];

function run(kubeconfig: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(kubectlPath!, ['--kubeconfig', kubeconfig, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

async function generated(kubeconfig: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const g of GENERATORS) {
    const created = await run(kubeconfig, [...g.args, '-n', 'default']);
    expect(created.code, `kubectl ${g.args.join(' ')}: ${created.stderr}`).toBe(0);
    const got = await run(kubeconfig, ['get', ...g.get, '-n', 'default', '-o', 'json']);
    const obj = JSON.parse(got.stdout) as unknown;
    out.push(Object.fromEntries(g.fields.map((f) => [`${g.get[0]} ${f}`, pick(obj, f)])));
  }
  // `auth` sends protobuf review objects too.
  const whoami = await run(kubeconfig, ['auth', 'whoami', '-o', 'json']);
  const canI = await run(kubeconfig, ['auth', 'can-i', 'delete', 'deployments', '-n', 'default']);
  out.push({ whoami: pick(JSON.parse(whoami.stdout || 'null'), 'status'), canI: canI.stdout.trim() });
  return out;
}

describe.skipIf(!kubectlPath || !apiserverPath || !etcdPath)('kubectl generator commands (protobuf bodies): in-memory vs real kube-apiserver', () => {
  let dir: string;
  let ours: KubeServer;
  let real: RealApiServer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conformal-kubectl-gen-'));
    [ours, real] = await Promise.all([startKubeServer(), startRealApiServer(apiserverPath!, etcdPath!)]);
    await writeFile(join(dir, 'ours'), ours.kubeconfig);
    await writeFile(join(dir, 'real'), kubeconfigYaml(real.url, real.token, real.caCert));
  }, 120_000);
  afterAll(async () => {
    await ours?.close();
    await real?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('create the same objects on both servers', async () => {
    const [a, b] = await Promise.all([generated(join(dir, 'ours')), generated(join(dir, 'real'))]);
    expect(a.flatMap((o) => Object.values(o)).filter((v) => v !== undefined).length, 'most compared fields are set').toBeGreaterThan(20);
    expect(a).toEqual(b);
  });
});
