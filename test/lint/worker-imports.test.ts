import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// A feature's index.ts loads the whole feature (ES modules have no tree-shaking): the store, DuckDB,
// HTTP schemas. Worker threads, and the `pca` command before it picks a subcommand, start from these
// entries and reach other features through pure.ts.
const ENTRIES = ['src/commands/workers/analysis-worker.ts', 'src/reports/deck-worker.ts', 'src/cli/main.ts'];
const HEAVY = /^(kysely|pg|better-sqlite3|typebox|fastify|@fastify\/.*|exceljs|@duckdb\/.*)$/;
const STATEMENT = /^(import|export)(\s+type)?\s+[^;]*?\bfrom\s+'([^']+)';/gm;

/** The files a worker evaluates: static imports that are not type-only, from the entry. */
function loadedBy(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, , typeOnly, specifier] of readFileSync(file, 'utf8').matchAll(STATEMENT)) {
      if (typeOnly || specifier === undefined) continue;
      if (!specifier.startsWith('.')) packages.set(specifier, file);
      else if (!specifier.endsWith('.json')) visit(path.join(path.dirname(file), specifier).replace(/\.js$/, '.ts'));
    }
  };
  visit(entry);
  return { files, packages };
}

describe('worker threads and the CLI load no more than they compute with', () => {
  for (const entry of ENTRIES) {
    it(`${entry} reaches no index.ts, store, DuckDB binding or HTTP library`, () => {
      const { files, packages } = loadedBy(entry);
      expect(files.size).toBeGreaterThan(2);
      expect([...files].filter((file) => file.endsWith('/index.ts') && !file.includes('/rules/'))).toEqual([]);
      expect([...files].filter((file) => file.startsWith('src/store/') || file.endsWith('engine/duckdb.ts'))).toEqual([]);
      expect([...packages].filter(([name]) => HEAVY.test(name))).toEqual([]);
    });
  }
});
