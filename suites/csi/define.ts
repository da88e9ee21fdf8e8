// Shared pieces of the CSI suite: the typed test constructor, spec references, and the toolkit.
import { defineTest, type SpecReference, type TestDefinition } from '../../src/core/test.js';
import type { CsiEnv } from '../../src/interfaces/csi/env.js';

export { csi } from '../../src/interfaces/csi/kit.js';
export type { CsiKit } from '../../src/interfaces/csi/kit.js';

export type CsiTest = TestDefinition<CsiEnv>;

export const SPEC_URL = 'https://github.com/container-storage-interface/spec/blob/v1.12.0/spec.md';

export function csiTest(definition: CsiTest): CsiTest {
  return defineTest<CsiEnv>(definition);
}

/** A spec reference: the section (usually the RPC) and the rule in a few words. */
export function spec(section: string, rule: string): SpecReference {
  return { section, rule, url: `${SPEC_URL}#${section.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` };
}

/** Capabilities most controller tests need. */
export const CREATE_DELETE = ['plugin.CONTROLLER_SERVICE', 'controller.CREATE_DELETE_VOLUME'] as const;
export const SNAPSHOTS = [...CREATE_DELETE, 'controller.CREATE_DELETE_SNAPSHOT'] as const;

/** A volume id / node id no driver has: names the test so a failure is traceable. */
export const MISSING_ID = 'conformal-does-not-exist-0f3a9c';

import { csi as kitFor, type CsiKit as Kit, type GrpcCodeName } from '../../src/interfaces/csi/kit.js';
import type { Profile } from '../../src/core/test.js';

export interface ErrorCase<S> {
  readonly id: string;
  readonly title: string;
  /** The RPC under test: spec section and first operation. */
  readonly rpc: string;
  readonly rule: string;
  /** The case in a few words for the failure message: "without name" → "CreateVolume without name: expected …". */
  readonly what: string;
  readonly code: GrpcCodeName | readonly GrpcCodeName[];
  readonly requires?: readonly string[];
  readonly profile?: Profile;
  readonly tags?: readonly string[];
  /** Other RPCs the setup uses, for coverage. */
  readonly uses?: readonly string[];
  /** Prepares what the failing call needs; its own failures fail the test as errors, never as the expected code. */
  readonly setup?: (k: Kit) => Promise<S>;
  readonly call: (k: Kit, state: S) => Promise<unknown>;
}

/** Every error-case test by id: the RPC it calls and the codes it accepts (conformal's own tests prove each can fail). */
export const ERROR_CASES = new Map<string, { readonly rpc: string; readonly codes: readonly GrpcCodeName[] }>();

/** A test whose point is one error code the spec requires for one documented case. */
export function errorCase<S = undefined>(c: ErrorCase<S>): CsiTest {
  ERROR_CASES.set(c.id, { rpc: c.rpc, codes: typeof c.code === 'string' ? [c.code] : c.code });
  return csiTest({
    id: c.id,
    title: c.title,
    spec: spec(c.rpc, `${c.rule} → ${typeof c.code === 'string' ? c.code : c.code.join(' or ')}`),
    profile: c.profile ?? 'core',
    ...(c.requires ? { requires: c.requires } : {}),
    ...(c.tags ? { tags: c.tags } : {}),
    operations: [c.rpc, ...(c.uses ?? [])],
    async run(ctx) {
      const k = kitFor(ctx);
      const state = c.setup ? await c.setup(k) : (undefined as S);
      await k.expectGrpcError(c.call(k, state), c.code, `${c.rpc} ${c.what}`);
    },
  });
}
