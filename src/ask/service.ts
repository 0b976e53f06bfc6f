import type { AuditRecorder } from '../audit/recorder.js';
import { getAnalysis, queryDatasets, withDatasetSource } from '../analysis/analyses.js';
import type { DatasetDeps } from '../analysis/datasets/datasets.js';
import type { DimensionFilter } from '../analysis/engine/analysis.js';
import type { QueryResult, QuerySpec } from '../analysis/query.js';
import type { Dimension } from '../analysis/schema.js';
import { AppError } from '../errors.js';
import { buildAnswer, buildWhyAnswer, contributions, type Answer } from './answer.js';
import { parseQuestion, type AskIntent, type AskQuery, type ClarifyOption, type ValueMatch } from './parse.js';
import { readVocabulary, type Vocabulary } from './vocabulary.js';

export interface AskRequest {
  readonly question: string;
  readonly datasetIds?: readonly string[];
  readonly analysisId?: string;
}

export interface AskResponse {
  readonly question: string;
  /** How the question was read, in words; null when it could not be. */
  readonly interpretation: string | null;
  readonly intent: AskIntent | null;
  /** The /api/v1/query body the question became (without datasetIds), bounded by the analysis asked about. */
  readonly query: QuerySpec | null;
  readonly matches: ValueMatch[];
  readonly notes: string[];
  readonly answer?: Answer;
  readonly clarification?: { readonly question: string; readonly options: ClarifyOption[] };
}

const EXAMPLES: ClarifyOption[] = [
  { label: 'a total', question: 'Spend by platform last week' },
  { label: 'a ranking', question: 'Top 5 campaigns by ROAS this month' },
  { label: 'a comparison', question: 'How did CPA change week over week?' },
];

interface Scope {
  readonly datasetIds: readonly string[];
  readonly filters: readonly DimensionFilter[];
  readonly dateRange?: { from?: string; to?: string };
  readonly target: { type: string; id: string; name: string };
}

async function scopeOf(deps: DatasetDeps, orgId: string, request: AskRequest): Promise<Scope> {
  if ((request.analysisId === undefined) === (request.datasetIds === undefined)) {
    throw new AppError('validation', 'Ask about either datasetIds or an analysisId.', {}, [{ field: '/body', message: 'needs exactly one of datasetIds and analysisId' }]);
  }
  if (request.analysisId !== undefined) {
    const analysis = await getAnalysis(deps.db, orgId, request.analysisId);
    return {
      datasetIds: analysis.datasetIds,
      filters: analysis.request.filters ?? [],
      ...(analysis.request.dateRange ? { dateRange: analysis.request.dateRange } : {}),
      target: { type: 'analysis', id: analysis.id, name: analysis.name },
    };
  }
  const ids = [...new Set(request.datasetIds)];
  return { datasetIds: ids, filters: [], target: { type: 'dataset', id: ids.join(','), name: `${ids.length} dataset${ids.length === 1 ? '' : 's'}` } };
}

/** An analysis's own filters and days bound every question asked of it. */
function withinScope(query: AskQuery, scope: Scope): QuerySpec {
  const asked = new Set(query.filters?.map((filter) => filter.dimension));
  const filters = [...(query.filters ?? []), ...scope.filters.filter((filter) => !asked.has(filter.dimension))];
  const dateRange = query.dateRange ?? (scope.dateRange?.from || scope.dateRange?.to ? scope.dateRange : undefined);
  return { ...query, ...(filters.length > 0 ? { filters } : {}), ...(dateRange ? { dateRange } : {}) };
}

/** The data's vocabulary; an analysis's last day is the day its questions are relative to. */
async function vocabularyOf(deps: DatasetDeps, orgId: string, scope: Scope): Promise<Vocabulary> {
  const vocabulary = await withDatasetSource(deps, orgId, scope.datasetIds, (source) => deps.duck.withConnection((connection) => readVocabulary(connection, source)));
  const to = scope.dateRange?.to;
  return to && vocabulary.dateRange.to && to < vocabulary.dateRange.to ? { ...vocabulary, dateRange: { ...vocabulary.dateRange, to } } : vocabulary;
}

/**
 * Answers a question about some of the organisation's datasets (or a stored
 * analysis): the question is read into a structured query, which runs through
 * the same service as /api/v1/query; figures come only from its rows. A
 * question that cannot be read one way gets a clarification instead.
 */
export async function askDatasets(deps: DatasetDeps, orgId: string, request: AskRequest, audit: AuditRecorder): Promise<AskResponse> {
  const scope = await scopeOf(deps, orgId, request);
  const vocabulary = await vocabularyOf(deps, orgId, scope);
  const parsed = parseQuestion(request.question, vocabulary);
  let response: AskResponse;
  if (parsed.kind === 'unreadable') {
    response = { question: request.question, interpretation: null, intent: null, query: null, matches: [], notes: [], clarification: { question: `${parsed.reason} Ask about a figure, for example:`, options: EXAMPLES } };
  } else if (parsed.kind === 'clarify') {
    response = { question: request.question, interpretation: null, intent: null, query: null, matches: [], notes: [], clarification: { question: parsed.question, options: parsed.options } };
  } else {
    const spec = withinScope(parsed.query, scope);
    const answer = await answerQuery(parsed.query, parsed.intent, spec, (next) => queryDatasets(deps, orgId, scope.datasetIds, next), vocabulary);
    response = { question: request.question, interpretation: parsed.interpretation, intent: parsed.intent, query: spec, matches: parsed.matches, notes: parsed.notes, answer };
  }
  await audit.record(deps.db, {
    action: 'analysis.question_asked',
    target: scope.target,
    details: {
      question: request.question.slice(0, 500),
      outcome: response.answer ? 'answered' : parsed.kind === 'clarify' ? 'clarification' : 'unreadable',
      ...(response.query ? { query: JSON.stringify(response.query) } : {}),
      datasetIds: [...scope.datasetIds],
    },
  });
  return response;
}

/** Runs one structured query over the data in scope (the server's query service, or the CLI's files). */
export type RunQuery = (spec: QuerySpec) => Promise<QueryResult>;

/** The answer to a question read as `query`: its rows, or for "why" the change and the rows that explain it. */
export async function answerQuery(query: AskQuery, intent: AskIntent, spec: QuerySpec, run: RunQuery, vocabulary: Vocabulary): Promise<Answer> {
  if (intent !== 'why') return buildAnswer(query, await run(spec));
  const metric = query.metrics[0]!;
  const total = await run({ ...spec, dimensions: [] });
  const first = total.rows[0] as { change?: Record<string, { absolute: number | null }> } | undefined;
  const direction = Math.sign(first?.change?.[metric]?.absolute ?? 0);
  // A KPI's rows do not add up to its total: its largest moves in the same direction are shown, platforms then campaigns.
  const parts = [];
  for (const dimension of ['platform', 'campaign'] as Dimension[]) {
    if (!vocabulary.dimensions.includes(dimension)) continue;
    const result = await run({ ...spec, dimensions: [dimension], orderBy: undefined, limit: 10_000 });
    parts.push(...contributions(dimension, metric, result, direction));
  }
  return buildWhyAnswer(query, total, parts);
}
