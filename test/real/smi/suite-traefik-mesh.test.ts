// The smi suite against a real SMI implementation: Traefik Mesh v1.4.8 in ACL mode with its Traefik
// v2 proxy, on conformal's in-memory API server and on a real kube-apiserver. The suite runs as a
// user runs it against a cluster (--kubeconfig, --mesh traefik-mesh, --traffic-endpoint); what a
// cluster would add is played by test/support: the suite's pods run as loopback servers with
// Endpoints written for their Services (loopback-kubelet.ts), and its traffic is sent from each
// client pod's own address to the proxy entry point of the Service's shadow Service
// (traefik-mesh-traffic.ts). Every test's result must be the one docs/smi/traefik-mesh.md gives.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawKubeClient } from '../../../bench/kube-client.js';
import { RunLog } from '../../../src/core/log.js';
import type { RunResult } from '../../../src/core/results.js';
import { executeRun } from '../../../src/core/run.js';
import { runSettingsSchema } from '../../../src/core/settings.js';
import { smiPlugin } from '../../../src/interfaces/smi/plugin.js';
import { kubeconfigYaml } from '../../../src/kube/kubeconfig.js';
import { startLoopbackKubelet, type LoopbackKubelet } from '../../support/loopback-kubelet.js';
import { onBothApiServers, startTraefikMesh, traefikMeshTools, type ApiServerUnderTest, type TraefikMesh } from '../../support/traefik-mesh.js';
import { startTraefikMeshTrafficEndpoint } from '../../support/traefik-mesh-traffic.js';
import { TRAEFIK_MESH_EXPECTED } from './traefik-mesh-expected.js';

const tools = traefikMeshTools();

const MESH_NAMESPACE = 'traefik-mesh';

function describeSuiteOn(serverName: string, start: () => Promise<ApiServerUnderTest>): void {
  describe(`smi suite against Traefik Mesh on ${serverName}`, { timeout: 900_000 }, () => {
    let server: ApiServerUnderTest | undefined;
    let kube: RawKubeClient | undefined;
    let mesh: TraefikMesh | undefined;
    let kubelet: LoopbackKubelet | undefined;
    let traffic: { url: string; close(): Promise<void> } | undefined;
    let run: RunResult;

    beforeAll(async () => {
      server = await start();
      kube = new RawKubeClient(server.endpoint, 16);
      mesh = await startTraefikMesh({ ...tools!, endpoint: server.endpoint, acl: true, namespace: MESH_NAMESPACE });
      kubelet = await startLoopbackKubelet(kube, (ns) => ns !== MESH_NAMESPACE && !ns.startsWith('kube-') && ns !== 'default');
      traffic = await startTraefikMeshTrafficEndpoint(kube, mesh, kubelet);
      const dir = await mkdtemp(join(tmpdir(), 'conformal-smi-traefik-'));
      const kubeconfig = join(dir, 'kubeconfig');
      await writeFile(kubeconfig, kubeconfigYaml(server.endpoint.url, server.endpoint.token, server.endpoint.caCert), { mode: 0o600 });
      const { result } = await executeRun({
        plugin: smiPlugin,
        settings: runSettingsSchema.parse({ parallel: 4 }),
        options: smiPlugin.optionsSchema.parse({ kubeconfig, mesh: 'traefik-mesh', trafficEndpoint: traffic.url }),
        command: ['conformal', 'run', 'smi'],
        log: new RunLog('quiet', () => {}),
        interrupt: new AbortController().signal,
      });
      run = result;
      if (process.env.CONFORMAL_UPSTREAM_DUMP) await writeFile(`${process.env.CONFORMAL_UPSTREAM_DUMP}-${serverName.replace(/\W+/g, '-')}.json`, JSON.stringify({ results: run.results.map((r) => [r.id, r.status, r.reason ?? '']), problems: kubelet.problems, logs: mesh.logs().slice(-20000) }, null, 1));
    }, 900_000);
    afterAll(async () => {
      await traffic?.close();
      await kubelet?.close();
      await mesh?.close();
      kube?.close();
      await server?.close();
    });

    it('gives every test the result docs/smi/traefik-mesh.md states', () => {
      const got = Object.fromEntries(run.results.map((r) => [r.id, r.status]));
      const expected = Object.fromEntries(Object.entries(TRAEFIK_MESH_EXPECTED).map(([id, row]) => [id, row.status]));
      // A row that differs says why, so a rare failure can be diagnosed from CI's log alone.
      const why = run.results.filter((r) => expected[r.id] !== r.status).map((r) => `${r.id}: ${r.status} — ${r.reason ?? ''}`).join('\n');
      expect(got, `${why}\n${kubelet!.problems.join('\n')}`).toEqual(expected);
    });

    it('fails or skips each test for its stated reason', () => {
      for (const [id, row] of Object.entries(TRAEFIK_MESH_EXPECTED)) {
        if (row.status === 'passed' || !row.because) continue;
        const result = run.results.find((r) => r.id === id)!;
        expect(result.reason ?? '', id).toMatch(row.because);
      }
    });

    it('runs every pod the suite created and writes every Endpoints without a problem', () => {
      expect(kubelet!.problems).toEqual([]);
    });

    it('leaves nothing behind', () => {
      expect(run.leaks).toEqual([]);
    });
  });
}

onBothApiServers('smi suite against Traefik Mesh', tools !== undefined, describeSuiteOn);

describe('docs/smi/traefik-mesh.md', () => {
  it('states, test by test, the results the comparison asserts', async () => {
    const text = await readFile(new URL('../../../docs/smi/traefik-mesh.md', import.meta.url), 'utf8');
    const rows = Object.fromEntries([...text.matchAll(/^\| `(smi\.[^`]+)` \| (\w+) \| (\w+) \|/gm)].map((m) => [m[1], [m[2], m[3]]]));
    const expected = Object.fromEntries(Object.entries(TRAEFIK_MESH_EXPECTED).map(([id, row]) => [id, [row.status, row.status]]));
    expect(rows).toEqual(expected);
  });
});
