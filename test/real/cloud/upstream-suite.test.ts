// The cloud suite against upstream's own controllers: the cloud-controller-manager of
// k8s.io/cloud-provider v0.37.2 with its fake cloud (test/go-peers/cmd/ccm), on a real
// kube-apiserver and on conformal's in-memory API server. Every test's result must be the one
// docs/cloud/upstream-ccm.md gives, with its reason; the two servers must agree.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunLog } from '../../../src/core/log.js';
import type { RunResult } from '../../../src/core/results.js';
import { executeRun } from '../../../src/core/run.js';
import { runSettingsSchema } from '../../../src/core/settings.js';
import { cloudPlugin } from '../../../src/interfaces/cloud/plugin.js';
import { requireTool } from '../../support/real-tools.js';
import { startUpstreamCluster, type UpstreamCluster } from '../../support/upstream-cloud.js';
import { ONE_NODE_CLUSTER_EXPECTED, UPSTREAM_EXPECTED } from './upstream-expected.js';

const ccm = requireTool('CONFORMAL_CCM_PEER');
const apiserver = requireTool('CONFORMAL_KUBE_APISERVER');
const etcd = requireTool('CONFORMAL_ETCD');

/** client-go's EventSourceObjectSpamFilter burst (tools/record/events_cache.go, defaultSpamBurst). */
const RECORDER_BURST = 25;

/** Normal events the CCM recorded per Service, from the structured "Event occurred" lines it logs before the spam filter. */
function normalEventsPerService(log: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of log.split('\n')) {
    if (!line.includes('"Event occurred"') || !line.includes(' kind="Service" ') || !line.includes(' type="Normal" ')) continue;
    const object = / object="([^"]+)"/.exec(line)?.[1];
    if (object) counts.set(object, (counts.get(object) ?? 0) + 1);
  }
  return counts;
}

async function runSuite(cluster: UpstreamCluster): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'conformal-upstream-ccm-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, cluster.kubeconfig);
  const settings = runSettingsSchema.parse({ parallel: 8, timeout: '45s' });
  const { result } = await executeRun({
    plugin: cloudPlugin,
    settings,
    options: cloudPlugin.optionsSchema.parse({ kubeconfig, cloudControl: cluster.cloudControlUrl }),
    command: ['conformal', 'run', 'cloud'],
    log: new RunLog('quiet', () => {}),
    interrupt: new AbortController().signal,
  });
  return result;
}

for (const server of ['kube-apiserver', 'in-memory'] as const) {
  describe.skipIf(!ccm || !apiserver || !etcd)(`cloud suite against upstream's CCM on ${server}`, { timeout: 600_000 }, () => {
    let cluster: UpstreamCluster;
    let run: RunResult;
    beforeAll(async () => {
      cluster = await startUpstreamCluster({ ccm: ccm!, ...(server === 'kube-apiserver' ? { apiserver: apiserver!, etcd: etcd! } : {}) });
      run = await runSuite(cluster);
      if (process.env.CONFORMAL_UPSTREAM_DUMP) await writeFile(`${process.env.CONFORMAL_UPSTREAM_DUMP}-${server}.json`, JSON.stringify(run.results.map((r) => [r.id, r.status, r.reason ?? "", JSON.stringify(r.attempts.at(-1) ?? {}).slice(0, 3000)])));
      if (process.env.CONFORMAL_UPSTREAM_DUMP) await writeFile(`${process.env.CONFORMAL_UPSTREAM_DUMP}-${server}.ccm.log`, cluster.ccmLogs());
    }, 600_000);
    afterAll(async () => cluster?.close());

    it('gives every test the result docs/cloud/upstream-ccm.md states', () => {
      const got = Object.fromEntries(run.results.map((r) => [r.id, r.status]));
      const expected = Object.fromEntries(Object.entries(UPSTREAM_EXPECTED).map(([id, row]) => [id, row.status]));
      // A row that differs says why, so a rare failure can be diagnosed from CI's log alone.
      const why = run.results.filter((r) => expected[r.id] !== r.status).map((r) => `${r.id}: ${r.status} — ${r.reason ?? ''}`).join('\n');
      expect(got, why).toEqual(expected);
    });

    it('fails each expected failure for its stated reason', () => {
      for (const [id, row] of Object.entries(UPSTREAM_EXPECTED)) {
        if (row.status !== 'failed' || !row.because) continue;
        const result = run.results.find((r) => r.id === id)!;
        expect(result.reason ?? '', id).toMatch(row.because);
      }
    });

    it("never makes the CCM record more events about one Service than client-go's recorder sends", () => {
      // Past 25 Normal events per object (one more per 5 min) the recorder drops them silently, and a
      // test waiting for one times out: node-changing tests beside Service tests did that.
      const crowded = [...normalEventsPerService(cluster.ccmLogs())].filter(([, n]) => n > RECORDER_BURST);
      expect(crowded).toEqual([]);
    });

    it('leaves nothing behind', () => {
      expect(run.leaks).toEqual([]);
    });
  });
}

describe('docs/cloud/upstream-ccm.md', () => {
  it('states, test by test, the results the comparison asserts', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../../docs/cloud/upstream-ccm.md', import.meta.url), 'utf8');
    const rows = Object.fromEntries([...text.matchAll(/^\| `(cloud\.[^`]+)` \| (\w+) \| (\w+) \| (\w+) \|$/gm)].map((m) => [m[1], [m[2], m[3], m[4]]]));
    const expected = Object.fromEntries(Object.entries(UPSTREAM_EXPECTED).map(([id, row]) => [id, [row.status, row.status, ONE_NODE_CLUSTER_EXPECTED[id]!.status]]));
    expect(rows).toEqual(expected);
  });
});
