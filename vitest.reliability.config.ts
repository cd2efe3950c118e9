import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: the full-size reliability scenarios (test/reliability, RELIABILITY=full), one file at a
 * time so each scenario has the machine to itself and its figures mean something. `npm test` runs the short sizes.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    env: { RELIABILITY: 'full' },
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
