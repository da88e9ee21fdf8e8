// The same scenario scripts against the in-memory server and, when CI built one, a real
// kube-apiserver with etcd on loopback: status codes, reasons and chosen fields must agree.
// Scenarios that need controllers (garbage collection, namespace deletion) run against a second
// real server with kube-controller-manager beside it. Remaining differences are listed in
// docs/kube/differences.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealApiServer, type RealApiServer } from '../../bench/kube-real-apiserver.js';
import { startKubeServer, type KubeServer } from '../../src/kube/index.js';
import { requireTool } from '../support/real-tools.js';
import { scenarios } from './scenarios/index.js';
import type { Scenario } from './scenarios/scenario.js';
import { compareRecords, runScenario } from './support/run-scenario.js';

const apiserverPath = requireTool('CONFORMAL_KUBE_APISERVER');
const etcdPath = requireTool('CONFORMAL_ETCD');
const controllerManagerPath = requireTool('CONFORMAL_KUBE_CONTROLLER_MANAGER');

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

function compareWith(title: string, selected: Scenario[], startReal: () => Promise<RealApiServer>, skip: boolean): void {
  describe.skipIf(skip)(title, () => {
    let ours: KubeServer;
    let real: RealApiServer;
    beforeAll(async () => {
      [ours, real] = await Promise.all([startKubeServer(), startReal()]);
    }, 120_000);
    afterAll(async () => {
      await ours?.close();
      await real?.close();
    });

    for (const scenario of selected) {
      it(`${scenario.name}: same codes, reasons and fields`, async () => {
        const [a, b] = await Promise.all([runScenario(ours, scenario), runScenario(real, scenario)]);
        expect(b.wrongCodes, 'the scenario itself must hold on the real server').toEqual([]);
        expect(a.observations.length).toBeGreaterThan(0);
        if (process.env.CONFORMAL_KUBE_DIFF_DUMP) console.log(JSON.stringify({ ours: a.observations, real: b.observations }, null, 1));
        expect(compareRecords(a.observations, b.observations)).toEqual([]);
      }, 240_000);
    }
  });
}

const comparable = scenarios.filter((s) => !s.inMemoryOnly);
compareWith(
  'kube scenarios: in-memory server vs real kube-apiserver',
  comparable.filter((s) => !s.controllers),
  () => startRealApiServer(apiserverPath!, etcdPath!),
  !apiserverPath || !etcdPath,
);
compareWith(
  'kube scenarios with controllers: in-memory server vs kube-apiserver and kube-controller-manager',
  comparable.filter((s) => s.controllers),
  () => startRealApiServer(apiserverPath!, etcdPath!, { controllerManager: controllerManagerPath! }),
  !apiserverPath || !etcdPath || !controllerManagerPath,
);
