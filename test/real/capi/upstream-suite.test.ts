// conformal's Cluster API suite run for real (`conformal run capi --kubeconfig`) against upstream's
// core manager and CAPD's inMemory backend (DevCluster/DevMachine), on a real kube-apiserver and on
// conformal's in-memory API server. Every test's status is pinned in docs/capi/upstream.md's table
// and asserted here row by row; the table's explanations say why each non-pass is what it is.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealApiServer } from '../../../bench/kube-real-apiserver.js';
import { packagePath } from '../../../src/core/paths.js';
import { startKubeServer } from '../../../src/kube/index.js';
import { startCapiPeer, type CapiPeer } from '../../support/capi-peer.js';
import { conformal } from '../../support/cli.js';
import { repeatedCiRun, requireTool } from '../../support/real-tools.js';

const core = requireTool('CONFORMAL_CAPI_CORE');
const docker = requireTool('CONFORMAL_CAPI_DOCKER');
const configDirs = process.env.CONFORMAL_CAPI_CONFIG;
const config = configDirs && configDirs.split(':').every((d) => existsSync(d)) ? configDirs : requireTool('CONFORMAL_CAPI_CONFIG');
const apiserverPath = requireTool('CONFORMAL_KUBE_APISERVER');
const etcdPath = requireTool('CONFORMAL_ETCD');

type Status = 'passed' | 'failed' | 'skipped';

/** docs/capi/upstream.md's suite table: test id → status on the real server and on the in-memory one. */
export function expectedStatuses(markdown: string): Map<string, { real: Status; inMemory: Status }> {
  const table = markdown.slice(markdown.indexOf('<!-- suite-table -->'));
  const rows = new Map<string, { real: Status; inMemory: Status }>();
  for (const line of table.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const id = /^`(capi\.[^`]+)`$/.exec(cells[1] ?? '')?.[1];
    if (id) rows.set(id, { real: cells[2] as Status, inMemory: cells[3] as Status });
  }
  return rows;
}

interface Server {
  name: string;
  key: 'real' | 'inMemory';
  goOnly: boolean;
  start(): Promise<{ url: string; token: string; caCert: string; close(): Promise<void> }>;
}

const servers: Server[] = [
  { name: 'real kube-apiserver', key: 'real', goOnly: true, start: () => startRealApiServer(apiserverPath!, etcdPath!) },
  { name: 'in-memory API server', key: 'inMemory', goOnly: false, start: () => startKubeServer() },
];

const CLUSTER_TEMPLATE = 'backend:\n  inMemory: {}\n';
const MACHINE_TEMPLATE = ['backend:', '  inMemory:', ...['vm', 'node', 'apiServer', 'etcd'].flatMap((step) => [`    ${step}:`, '      provisioning:', "        startupDuration: '1s'"])].join('\n') + '\n';

for (const server of servers) {
  describe.skipIf(!core || !docker || !config || !apiserverPath || !etcdPath || (server.goOnly && repeatedCiRun))(`conformal run capi against upstream Cluster API on the ${server.name}`, () => {
    let endpoint: Awaited<ReturnType<Server['start']>>;
    let peer: CapiPeer | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'conformal-capi-upstream-'));
    beforeAll(async () => {
      endpoint = await server.start();
      peer = await startCapiPeer({ coreBinary: core!, dockerBinary: docker!, config: config!, endpoint });
    }, 180_000);
    afterAll(async () => {
      await peer?.close();
      await endpoint?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('every test ends as docs/capi/upstream.md says', async () => {
      writeFileSync(join(dir, 'cluster.yaml'), CLUSTER_TEMPLATE);
      writeFileSync(join(dir, 'machine.yaml'), MACHINE_TEMPLATE);
      const reportDir = join(dir, 'report');
      const run = await conformal(
        ['run', 'capi', '--kubeconfig', peer!.kubeconfigPath, '--infrastructure', 'DevCluster/DevMachine', '--cluster-template', join(dir, 'cluster.yaml'), '--machine-template', join(dir, 'machine.yaml'), '--report-dir', reportDir],
        { timeoutMs: 600_000 },
      );
      writeFileSync(`/tmp/capi-up/${server.key}.out`, `${run.code}\n${run.stdout}\n${run.stderr}`);
      const results = JSON.parse(readFileSync(join(reportDir, "artifacts", "results.json"), 'utf8')) as { tests: Array<{ id: string; status: Status; reason?: string }> };
      const seen = results.tests.map((t) => ({ id: t.id, status: t.status, why: (t.reason ?? '').slice(0, 300) }));
      
      const expected = expectedStatuses(readFileSync(packagePath('docs', 'capi', 'upstream.md'), 'utf8'));
      const got = Object.fromEntries(seen.map((t) => [t.id, t.status]));
      const want = Object.fromEntries([...expected].map(([id, s]) => [id, s[server.key]]));
      expect(got, `${JSON.stringify(seen, null, 1)}\n${peer!.logs().slice(-4000)}`).toEqual(want);
    }, 660_000);
  });
}
