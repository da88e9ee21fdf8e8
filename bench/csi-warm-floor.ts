// The least CPU a Node client can spend on conformal's CSI suite: the whole suite run again and
// again in one process against an external driver, so that from some round on every function is
// compiled and optimised. Spawned by bench/csi.ts (`node dist/bench/csi-warm-floor.js ENDPOINT
// ROUNDS`); prints one JSON line: the process's CPU before the first round, and each round's CPU,
// wall time and test count.
import { RunLog } from '../src/core/log.js';
import { executeRun } from '../src/core/run.js';
import { runSettingsSchema } from '../src/core/settings.js';
import { csiOptionsSchema } from '../src/interfaces/csi/options.js';
import { csiPlugin } from '../src/interfaces/csi/plugin.js';

const [endpoint, roundsText = '10'] = process.argv.slice(2);
if (!endpoint) throw new Error('usage: csi-warm-floor ENDPOINT [ROUNDS]');
const settings = runSettingsSchema.parse({ quiet: true });
const options = csiOptionsSchema.parse({ endpoint });
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
const startupCpuMs = cpuMs(process.cpuUsage());
const rounds: { cpuMs: number; wallMs: number; tests: number }[] = [];
for (let round = 0; round < Number(roundsText); round++) {
  const before = process.cpuUsage();
  const started = performance.now();
  const { result } = await executeRun({ plugin: csiPlugin, settings, options, command: [], log: new RunLog('quiet'), interrupt: new AbortController().signal });
  if (result.summary.failed > 0 || result.summary.passed === 0) throw new Error(`round ${round}: ${result.summary.passed} passed, ${result.summary.failed} failed`);
  rounds.push({ cpuMs: cpuMs(process.cpuUsage(before)), wallMs: performance.now() - started, tests: result.summary.passed + result.summary.failed });
}
process.stdout.write(`${JSON.stringify({ startupCpuMs, rounds })}\n`);
