import { configDefaults, defineConfig } from 'vitest/config';

/*
 * Files that assert on latency or wall time (health probes during work, loop delay, slow
 * clients, shutdown deadlines): they run last and one at a time, so a neighbouring file's CPU
 * never makes their bounds flaky. Everything else runs two files at once, one per core.
 */
const TIMING = [
  'test/analysis/responsiveness.test.ts',
  'test/ask/llm.test.ts',
  'test/monitoring/system-history.test.ts',
  'test/security/anonymous-flood.test.ts',
  'test/security/login-storm.test.ts',
  'test/security/slow-clients.test.ts',
  'test/security/wide-uploads.test.ts',
  'test/server/shutdown.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    // Native modules (better-sqlite3, DuckDB) are safest in forked processes.
    pool: 'forks',
    // Each file builds its own instances, data dirs and schemas, so files share a process: the
    // modules load (and route schemas compile) once per worker instead of once per file.
    isolate: false,
    // A hang guard, not a speed check: files that spawn `pca` a dozen times per test need room on a busy machine.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['verbose'] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...TIMING],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'timing', include: TIMING, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
