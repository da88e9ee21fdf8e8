// The CNI conformance suite (spec 1.1.0): every test, in catalog order.
import type { TestDefinition } from '../../src/core/test.js';
import type { CniEnv } from '../../src/interfaces/cni/env.js';
import { addTests } from './add.js';
import { checkTests } from './check.js';
import { configTests } from './config.js';
import { delTests } from './del.js';
import { environmentTests } from './environment.js';
import { resultTests } from './results.js';
import { statusGcTests } from './status-gc.js';
import { versionTests } from './version.js';

export const cniTests: readonly TestDefinition<CniEnv>[] = [
  ...versionTests,
  ...environmentTests,
  ...configTests,
  ...resultTests,
  ...addTests,
  ...delTests,
  ...checkTests,
  ...statusGcTests,
];
