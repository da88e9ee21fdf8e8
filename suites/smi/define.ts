// Shared pieces of the SMI suite: the typed test constructor, spec references, requirements.
import { defineTest, type SpecReference, type TestContext, type TestDefinition } from '../../src/core/test.js';
import type { SmiEnv } from '../../src/interfaces/smi/env.js';
import { SmiFeature } from '../../src/interfaces/smi/features.js';

export type SmiTest = TestDefinition<SmiEnv>;
export type SmiContext = TestContext<SmiEnv>;

/** smi-spec at its archival (v0.6.0 is the latest release; the documents did not change after it). */
export const SMI_SPEC_URL = 'https://github.com/servicemeshinterface/smi-spec/blob/cc4babd';

export const SPEC_DOCS = {
  access: 'apis/traffic-access/v1alpha3/traffic-access.md',
  specs: 'apis/traffic-specs/v1alpha4/traffic-specs.md',
  split: 'apis/traffic-split/v1alpha4/traffic-split.md',
  metrics: 'apis/traffic-metrics/v1alpha1/traffic-metrics.md',
} as const;

export function smiTest(definition: SmiTest): SmiTest {
  return defineTest<SmiEnv>(definition);
}

/** A spec reference: the document, the section and the rule in a few words. */
export function spec(doc: keyof typeof SPEC_DOCS, section: string, rule: string): SpecReference {
  return { section, rule, url: `${SMI_SPEC_URL}/${SPEC_DOCS[doc]}` };
}

export const ACCESS = [SmiFeature.access, SmiFeature.specs] as const;
export const SPLIT = [...ACCESS, SmiFeature.split] as const;
export const METRICS = [...ACCESS, SmiFeature.metrics] as const;
