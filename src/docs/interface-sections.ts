// Sections of docs/coverage/<interface>.md that only one interface has, added after the header of
// the tables every interface gets (one coverage page per interface).
import type { TestDefinition } from '../core/test.js';
import { csiRpcSection } from '../interfaces/csi/coverage.js';

export const interfaceSections: Readonly<Record<string, (tests: readonly TestDefinition<any>[]) => string[]>> = {
  csi: csiRpcSection,
};
