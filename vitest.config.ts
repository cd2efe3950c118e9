import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // DynamoDB Local and the SES endpoint are started once for the whole run and stopped after it.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores in CI: the e2e and infra files are heavy; keep parallelism modest.
    maxWorkers: 2,
  },
});
