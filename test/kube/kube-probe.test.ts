// A real Go client against the in-memory server: kube-probe (test/go-peers/cmd/kube-probe) uses
// client-go with its default settings (typed clients send protobuf, accept protobuf or JSON) and
// its metadata client. Its wire samples prove the protobuf decoder complete for every built-in
// kind; its scripted run must observe the same on this server as on kube-apiserver.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealApiServer, type RealApiServer } from '../../bench/kube-real-apiserver.js';
import { startKubeServer, type KubeServer } from '../../src/kube/index.js';
import { kubeconfigYaml } from '../../src/kube/kubeconfig.js';
import { decodeProtobufObject } from '../../src/kube/protobuf.js';
import { goShape, wireMessageOf } from '../../src/kube/wire.js';
import { requireTool } from '../support/real-tools.js';

const run = promisify(execFile);
const probePath = requireTool('CONFORMAL_KUBE_PROBE');
const apiserverPath = requireTool('CONFORMAL_KUBE_APISERVER');
const etcdPath = requireTool('CONFORMAL_ETCD');

type Obj = Record<string, unknown>;

interface WireSample {
  apiVersion: string;
  kind: string;
  variant: string;
  protobuf: string;
  json: Obj;
}

async function probe(args: string[]): Promise<unknown> {
  const { stdout } = await run(probePath!, args, { maxBuffer: 64 * 1024 * 1024, timeout: 180_000 });
  return JSON.parse(stdout);
}

describe.skipIf(!probePath)('client-go protobuf bodies (kube-probe wire)', () => {
  it('decodes every built-in kind, filled and empty, into the JSON Go writes for it', async () => {
    const samples = (await probe(['wire'])) as WireSample[];
    expect(samples.length).toBeGreaterThanOrEqual(36);
    const differences: string[] = [];
    for (const sample of samples) {
      const message = wireMessageOf(sample.apiVersion, sample.kind);
      if (!message) {
        differences.push(`${sample.apiVersion} ${sample.kind}: not in the table`);
        continue;
      }
      // The probe's k8s.io/api is the release the table was generated from: Go's JSON as it is.
      const decoded = goShape(decodeProtobufObject(Buffer.from(sample.protobuf, 'base64'), 'application/vnd.kubernetes.protobuf'), message).object;
      const expected = sample.json;
      if (JSON.stringify(sortKeys(decoded)) !== JSON.stringify(sortKeys(expected))) {
        differences.push(`${sample.apiVersion} ${sample.kind} (${sample.variant}):\n  ours ${JSON.stringify(sortKeys(decoded))}\n  go   ${JSON.stringify(sortKeys(expected))}`);
      }
    }
    expect(differences).toEqual([]);
  }, 60_000);
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Obj).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
}

interface Observation {
  step: string;
  code?: number;
  reason?: string;
  error?: string;
  fields?: Obj;
}

async function runScript(kubeconfig: string, dir: string, name: string): Promise<Observation[]> {
  const file = join(dir, `${name}.kubeconfig`);
  await writeFile(file, kubeconfig);
  return (await probe(['script', '--kubeconfig', file, '--namespace', 'kube-probe'])) as Observation[];
}

describe.skipIf(!probePath)('client-go against the in-memory server (kube-probe script)', () => {
  let ours: KubeServer;
  let dir: string;
  beforeAll(async () => {
    [ours, dir] = await Promise.all([startKubeServer(), mkdtemp(join(tmpdir(), 'conformal-kube-probe-'))]);
  });
  afterAll(async () => {
    await ours?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('decodes every answer: no step fails in the client', async () => {
    const observations = await runScript(ours.kubeconfig, dir, 'ours');
    expect(observations.length).toBeGreaterThan(30);
    expect(observations.filter((o) => o.error)).toEqual([]);
  }, 180_000);
});

describe.skipIf(!probePath || !apiserverPath || !etcdPath)('client-go: in-memory server vs real kube-apiserver (kube-probe script)', () => {
  let ours: KubeServer;
  let real: RealApiServer;
  let dir: string;
  beforeAll(async () => {
    [ours, real, dir] = await Promise.all([startKubeServer(), startRealApiServer(apiserverPath!, etcdPath!), mkdtemp(join(tmpdir(), 'conformal-kube-probe-'))]);
  }, 120_000);
  afterAll(async () => {
    await ours?.close();
    await real?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('observes the same at every step', async () => {
    const [a, b] = await Promise.all([runScript(ours.kubeconfig, dir, 'ours'), runScript(kubeconfigYaml(real.url, real.token, real.caCert), dir, 'real')]);
    expect(b.filter((o) => o.error), 'the probe itself must hold on the real server').toEqual([]);
    expect(a.map((o) => o.step)).toEqual(b.map((o) => o.step));
    const differences = a.flatMap((o, i) => (JSON.stringify(sortKeys(o)) === JSON.stringify(sortKeys(b[i])) ? [] : [`ours ${JSON.stringify(sortKeys(o))}\nreal ${JSON.stringify(sortKeys(b[i]))}`]));
    expect(differences).toEqual([]);
  }, 240_000);
});
