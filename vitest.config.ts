import { defineConfig } from 'vitest/config';

// EVOLVE_TEST_SCOPE=smoke runs only test/smoke: the quick-start test runs the README's `npm test` in a fresh clone
// that way, so the suite never runs itself recursively.
const smoke = process.env.EVOLVE_TEST_SCOPE === 'smoke';

export default defineConfig({
  test: {
    include: smoke ? ['test/smoke/**/*.test.ts'] : ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The framework fixtures' own tests are run by their frameworks, in copies (test/frameworks).
    exclude: ['**/node_modules/**', 'test/fixtures/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most suites wait on child processes (jails, git, the stand-in), not the CPU: four workers on two cores ran the
    // whole suite in 230 s instead of 400 s here, with no test slower than its own timeout.
    maxWorkers: 4,
    setupFiles: ['test/setup/ink-outside-ci.ts'],
  },
});
