// The CRI rule ledger: every normative sentence of the comments of cri-api's runtime/v1 api.proto.
import type { RuleLedger } from '../../../src/core/rules.js';
import { containerMessageRules } from './container-messages.js';
import { sandboxMessageRules } from './sandbox-messages.js';
import { serviceRules } from './services.js';

export const criRuleLedger: RuleLedger = {
  source: 'k8s.io/cri-api v0.37.2 pkg/apis/runtime/v1/api.proto',
  url: 'https://github.com/kubernetes/cri-api/blob/v0.37.2/pkg/apis/runtime/v1/api.proto',
  rules: [...serviceRules, ...sandboxMessageRules, ...containerMessageRules],
};
