import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each file gets its own process, so one file's logger and metrics settings never reach another's.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Request logs are noise in test output; the canary test turns them back on to search them.
    env: { AWS_EC2_METADATA_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
    projects: [
      { extends: true, test: { name: 'hub', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/browser/**'] } },
      {
        extends: true,
        test: {
          // The console in a real browser: one headless Chromium for all its files, launched by the global
          // setup only when a browser test runs, and after the other tests, so they do not share the CPU.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 90_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
