// conformal's Cluster API suite run for real (`conformal run capi --kubeconfig`) against upstream's
// core manager, CAPD's inMemory backend (DevCluster/DevMachine) as the infrastructure provider, the
// kubeadm bootstrap provider (KubeadmConfig) and the kubeadm control plane provider
// (KubeadmControlPlane), on a real kube-apiserver and on conformal's in-memory API server. Every test's status on each server is pinned in
// docs/capi/upstream.md's table and asserted here row by row; the table's reason column says why
// each non-pass is what it is. A difference between the two servers is a bug of the in-memory one.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealApiServer } from '../../../bench/kube-real-apiserver.js';
import { packagePath } from '../../../src/core/paths.js';
import type { RunResult } from '../../../src/core/results.js';
import { startKubeServer } from '../../../src/kube/index.js';
import { capiTests } from '../../../suites/capi/index.js';
import { capiPeerTools, startCapiPeer, type CapiPeer } from '../../support/capi-peer.js';
import { conformal } from '../../support/cli.js';
import { repeatedCiRun } from '../../support/real-tools.js';
import { suiteTable, upstreamRunArgs } from './upstream-run.js';

const tools = capiPeerTools({ kubeadm: true });

const STATUSES = ['passed', 'failed', 'skipped'];
type ServerKey = 'inMemory' | 'real';

const table = () => suiteTable(readFileSync(packagePath('docs', 'capi', 'upstream.md'), 'utf8'));

interface Server {
  readonly name: string;
  readonly key: ServerKey;
  start(): Promise<{ url: string; token: string; caCert: string; close(): Promise<void> }>;
}

const servers: Server[] = [
  { name: 'in-memory API server', key: 'inMemory', start: () => startKubeServer() },
  { name: 'real kube-apiserver', key: 'real', start: () => startRealApiServer(tools!.apiserver, tools!.etcd) },
];

// CI's second run (Node 24) leaves both halves out, to keep a cold CI within its time: under that
// Node the suite runs on the in-memory server in test/suites/capi, and the same managers run against
// the in-memory server in test/real/capi/smoke.test.ts; what this file adds is about five minutes per
// server of the suite driving the managers' Go code, which does not change with the Node version.
for (const server of servers) {
  describe.skipIf(!tools || repeatedCiRun)(`conformal run capi against upstream Cluster API on the ${server.name}`, () => {
    let endpoint: Awaited<ReturnType<Server['start']>> | undefined;
    let peer: CapiPeer | undefined;
    let run: RunResult | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'conformal-capi-upstream-'));
    beforeAll(async () => {
      endpoint = await server.start();
      peer = await startCapiPeer({ ...tools!.peer, endpoint });
      const reportDir = join(dir, 'report');
      const cli = await conformal(upstreamRunArgs(dir, peer.kubeconfigPath, reportDir), { timeoutMs: 1_200_000 });
      if (process.env.CONFORMAL_CAPI_LOGS) writeFileSync(`${process.env.CONFORMAL_CAPI_LOGS}-${server.key}.log`, `exit ${cli.code}\n${cli.stdout}\n${cli.stderr}\n${peer.logs()}`);
      const resultsFile = join(reportDir, 'artifacts', 'results.json');
      if (!existsSync(resultsFile)) throw new Error(`conformal run capi wrote no results (exit ${cli.code}):\n${cli.stdout.slice(-3000)}\n${cli.stderr.slice(-3000)}`);
      run = JSON.parse(readFileSync(resultsFile, 'utf8')) as RunResult;
    }, 1_500_000);
    afterAll(async () => {
      await peer?.close();
      await endpoint?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('ends every test as docs/capi/upstream.md says', () => {
      const expected = Object.fromEntries([...table()].map(([id, row]) => [id, row[server.key]]));
      const got = Object.fromEntries(run!.results.map((t) => [t.id, t.status]));
      // A row that differs says why, so a rare failure can be diagnosed from CI's log alone.
      const why = run!.results.filter((t) => expected[t.id] !== t.status).map((t) => `${t.id}: ${t.status} — ${t.reason ?? ''}`).join('\n');
      expect(got, why).toEqual(expected);
    });

    it("provisions through CAPD without its nil-annotations panic, the template's annotation kept", () => {
      // With no annotation on the DevCluster, CAPD v1.14.2 panics here (docs/capi/upstream.md).
      expect(peer!.logs()).not.toMatch(/"Observed a panic"/);
    });

    it("lets core's conversion webhook convert every Machine the suite makes", () => {
      // A reference to a kind with no CRD fails the conversion ("failed to get CustomResourceDefinition
      // metadata"): Machine lists and watches at the other version fail, the Machine's deletion waits forever.
      const failed = peer!.logs().split('\n').filter((line) => line.includes('"failed to convert"'));
      expect(failed.length, `${failed.length} failed conversions, the first: ${failed[0]?.slice(0, 600)}`).toBe(0);
    });

    it('leaves nothing behind', () => {
      expect(run!.leaks).toEqual([]);
    });
  });
}

describe("docs/capi/upstream.md's suite table", () => {
  it('has one row per test of the suite, in catalog order, with a status per server and a reason for every non-pass', () => {
    const rows = table();
    expect([...rows.keys()]).toEqual(capiTests.map((t) => t.id));
    for (const [id, row] of rows) {
      expect(STATUSES, `${id} in-memory`).toContain(row.inMemory);
      expect(STATUSES, `${id} kube-apiserver`).toContain(row.real);
      expect(STATUSES, `${id} one-node cluster`).toContain(row.cluster);
      if (row.inMemory !== 'passed' || row.real !== 'passed' || row.cluster !== 'passed') expect(row.reason, id).not.toBe('');
    }
  });
});
