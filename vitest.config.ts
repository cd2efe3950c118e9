import { defineConfig } from 'vitest/config';

/** The real local parts (DynamoDB Local, which needs Java, and the SES endpoint), started once per run and stopped after. */
const realParts = ['test/support/global-setup.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores in CI: the e2e and infra files are heavy; keep parallelism modest.
    maxWorkers: 2,
    projects: [
      // Pure logic and use cases on the in-memory fakes (shared/adapters/memory): no Java, no emulator, no process.
      // `npx vitest run --project unit` runs them alone on a machine without Java.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // Ports against the real local parts, the template, the local runtime as a user drives it.
      { extends: true, test: { name: 'real', include: ['test/**/*.test.ts'], exclude: ['test/unit/**'], globalSetup: realParts } },
    ],
  },
});
