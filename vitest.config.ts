import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file gets its own process, so one file's logger and metrics settings never reach another's.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Request logs are noise in test output; the canary test turns them back on to search them.
    env: { AWS_EC2_METADATA_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
  },
});
