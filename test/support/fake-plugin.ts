// A tiny interface plugin for testing the core: an in-memory "object store" target whose tests
// exercise capability skips, the ledger, deadlines, retries and not-supported skips.
import { z } from 'zod';
import { defineTest, type TestDefinition } from '../../src/core/test.js';
import { TargetUnreachableError } from '../../src/core/errors.js';
import type { InterfacePlugin } from '../../src/core/plugin.js';

export interface FakeEnv {
  readonly store: Map<string, string>;
  readonly created: string[];
  create(name: string): void;
}

export function fakeEnv(): FakeEnv {
  const store = new Map<string, string>();
  const created: string[] = [];
  return { store, created, create: (name) => { store.set(name, 'x'); created.push(name); } };
}

export function fakeTest(overrides: Partial<TestDefinition<FakeEnv>> & Pick<TestDefinition<FakeEnv>, 'id'>): TestDefinition<FakeEnv> {
  return defineTest<FakeEnv>({
    title: `fake ${overrides.id}`,
    spec: { section: 'Fake', rule: 'a rule' },
    profile: 'core',
    run: async () => {},
    ...overrides,
  });
}

export function fakePlugin(tests: TestDefinition<FakeEnv>[], options: { capabilities?: string[]; unreachable?: boolean; env?: FakeEnv; warnings?: string[] } = {}): InterfacePlugin<FakeEnv, { endpoint?: string }> {
  const env = options.env ?? fakeEnv();
  return {
    name: 'fake',
    title: 'Fake interface',
    specVersion: '0.0.1',
    sig: 'sig-testing',
    optionsSchema: z.object({ endpoint: z.string().optional() }).strict(),
    flags: [{ flags: '--endpoint <address>', description: 'target', key: 'endpoint' }],
    capabilityCatalog: [],
    profiles: [{ name: 'store', description: 'every fake target', claimedBy: [] }],
    loadTests: async () => tests,
    open: async () => {
      if (options.unreachable) throw new TargetUnreachableError('unix:///nowhere', 'cannot connect to unix:///nowhere');
      return {
        env,
        capabilities: new Set(options.capabilities ?? []),
        implementation: { name: 'fake-target', version: '1.0' },
        warnings: options.warnings ?? [],
        leakCheck: async () => [...env.store.keys()],
        close: async () => {},
      };
    },
  };
}
