import { defineConfig } from 'vitest/config';

// CI sets CONFORMAL_TEST_JSON so it can count results itself (it does not read vitest's console summary).
const json = process.env.CONFORMAL_TEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // One temp dir per test run, removed at its end (test/support/global-tmpdir.ts).
    globalSetup: ['test/support/global-tmpdir.ts'],
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});
