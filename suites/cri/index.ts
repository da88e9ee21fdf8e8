// The CRI suite: every test of suites/cri, in a stable order.
import type { TestDefinition } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { containerTests } from './container.js';
import { eventTests } from './events.js';
import { execTests } from './exec.js';
import { idempotenceTests } from './idempotence.js';
import { imageTests } from './images.js';
import { logTests } from './logs.js';
import { mountTests } from './mounts.js';
import { namespaceTests } from './namespaces.js';
import { optionalTests } from './optional.js';
import { runtimeInfoTests } from './runtime-info.js';
import { sandboxTests } from './sandbox.js';
import { securityTests } from './security.js';
import { statsTests } from './stats.js';
import { userNamespaceTests } from './user-namespaces.js';

export const criTests: readonly TestDefinition<CriEnv>[] = [
  ...runtimeInfoTests,
  ...sandboxTests,
  ...containerTests,
  ...execTests,
  ...logTests,
  ...imageTests,
  ...statsTests,
  ...securityTests,
  ...namespaceTests,
  ...userNamespaceTests,
  ...mountTests,
  ...idempotenceTests,
  ...eventTests,
  ...optionalTests,
];
