import { defineConfig } from 'vitest/config';

/**
 * One suite for everything under test/ and beside the code. Tests that need Postgres or Redis
 * get their URLs from the global set-up (test/support/global-setup.ts), which finds or starts
 * the services once and fails loudly when it cannot.
 */
export default defineConfig({
  test: {
    include: ['{bin,core,functions,db,prompts,inngest,runner,deploy,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'site/**', 'data/**'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
