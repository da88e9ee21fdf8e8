// Builds RunResults for reporter tests by really running fake tests through the core.
import { RunLog } from '../../src/core/log.js';
import { executeRun } from '../../src/core/run.js';
import { runSettingsSchema } from '../../src/core/settings.js';
import type { RunResult } from '../../src/core/results.js';
import type { TestDefinition } from '../../src/core/test.js';
import { fakePlugin, fakeTest, type FakeEnv } from './fake-plugin.js';

export const HOSTILE = '<script>alert(1)</script> "quoted" & \x1b[31mred\x1b[0m \x00\x07\x1b bell';

export function sampleTests(): TestDefinition<FakeEnv>[] {
  let flakyCalls = 0;
  return [
    fakeTest({ id: 's.pass', title: 'passes', run: async (ctx) => ctx.measure('volumes_created', 3) }),
    fakeTest({ id: 's.fail', title: 'fails with a long and hostile message', run: async () => { throw new Error(`expected NOT_FOUND ${'x'.repeat(200)} ${HOSTILE}`); } }),
    fakeTest({ id: 's.skip', title: 'needs a missing capability', requires: ['cap.absent'], tags: ['Feature:Absent'], profile: 'extended' }),
    fakeTest({ id: 's.filtered', title: 'is filtered out' }),
    fakeTest({ id: 's.flaky', title: 'fails once then passes', run: async () => { if (++flakyCalls === 1) throw new Error('transient'); } }),
  ];
}

export async function sampleRun(tests: TestDefinition<FakeEnv>[] = sampleTests(), overrides: { unreachable?: boolean } = {}): Promise<RunResult> {
  const settings = runSettingsSchema.parse({ skip: ['filtered'], retries: 1 });
  const { result } = await executeRun({
    plugin: fakePlugin(tests, overrides),
    settings,
    options: {},
    command: ['run', 'fake'],
    log: new RunLog('quiet', () => {}),
    interrupt: new AbortController().signal,
  });
  return result;
}
