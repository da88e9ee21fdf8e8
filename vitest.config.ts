import { defineConfig } from 'vitest/config';

// CI sets CONFORMAL_TEST_JSON so it can count results itself (it does not read vitest's console summary).
const json = process.env.CONFORMAL_TEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});
