// Builders for the rows of the CRI rule ledger: a sentence of api.proto with the tests that check
// it, or the reason none does.
import type { RuleLevel, SpecRule } from '../../../src/core/rules.js';

export function tested(id: string, section: string, level: RuleLevel, text: string, tests: readonly string[]): SpecRule {
  return { id: `cri.${id}`, section, level, text, tests };
}

export function untested(id: string, section: string, level: RuleLevel, text: string, untestedBecause: string): SpecRule {
  return { id: `cri.${id}`, section, level, text, untestedBecause };
}

// Reasons shared by several rules, worded once.
export const BINDS_KUBELET = 'it binds the caller (the kubelet), whose part conformal plays; conformal sends only requests that follow it';
export const WINDOWS_ONLY = 'Windows only: the suite targets Linux runtimes';
export const NOT_OBSERVABLE_ANNOTATIONS = 'no finite set of annotations can show that a runtime ignores all of them';
export const STREAM_EXACTLY_ONCE = 'Each item must appear in exactly one response and must not be duplicated across responses in the same stream.';
export const STREAM_EOF = 'The server must close the stream with EOF after all items have been sent.';
export const ANNOTATIONS_IDENTICAL = 'Annotations MUST NOT be altered by the runtime; the value of this field MUST be identical to that of the corresponding';
