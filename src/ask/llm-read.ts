import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { GRANULARITIES, KPIS, THRESHOLD_OPS, DIMENSIONS, MEASURES } from '../analysis/index.js';
import type { LlmConfig } from '../config.js';
import { askModel } from '../llm/index.js';
import { VALUE_DIMENSIONS } from './lexicon.js';
import type { AskQuery } from './parse.js';
import type { Vocabulary } from './vocabulary.js';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Range = Type.Object({ from: Day, to: Day }, { additionalProperties: false });
const Metric = Type.Enum([...MEASURES, ...KPIS]);

/**
 * What the model must answer: the parser's structured query, i.e. the body of
 * /api/v1/query without its dataset ids, with that route's limits. Narrower
 * than the route on purpose: no exchange rates (they would be figures from the
 * model), no spend floor, and date ranges with both ends, as the parser gives.
 */
export const AskQuerySchema = Type.Object(
  {
    metrics: Type.Array(Metric, { minItems: 1, maxItems: 20 }),
    dimensions: Type.Optional(Type.Array(Type.Enum(DIMENSIONS), { maxItems: 4 })),
    filters: Type.Optional(
      Type.Array(
        Type.Object(
          {
            dimension: Type.Enum(DIMENSIONS.filter((dimension) => dimension !== 'date')),
            values: Type.Array(Type.String({ maxLength: 500 }), { minItems: 1, maxItems: 200 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
    granularity: Type.Optional(Type.Enum(GRANULARITIES)),
    dateRange: Type.Optional(Range),
    compareTo: Type.Optional(Range),
    having: Type.Optional(
      Type.Array(
        Type.Object(
          { metric: Metric, op: Type.Enum(THRESHOLD_OPS), value: Type.Number() },
          { additionalProperties: false },
        ),
        { maxItems: 10 },
      ),
    ),
    orderBy: Type.Optional(
      Type.Object(
        { field: Type.String({ maxLength: 40 }), direction: Type.Enum(['asc', 'desc']) },
        { additionalProperties: false },
      ),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);

const validator = Compile(AskQuerySchema);

/** Names of each kind offered to the model: enough to spell the ones a question names, bounded in size. */
const PROMPT_VALUES = 100;

export type LlmReading =
  { readonly kind: 'query'; readonly query: AskQuery } | { readonly kind: 'refused'; readonly reason: string };

export function questionPrompt(question: string, vocabulary: Vocabulary): { system: string; user: string } {
  const names = VALUE_DIMENSIONS.flatMap((dimension) => {
    const values = vocabulary.values[dimension];
    return values ? [`${dimension}: ${JSON.stringify(values.slice(0, PROMPT_VALUES))}`] : [];
  });
  const system = [
    'You turn a marketer’s question about paid-media data into one structured query. You never answer the question and never give figures.',
    'Answer with one JSON object only, no prose, valid against this JSON Schema:',
    JSON.stringify(AskQuerySchema),
    `The data runs from ${vocabulary.dateRange.from ?? 'unknown'} to ${vocabulary.dateRange.to ?? 'unknown'}; relative dates ("last week", "yesterday") are relative to its last day. Dates are YYYY-MM-DD.`,
    `Dimensions present: ${vocabulary.dimensions.join(', ')}. Measures present: ${vocabulary.measures.join(', ')}.`,
    'Filter values must be spelled exactly as in these names:',
    ...names,
    'orderBy.field must be one of the query’s metrics or dimensions. compareTo needs a dateRange.',
    'If the question cannot be expressed as such a query, answer {}.',
  ].join('\n');
  return { system, user: question };
}

/** The model's text as JSON: the object itself, or the object in one fenced code block. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const fenced = /^```(?:json)?\s*\n([\s\S]*)\n```$/.exec(text.trim());
  try {
    return { ok: true, value: JSON.parse(fenced ? fenced[1]! : text) };
  } catch {
    return { ok: false };
  }
}

function schemaErrors(value: unknown): string[] {
  return validator.Errors(value).map((error) => {
    const extra =
      error.keyword === 'additionalProperties'
        ? ` (${(error.params as { additionalProperties?: string[] }).additionalProperties?.join(', ') ?? ''})`
        : '';
    return `${error.instancePath || '/'} ${error.message}${extra}`;
  });
}

/** What the schema cannot say: ranges in order, and filter values that exist in the data. */
function meaningErrors(query: Static<typeof AskQuerySchema>, vocabulary: Vocabulary): string[] {
  const errors: string[] = [];
  for (const [name, range] of [
    ['dateRange', query.dateRange],
    ['compareTo', query.compareTo],
  ] as const) {
    if (range && range.from > range.to) errors.push(`/${name} ends before it starts`);
  }
  for (const filter of query.filters ?? []) {
    const known = vocabulary.values[filter.dimension as keyof Vocabulary['values']];
    const missing = known ? filter.values.filter((value) => !known.includes(value)) : [];
    if (missing.length > 0)
      errors.push(
        `/filters names ${filter.dimension} values not in the data: ${missing
          .slice(0, 3)
          .map((value) => JSON.stringify(value.slice(0, 60)))
          .join(', ')}`,
      );
  }
  return errors;
}

function listed(errors: readonly string[]): string {
  return `${errors.slice(0, 3).join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`;
}

/**
 * Asks the model to read a question the parser could not. Only a query that
 * passes the schema and the data's names is kept; anything else is refused
 * with the reason, and no figure of the model's is ever used.
 */
export async function readWithLlm(config: LlmConfig, question: string, vocabulary: Vocabulary): Promise<LlmReading> {
  const asked = await askModel(config, questionPrompt(question, vocabulary));
  if (!asked.ok) return { kind: 'refused', reason: asked.reason };
  const parsed = parseJson(asked.text);
  if (!parsed.ok) return { kind: 'refused', reason: 'the model did not answer with JSON' };
  const errors = schemaErrors(parsed.value);
  if (errors.length > 0)
    return { kind: 'refused', reason: `the model's query does not fit the query schema: ${listed(errors)}` };
  const value = parsed.value as Static<typeof AskQuerySchema>;
  const meaning = meaningErrors(value, vocabulary);
  if (meaning.length > 0)
    return { kind: 'refused', reason: `the model's query does not fit the data: ${listed(meaning)}` };
  return { kind: 'query', query: { ...value, metrics: [...value.metrics], dimensions: [...(value.dimensions ?? [])] } };
}
