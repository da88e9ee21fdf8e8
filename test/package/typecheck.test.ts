// The compiler's view of the whole tree: the build type-checks src/, suites/, reporters/ and bench/
// only, so the tests and their helpers are checked here (tsconfig.test.json). Wrong argument counts
// and missing types in a test file are otherwise invisible, because vitest strips types unchecked.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../src/core/paths.js';
import { repeatedCiRun } from '../support/real-tools.js';

const run = promisify(execFile);

// The second CI run (Node 24) type-checks the same files with the same compiler: once is enough.
describe.skipIf(repeatedCiRun)('type-checking', () => {
  it('src, suites, reporters, bench and test have no type errors', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', packagePath('tsconfig.test.json')], { cwd: packagePath() }).then(
      (r) => ({ code: 0, output: r.stdout }),
      (e: { code?: number; stdout?: string }) => ({ code: e.code ?? -1, output: e.stdout ?? String(e) }),
    );
    expect(result.output.split('\n').filter((l) => l.includes('error TS'))).toEqual([]);
    expect(result.code).toBe(0);
  }, 240_000);
});
