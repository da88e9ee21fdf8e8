// The same scenario scripts against the in-memory server and, when CI built one, a real
// kube-apiserver with etcd on loopback: status codes, reasons and chosen fields must agree.
// Remaining differences are listed in docs/kube/differences.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealApiServer, type RealApiServer } from '../../bench/kube-real-apiserver.js';
import { startKubeServer, type KubeServer } from '../../src/kube/index.js';
import { requireTool } from '../support/real-tools.js';
import { scenarios } from './scenarios/index.js';
import { compareRecords, runScenario } from './support/run-scenario.js';

const apiserverPath = requireTool('CONFORMAL_KUBE_APISERVER');
const etcdPath = requireTool('CONFORMAL_ETCD');

describe('kube scenarios on the in-memory server', () => {
  let ours: KubeServer;
  beforeAll(async () => {
    ours = await startKubeServer();
  });
  afterAll(async () => ours?.close());

  for (const scenario of scenarios) {
    it(`${scenario.name}: every step answers the code the scenario requires`, async () => {
      const record = await runScenario(ours, scenario);
      expect(record.wrongCodes).toEqual([]);
    });
  }
});

describe.skipIf(!apiserverPath || !etcdPath)('kube scenarios: in-memory server vs real kube-apiserver', () => {
  let ours: KubeServer;
  let real: RealApiServer;
  beforeAll(async () => {
    [ours, real] = await Promise.all([startKubeServer(), startRealApiServer(apiserverPath!, etcdPath!)]);
  }, 120_000);
  afterAll(async () => {
    await ours?.close();
    await real?.close();
  });

  // The real side runs without controllers (see scenarios/gc.ts); inMemoryOnly scenarios say why.
  for (const scenario of scenarios.filter((s) => !s.controllers && !s.inMemoryOnly)) {
    it(`${scenario.name}: same codes, reasons and fields`, async () => {
      const [a, b] = await Promise.all([runScenario(ours, scenario), runScenario(real, scenario)]);
      expect(b.wrongCodes, 'the scenario itself must hold on the real server').toEqual([]);
      expect(a.observations.length).toBeGreaterThan(0);
      if (process.env.CONFORMAL_KUBE_DIFF_DUMP) console.log(JSON.stringify({ ours: a.observations, real: b.observations }, null, 1));
      expect(compareRecords(a.observations, b.observations)).toEqual([]);
    });
  }
});
