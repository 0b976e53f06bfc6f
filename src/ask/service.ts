import type { AuditRecorder } from '../audit/index.js';
import {
  getAnalysis,
  queryDatasets,
  withDatasetSource,
  type DatasetDeps,
  type DimensionFilter,
  type QueryResult,
  type QuerySpec,
  type Dimension,
} from '../analysis/index.js';
import type { LlmConfig } from '../config.js';
import { AppError, isAppError } from '../errors.js';
import { analysisItems } from '../insights/index.js';
import { requireOrganization } from '../tenancy/index.js';
import { buildAnswer, buildWhyAnswer, contributions, directions, type Answer, type Evidence } from './answer.js';
import {
  correctionFor,
  ownQuestion,
  recordQuestion,
  storeRating,
  wrongReportsFor,
  type AskRating,
  type AskScopeRef,
  type WrongReports,
} from './history.js';
import { readWithLlm } from './llm-read.js';
import {
  interpret,
  parseQuestion,
  type AskIntent,
  type AskQuery,
  type ClarifyOption,
  type ParseOutcome,
  type ValueMatch,
} from './parse.js';
import { readVocabulary, type Vocabulary } from './vocabulary.js';
import type { OrgId, UserId } from '../ids.js';

/** Who asks: answers are kept per user, corrections and wrong reports are shared within the organisation. */
export interface Asker {
  readonly orgId: OrgId;
  readonly userId: UserId;
}

export interface AskRequest {
  readonly question: string;
  readonly datasetIds?: readonly string[];
  readonly analysisId?: string;
}

export interface AskResponse {
  /** The stored question: what a rating names. */
  readonly id: string;
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
  /** When a colleague rated an earlier reading of this question wrong and reworded it: the wording read instead. */
  readonly correctedTo?: string;
  /** When answers read exactly this way were rated wrong in the organisation. */
  readonly reportedWrong?: WrongReports;
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

async function scopeOf(deps: DatasetDeps, orgId: OrgId, request: AskScopeRef): Promise<Scope> {
  if ((request.analysisId === undefined) === (request.datasetIds === undefined)) {
    throw new AppError('validation', 'Ask about either datasetIds or an analysisId.', {}, [
      { field: '/body', message: 'needs exactly one of datasetIds and analysisId' },
    ]);
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
  return {
    datasetIds: ids,
    filters: [],
    target: { type: 'dataset', id: ids.join(','), name: `${ids.length} dataset${ids.length === 1 ? '' : 's'}` },
  };
}

/** An analysis's own filters and days bound every question asked of it. */
function withinScope(query: AskQuery, scope: Scope): QuerySpec {
  const asked = new Set(query.filters?.map((filter) => filter.dimension));
  const filters = [...(query.filters ?? []), ...scope.filters.filter((filter) => !asked.has(filter.dimension))];
  const dateRange = query.dateRange ?? (scope.dateRange?.from || scope.dateRange?.to ? scope.dateRange : undefined);
  return { ...query, ...(filters.length > 0 ? { filters } : {}), ...(dateRange ? { dateRange } : {}) };
}

/** The data's vocabulary; an analysis's last day is the day its questions are relative to. */
async function vocabularyOf(deps: DatasetDeps, orgId: OrgId, scope: Scope): Promise<Vocabulary> {
  const vocabulary = await withDatasetSource(deps, orgId, scope.datasetIds, (source) =>
    deps.duck.withConnection((connection) => readVocabulary(connection, source)),
  );
  const to = scope.dateRange?.to;
  return to && vocabulary.dateRange.to && to < vocabulary.dateRange.to
    ? { ...vocabulary, dateRange: { ...vocabulary.dateRange, to } }
    : vocabulary;
}

/** The question as read, or a colleague's correction of it when one exists and reads as a query. */
async function readQuestion(
  deps: DatasetDeps,
  orgId: OrgId,
  question: string,
  vocabulary: Vocabulary,
): Promise<{ parsed: ParseOutcome; correctedTo?: string }> {
  const corrected = await correctionFor(deps.db, orgId, question);
  if (corrected) {
    const parsed = parseQuestion(corrected.correction, vocabulary);
    if (parsed.kind === 'query') return { parsed, correctedTo: corrected.correction };
  }
  return { parsed: parseQuestion(question, vocabulary) };
}

function cannotAnswer(reason: string, llmRefusal?: string): { question: string; options: ClarifyOption[] } {
  const lower = (text: string) => `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
  const model = llmRefusal ? ` A language model was asked to read it, and its reading was refused: ${llmRefusal}.` : '';
  return {
    question: `I can't answer that: ${lower(reason)}${model} Questions I can answer look like these:`,
    options: EXAMPLES,
  };
}

/** The server's dependencies for asking: the data, and the operator's LLM endpoint when one is configured. */
export interface AskDeps extends DatasetDeps {
  readonly llm?: LlmConfig;
}

/** A reading that can be answered: the parser's, or a model's that passed every check. */
interface Reading {
  readonly intent: AskIntent;
  readonly query: AskQuery;
  readonly interpretation: string;
  readonly matches: ValueMatch[];
  readonly notes: string[];
}

/** What the LLM path did: recorded with the question. */
interface LlmUse {
  readonly model: string;
  readonly refusal?: string;
}

type Body = Omit<AskResponse, 'id'>;

/** Runs a reading through the query service and words the answer from its rows. */
async function answered(
  deps: DatasetDeps,
  orgId: OrgId,
  scope: Scope,
  vocabulary: Vocabulary,
  question: string,
  reading: Reading,
  correctedTo?: string,
): Promise<Body> {
  const spec = withinScope(reading.query, scope);
  const evidence =
    reading.intent === 'why' && scope.target.type === 'analysis'
      ? () => anomalyEvidence(deps, orgId, scope.target.id, reading.query)
      : undefined;
  const answer = await answerQuery(
    reading.query,
    reading.intent,
    spec,
    (next) => queryDatasets(deps, orgId, scope.datasetIds, next),
    vocabulary,
    evidence,
  );
  const reported = await wrongReportsFor(deps.db, orgId, spec);
  const notes = [
    ...(correctedTo
      ? [
          `A colleague rated the earlier reading of this question wrong and reworded it as "${correctedTo}"; that is what was answered.`,
        ]
      : []),
    ...reading.notes,
    ...(reported
      ? [
          `Others in your organisation rated this reading wrong ${reported.count === 1 ? 'once' : `${reported.count} times`}: check the interpretation.`,
        ]
      : []),
  ];
  return {
    question,
    interpretation: reading.interpretation,
    intent: reading.intent,
    query: spec,
    matches: reading.matches,
    notes,
    answer,
    ...(correctedTo ? { correctedTo } : {}),
    ...(reported ? { reportedWrong: reported } : {}),
  };
}

/**
 * A question the parser could not read, read by the model instead: its query
 * is checked like a /api/v1/query request (the schema here, the engine's own
 * checks when it runs) and answered from the engine's rows, or refused.
 */
async function answerWithLlm(
  deps: DatasetDeps,
  llm: LlmConfig,
  orgId: OrgId,
  scope: Scope,
  vocabulary: Vocabulary,
  question: string,
): Promise<{ body: Body } | { refusal: string }> {
  const reading = await readWithLlm(llm, question, vocabulary);
  if (reading.kind === 'refused') return { refusal: reading.reason };
  const note = `Read by the language model (${llm.model}), not by the built-in reader: check the interpretation. The figures come from the data.`;
  try {
    return {
      body: await answered(deps, orgId, scope, vocabulary, question, {
        intent: 'figures',
        query: reading.query,
        interpretation: interpret(reading.query, 'figures'),
        matches: [],
        notes: [note],
      }),
    };
  } catch (error) {
    if (isAppError(error) && error.kind === 'validation')
      return { refusal: `the query service refused the model's query: ${error.message}` };
    throw error;
  }
}

/** The organisation's LLM feature, read only when a question would go to the model. */
async function llmFor(deps: AskDeps, orgId: OrgId): Promise<LlmConfig | undefined> {
  if (!deps.llm) return undefined;
  return (await requireOrganization(deps.db, orgId)).features.llm_insights ? deps.llm : undefined;
}

/**
 * Answers a question about some of the organisation's datasets (or a stored
 * analysis): the question is read into a structured query, which runs through
 * the same service as /api/v1/query; figures come only from its rows. A
 * question that cannot be read one way gets a clarification instead; one the
 * parser cannot read at all goes to the operator's LLM when the organisation
 * has it on. Every question is kept for its asker's history and rating; the
 * organisation's ratings change what the next asking gets (a correction is
 * read instead, a reading rated wrong is flagged).
 */
export async function askDatasets(
  deps: AskDeps,
  asker: Asker,
  request: AskRequest,
  audit: AuditRecorder,
): Promise<AskResponse> {
  const orgId = asker.orgId;
  const scope = await scopeOf(deps, orgId, request);
  const vocabulary = await vocabularyOf(deps, orgId, scope);
  const { parsed, correctedTo } = await readQuestion(deps, orgId, request.question, vocabulary);
  const unanswered = {
    question: request.question,
    interpretation: null,
    intent: null,
    query: null,
    matches: [],
    notes: [],
  };
  let body: Body;
  let llmUse: LlmUse | undefined;
  if (parsed.kind === 'query') {
    body = await answered(deps, orgId, scope, vocabulary, request.question, parsed, correctedTo);
  } else if (parsed.kind === 'clarify') {
    body = { ...unanswered, clarification: { question: parsed.question, options: parsed.options } };
  } else {
    const llm = await llmFor(deps, orgId);
    const read = llm ? await answerWithLlm(deps, llm, orgId, scope, vocabulary, request.question) : undefined;
    if (llm) llmUse = { model: llm.model, ...(read && 'refusal' in read ? { refusal: read.refusal } : {}) };
    body =
      read && 'body' in read
        ? read.body
        : { ...unanswered, clarification: cannotAnswer(parsed.reason, llmUse?.refusal) };
  }
  const outcome = body.answer ? 'answered' : parsed.kind === 'clarify' ? 'clarification' : 'unreadable';
  const id = await recordQuestion(deps.db, {
    orgId,
    userId: asker.userId,
    question: request.question,
    scope: scopeRef(request),
    outcome,
    interpretation: body.interpretation,
    query: body.query,
    answer: body.answer,
    now: deps.clock(),
  });
  await audit.record(deps.db, {
    action: 'analysis.question_asked',
    target: scope.target,
    details: {
      questionId: id,
      question: request.question.slice(0, 500),
      outcome,
      ...(body.query ? { query: JSON.stringify(body.query) } : {}),
      ...(correctedTo ? { correctedTo } : {}),
      ...(llmUse
        ? {
            reader: 'llm',
            model: llmUse.model,
            ...(llmUse.refusal ? { llmRefusal: llmUse.refusal.slice(0, 500) } : {}),
          }
        : {}),
      datasetIds: [...scope.datasetIds],
    },
  });
  return { id, ...body };
}

function scopeRef(request: AskRequest): AskScopeRef {
  return request.analysisId !== undefined
    ? { analysisId: request.analysisId }
    : { datasetIds: [...new Set(request.datasetIds)] };
}

export interface RateRequest {
  readonly rating: AskRating;
  readonly comment?: string;
  readonly correction?: string;
}

/**
 * The asker rates one of their answers. A correction (only with "wrong") must
 * read as a query over the same data, or it could not be answered instead.
 */
export async function rateAnswer(
  deps: DatasetDeps,
  asker: Asker,
  id: string,
  request: RateRequest,
  audit: AuditRecorder,
): Promise<{ id: string; rating: AskRating }> {
  const record = await ownQuestion(deps.db, asker.orgId, asker.userId, id);
  const correction = request.correction?.trim() || null;
  if (correction !== null) {
    if (request.rating !== 'wrong') {
      throw new AppError('validation', 'Only a wrong answer takes a correction.', {}, [
        { field: '/body/correction', message: 'allowed only with rating "wrong"' },
      ]);
    }
    const scope = await scopeOf(deps, asker.orgId, record.scope);
    const parsed = parseQuestion(correction, await vocabularyOf(deps, asker.orgId, scope));
    if (parsed.kind !== 'query') {
      const why = parsed.kind === 'clarify' ? parsed.question : parsed.reason;
      throw new AppError('unprocessable', `The correction does not read one way: ${why}`, {}, [
        { field: '/body/correction', message: 'must read as one question over the same data' },
      ]);
    }
  }
  await storeRating(deps.db, asker.orgId, record.id, {
    rating: request.rating,
    comment: request.comment?.trim() || null,
    correction,
    now: deps.clock(),
  });
  await audit.record(deps.db, {
    action: 'analysis.answer_rated',
    target: { type: 'question', id: record.id, name: record.question.slice(0, 200) },
    details: {
      rating: request.rating,
      ...(record.rating ? { previous: record.rating } : {}),
      corrected: correction !== null,
    },
  });
  return { id: record.id, rating: request.rating };
}

/** Stored anomalies of the analysis on the days asked about: the metric's own first, then others those days. */
async function anomalyEvidence(
  deps: DatasetDeps,
  orgId: OrgId,
  analysisId: string,
  query: AskQuery,
): Promise<Evidence[]> {
  const range = query.dateRange;
  if (!range) return [];
  const metric = query.metrics[0];
  const items = await analysisItems(deps.db, orgId, analysisId, false);
  const inRange = (date: unknown) => typeof date === 'string' && date >= range.from && date <= range.to;
  const anomalies = items.filter((item) => item.kind === 'anomaly' && inRange(item.payload.date));
  anomalies.sort(
    (a, b) => Number(b.payload.metric === metric) - Number(a.payload.metric === metric) || a.rank - b.rank,
  );
  const named = new Set(anomalies.map((item) => String(item.payload.key)));
  // Insights about the platforms or campaigns the anomalies name: what the analysis already said about them.
  const insights = items.filter(
    (item) => item.kind === 'insight' && [...named].some((key) => key !== 'all' && item.subject.includes(key)),
  );
  // An insight rule may restate an anomaly word for word: each finding is shown once.
  const seen = new Set<string>();
  return [...anomalies.slice(0, 5), ...insights]
    .filter((item) => !seen.has(item.sentence) && seen.add(item.sentence))
    .slice(0, 8)
    .map((item) => ({
      kind: item.kind === 'anomaly' ? 'anomaly' : 'insight',
      id: item.id,
      title: item.title,
      sentence: item.sentence,
    }));
}

/** Runs one structured query over the data in scope (the server's query service, or the CLI's files). */
export type RunQuery = (spec: QuerySpec) => Promise<QueryResult>;

/** The answer to a question read as `query`: its rows, or for "why" the change and the rows that explain it. */
export async function answerQuery(
  query: AskQuery,
  intent: AskIntent,
  spec: QuerySpec,
  run: RunQuery,
  vocabulary: Vocabulary,
  evidence?: () => Promise<Evidence[]>,
): Promise<Answer> {
  if (intent !== 'why') return buildAnswer(query, await run(spec), vocabulary.dateRange);
  const metric = query.metrics[0]!;
  const total = await run({ ...spec, dimensions: [] });
  const direction = directions(metric, total);
  // A KPI's rows do not add up to its total: its largest moves in the same direction are shown, platforms then campaigns.
  const parts = [];
  for (const dimension of ['platform', 'campaign'] as Dimension[]) {
    if (!vocabulary.dimensions.includes(dimension)) continue;
    const result = await run({ ...spec, dimensions: [dimension], orderBy: undefined, limit: 10_000 });
    parts.push(...contributions(dimension, metric, result, direction));
  }
  return buildWhyAnswer(query, total, parts, evidence ? await evidence() : []);
}
