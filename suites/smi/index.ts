// The SMI suite: every test of suites/smi, in catalog order.
import { accessTests } from './access.js';
import { crdTests } from './crds.js';
import type { SmiTest } from './define.js';
import { metricsTests } from './metrics.js';
import { specsTests } from './specs.js';
import { splitTests } from './split.js';

export const smiTests: readonly SmiTest[] = [...crdTests, ...accessTests, ...specsTests, ...splitTests, ...metricsTests];
