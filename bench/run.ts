// `npm run bench`: every benchmark, printing absolute figures and ratios against the goals set in
// the issues. Benchmarks are never timed assertions; they report.
import { benchCore } from './core.js';
import { benchCsi } from './csi.js';
import { benchKube } from './kube.js';
import { benchCri } from './cri.js';
import { benchCni } from './cni.js';
import { benchCloud } from './cloud.js';
import { benchCapi } from './capi.js';
import { benchSmi } from './smi.js';

type Bench = { name: string; run: () => Promise<void> };

const benches: Bench[] = [
  { name: 'core', run: benchCore },
  { name: 'csi', run: benchCsi },
  // ---- further benchmarks are listed below this line ----
  { name: 'kube', run: benchKube },
  { name: 'cri', run: benchCri },
  { name: 'cni', run: benchCni },
  { name: 'cloud', run: benchCloud },
  { name: 'capi', run: benchCapi },
  { name: 'smi', run: benchSmi },
];

const only = process.argv.slice(2);
for (const bench of benches) {
  if (only.length > 0 && !only.includes(bench.name)) continue;
  try {
    await bench.run();
  } catch (error) {
    process.stdout.write(`  ${bench.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
