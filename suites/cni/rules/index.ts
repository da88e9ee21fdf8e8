// The CNI rule ledger: every MUST / SHOULD / REQUIRED sentence of SPEC.md (spec version 1.1.0,
// as published with github.com/containernetworking/cni v1.3.0), in the order of its sections,
// each with the suite tests that check it or the reason none can. Quotes keep the spec's words;
// its in-page links are reduced to their text.
import type { RuleLedger } from '../../../src/core/rules.js';
import { configRules } from './section1-config.js';
import { protocolRules } from './section2-protocol.js';
import { executionRules } from './section3-execution.js';
import { delegationRules } from './section4-delegation.js';
import { resultRules } from './section5-results.js';

export const cniRuleLedger: RuleLedger = {
  source: 'CNI SPEC.md, spec version 1.1.0 (containernetworking/cni v1.3.0)',
  url: 'https://github.com/containernetworking/cni/blob/v1.3.0/SPEC.md',
  rules: [...configRules, ...protocolRules, ...executionRules, ...delegationRules, ...resultRules],
};
