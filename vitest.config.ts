import { defineConfig } from 'vitest/config';

// EVOLVE_TEST_SCOPE=smoke runs only test/smoke: the quick-start test runs the README's `npm test` in a fresh clone
// that way, so the suite never runs itself recursively.
const smoke = process.env.EVOLVE_TEST_SCOPE === 'smoke';

export default defineConfig({
  test: {
    include: smoke ? ['test/smoke/**/*.test.ts'] : ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/setup/ink-outside-ci.ts'],
  },
});
