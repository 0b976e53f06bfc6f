import path from 'node:path';
import type { DuckEngine } from './engine/duckdb.js';
import {
  assertRates,
  groupingQuery,
  isScoped,
  mergeProfiles,
  profileSql,
  readGroups,
  readProfile,
  scopeWhere,
  type AnalysisOptions,
  type Profile,
} from './engine/analysis.js';
import { Params } from './engine/sql.js';
import { assertHasRows, openSource, readTypedOrText, type IngestSource, type IngestSummary } from './ingest/ingest.js';
import { allRowsSql, keptRowsSql, storedFields, unifiedRelationSql } from './ingest/load.js';
import type { IngestOptions } from './ingest/plan.js';
import { qualitySql, readQuality } from './ingest/quality.js';
import { buildReport, summariseDataset, type AnalysisReport } from './report/report.js';
import { DIMENSIONS, MEASURES } from './schema.js';

export interface AnalyzeFilesRequest extends IngestOptions, AnalysisOptions {
  readonly files: readonly string[];
  readonly tmpDir: string;
  readonly sheet?: string;
}

/** The fields the files store and their currencies where the plans already know them. */
function storedShape(sources: readonly IngestSource[]): { shape: Profile; currencies: (string | null)[] | 'unknown' } {
  const fields = new Set(sources.flatMap((source) => storedFields(source.plan)));
  const constants = [
    ...new Set(sources.map((source) => (source.plan.currency.kind === 'constant' ? source.plan.currency.code : null))),
  ];
  return {
    shape: {
      rows: 0,
      measures: MEASURES.filter((measure) => fields.has(measure)),
      dimensions: DIMENSIONS.filter((dimension) => fields.has(dimension)),
      currencies: constants,
      platforms: [],
      dateRange: { from: null, to: null },
    },
    currencies: sources.some((source) => source.plan.currency.kind === 'column') ? 'unknown' : constants,
  };
}

/**
 * One statement over the files: each is read once into a materialised CTE,
 * from which come its quality report (one row per file), the profile of the
 * scope when the analysis is scoped, and the grouped rows of the analysis of
 * all files together. A CTE costs far less to fill than a table (no row
 * groups, no statistics), and a one-shot analysis needs nothing to outlive it.
 */
function analysisSql(sources: readonly IngestSource[], typed: readonly boolean[], request: AnalyzeFilesRequest) {
  const params = new Params();
  const name = (index: number) => `file_${index}`;
  const ctes = sources.map(
    (source, index) =>
      `${name(index)} AS MATERIALIZED (SELECT * FROM ${unifiedRelationSql(source.csv, source.shape, source.plan, typed[index]!)})`,
  );
  const parts = sources.map(
    (source, index) =>
      `SELECT 'quality' AS _part, ${index} AS _file, * FROM (${qualitySql(allRowsSql(name(index), storedFields(source.plan)), source.plan)})`,
  );
  const kept = sources
    .map((source, index) => `SELECT * FROM ${keptRowsSql(name(index), storedFields(source.plan))}`)
    .join(' UNION ALL ');
  const source = `(${kept})`;
  if (isScoped(request))
    parts.push(`SELECT 'profile' AS _part, * FROM (${profileSql(source, scopeWhere(request, params))})`);
  const { shape, currencies } = storedShape(sources);
  const query = groupingQuery(source, request, shape, params, currencies);
  parts.push(`SELECT 'groups' AS _part, * FROM (${query.sql})`);
  return { sql: `WITH ${ctes.join(', ')} ${parts.join(' UNION ALL BY NAME ')}`, params: params.values, query };
}

/**
 * The offline path of `pca analyze`: the files are read, checked and
 * analysed together as one cross-platform view, in one statement.
 */
export async function analyzeFiles(duck: DuckEngine, request: AnalyzeFilesRequest, now: Date): Promise<AnalysisReport> {
  const opened: { file: string; source: IngestSource; close: () => Promise<void> }[] = [];
  try {
    for (const file of request.files)
      opened.push({ file, ...(await openSource({ ...request, file, originalName: path.basename(file) })) });
    const sources = opened.map(({ source }) => source);
    const { value } = await readTypedOrText(sources, (asTyped) =>
      duck.withConnection(async (connection) => {
        const fast = sources.map((source) => asTyped && source.plan.typedFastPath);
        const statement = analysisSql(sources, fast, request);
        return { fast, statement, rows: await connection.rows(statement.sql, statement.params) };
      }),
    );
    const part = (name: string) => value.rows.filter((row) => row._part === name);
    const summaries: IngestSummary[] = sources.map(({ csv: _csv, ...source }, index) => {
      const row = part('quality').find((candidate) => candidate._file === index) ?? {};
      const summary = readQuality(row, source.shape, source.plan);
      assertHasRows(summary.quality);
      return { ...source, ...summary, typed: value.fast[index]! };
    });
    const merged = mergeProfiles(summaries.map((summary) => summary.profile));
    if (request.conversion) assertRates(request.conversion, merged.currencies);
    const shape = isScoped(request) ? readProfile(part('profile')[0]) : merged;
    const analysis = readGroups(part('groups'), value.statement.query, request, shape);
    return buildReport(
      summaries.map((summary, index) => summariseDataset(opened[index]!.file, summary)),
      analysis,
      now,
    );
  } finally {
    for (const { close } of opened) await close();
  }
}
