// The CSI rule ledger: every MUST / SHALL / SHOULD / REQUIRED sentence of spec.md v1.12.0 (its prose,
// the field comments of its protobuf blocks, which csi.proto repeats word for word, and the rows of
// its error tables), with the tests that check it or the reason none can. One file per spec area.
import type { RuleLedger } from '../../../src/core/rules.js';
import { controllerRules } from './controller.js';
import { generalRules } from './general.js';
import { groupRules } from './group.js';
import { identityRules } from './identity.js';
import { metadataRules } from './metadata.js';
import { nodeRules } from './node.js';
import { snapshotRules } from './snapshots.js';

export const csiLedger: RuleLedger = {
  source: 'CSI spec.md v1.12.0 (prose, protobuf field comments as repeated in csi.proto, and error-table rows)',
  url: 'https://github.com/container-storage-interface/spec/blob/v1.12.0/spec.md',
  rules: [...generalRules, ...identityRules, ...controllerRules, ...snapshotRules, ...nodeRules, ...groupRules, ...metadataRules],
};
