import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// A feature's index.ts loads the whole feature (ES modules have no tree-shaking): the store, DuckDB,
// HTTP schemas. Worker threads, and the `pca` command before it picks a subcommand, start from these
// entries and reach other features through pure.ts.
const ENTRIES = ['src/commands/workers/analysis-worker.ts', 'src/reports/deck-worker.ts', 'src/cli/main.ts'];
const HEAVY = /^(kysely|pg|better-sqlite3|typebox|fastify|@fastify\/.*|exceljs|@duckdb\/.*)$/;
const STATEMENT = /^(import|export)(\s+type)?\s+[^;]*?\bfrom\s+'([^']+)';/gm;
const DYNAMIC = /\bimport\('([^']+)'\)/g;

/** The files a worker evaluates: static imports that are not type-only, from the entry (and `import()`s too, when asked). */
function loadedBy(entry: string, dynamic = false): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    const statics = [...text.matchAll(STATEMENT)].filter(([, , typeOnly]) => !typeOnly).map((match) => match[3]);
    const dynamics = dynamic ? [...text.matchAll(DYNAMIC)].map((match) => match[1]) : [];
    for (const specifier of [...statics, ...dynamics]) {
      if (specifier === undefined) continue;
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
      expect([...files].filter((file) => file.startsWith('src/store/') || file.endsWith('engine/duckdb.ts'))).toEqual(
        [],
      );
      expect([...packages].filter(([name]) => HEAVY.test(name))).toEqual([]);
    });
  }
});

// `pca analyze` needs DuckDB and the file readers, and a deck or workbook renderer for those formats, never the store: through
// analysis/index.ts its start took 2–4 s instead of under one. Its `import()`s of the deck and workbook paths count too.
describe('pca analyze loads what it computes with', () => {
  it('src/cli/analyze-run.ts (with its import()s) reaches no index.ts, store or heavy library other than DuckDB and exceljs', () => {
    const { files, packages } = loadedBy('src/cli/analyze-run.ts', true);
    expect(files).toContain('src/analysis/analyze-files.ts');
    expect(files).toContain('src/commands/analyze-offline.ts');
    expect(files).toContain('src/reports/xlsx-report.ts');
    expect([...files].filter((file) => file.endsWith('/index.ts') && !file.includes('/rules/'))).toEqual([]);
    expect([...files].filter((file) => file.startsWith('src/store/'))).toEqual([]);
    expect([...packages].filter(([name]) => HEAVY.test(name) && !/^(exceljs|@duckdb\/.*)$/.test(name))).toEqual([]);
  });
});
