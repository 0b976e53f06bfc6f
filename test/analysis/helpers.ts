import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { analyzeFiles, type AnalyzeFilesRequest } from '../../src/analysis/analyze-files.js';
import { openDuckEngine, type DuckEngine } from '../../src/analysis/engine/duckdb.js';
import type { AnalysisReport, ReportRow } from '../../src/analysis/report/report.js';
import { DIMENSIONS, MEASURES } from '../../src/analysis/schema.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/exports');

export interface AnalysisHarness {
  readonly duck: DuckEngine;
  readonly dir: string;
  /** Writes a file into the harness's temp dir and returns its path. */
  write(name: string, content: string | Buffer): Promise<string>;
  analyze(files: string[], options?: Omit<AnalyzeFilesRequest, 'files' | 'tmpDir'>): Promise<AnalysisReport>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly threads?: number;
  readonly memoryLimit?: string;
}

export async function analysisHarness({
  threads = 1,
  memoryLimit = '256MB',
}: HarnessOptions = {}): Promise<AnalysisHarness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pca-analysis-'));
  const duck = await openDuckEngine({ threads, memoryLimit }, path.join(dir, 'duckdb'), {
    allowedDirectories: [dir, FIXTURES],
  });
  return {
    duck,
    dir,
    write: async (name, content) => {
      const file = path.join(dir, name);
      await writeFile(file, content);
      return file;
    },
    analyze: (files, options = {}) =>
      analyzeFiles(duck, { ...options, files, tmpDir: dir }, new Date('2026-11-26T00:00:00Z')),
    close: async () => {
      duck.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A harness for the enclosing describe block: opened before its tests, closed and its temp dir removed after.
 * Read `duck` and `dir` inside tests, not while the block is declared.
 */
export function harnessForSuite(options: HarnessOptions = {}): Omit<AnalysisHarness, 'close'> {
  let harness: AnalysisHarness | undefined;
  beforeAll(async () => {
    harness = await analysisHarness(options);
  });
  afterAll(() => harness?.close());
  const opened = (): AnalysisHarness => {
    if (!harness) throw new Error('the suite harness is read before its beforeAll ran');
    return harness;
  };
  return {
    get duck() {
      return opened().duck;
    },
    get dir() {
      return opened().dir;
    },
    write: (name, content) => opened().write(name, content),
    analyze: (files, analyzeOptions) => opened().analyze(files, analyzeOptions),
  };
}

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** The single-currency totals of a report (fails the test when money is mixed). */
export function flatTotals(report: AnalysisReport): ReportRow {
  if (report.totals.length !== 1) throw new Error(`expected one currency's totals, got ${report.totals.length}`);
  return report.totals[0]!;
}

/** The fields the unified-schema test sources give, in the order of their VALUES rows. */
export const GIVEN_FIELDS = [
  'date',
  'platform',
  'campaign',
  'device',
  'currency',
  'impressions',
  'reach',
  'spend',
  'revenue',
];

/** A unified-schema source over VALUES rows of `GIVEN_FIELDS`; every other field is a typed NULL column. */
export function unifiedValuesSource(values: readonly string[]): string {
  const isMeasure = (field: string) => (MEASURES as readonly string[]).includes(field);
  const columns = [...DIMENSIONS, ...MEASURES].map((field) =>
    GIVEN_FIELDS.includes(field)
      ? `CAST("${field}" AS ${field === 'date' ? 'DATE' : isMeasure(field) ? 'DOUBLE' : 'VARCHAR'}) AS "${field}"`
      : `CAST(NULL AS ${isMeasure(field) ? 'DOUBLE' : 'VARCHAR'}) AS "${field}"`,
  );
  return `(SELECT ${columns.join(', ')} FROM (VALUES ${values.join(', ')}) AS v(${GIVEN_FIELDS.map((field) => `"${field}"`).join(', ')}))`;
}
