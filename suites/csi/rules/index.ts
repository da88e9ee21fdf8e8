// The CSI rule ledger: every MUST / SHALL / SHOULD / REQUIRED sentence of spec.md v1.12.0 (its prose,
// the field comments of its protobuf blocks, which csi.proto repeats word for word, and the rows of
// its error tables), with the tests that check it or the reason none can. One file per spec area.
import type { RuleLedger } from '../../../src/core/rules.js';
import { generalRules } from './general.js';
import { groupRules } from './group.js';
import { identityRules } from './identity.js';
import { metadataRules } from './metadata.js';
import { nodeRules } from './node.js';
import { snapshotRules } from './snapshots.js';

export const csiLedger: RuleLedger = {
  source: 'CSI spec.md v1.12.0, sections covered so far: the general sections (Objective to RPC Interface, Error Scheme, Secrets Requirements, Protocol, Configuration and Operation) Identity Service RPC, the snapshot RPCs of the Controller Service (CreateSnapshot, DeleteSnapshot, ListSnapshots, GetSnapshot), Node Service RPC, Group Controller Service RPCs and Snapshot Metadata Service RPCs',
  url: 'https://github.com/container-storage-interface/spec/blob/v1.12.0/spec.md',
  rules: [...generalRules, ...identityRules, ...snapshotRules, ...nodeRules, ...groupRules, ...metadataRules],
};
