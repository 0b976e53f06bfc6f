import type { AskQuery, ParseOutcome } from '../../src/ask/parse.js';
import type { EvalCase } from './questions.js';

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, item]) => [key, sortedKeys(item)]),
  );
}

/** Keys in one order; filters are a set: their order, and the order of their values, carry no meaning. */
function canonical(query: AskQuery): unknown {
  const filters = query.filters
    ?.map((filter) => ({ dimension: filter.dimension, values: [...filter.values].sort() }))
    .sort((a, b) => (a.dimension < b.dimension ? -1 : 1));
  return sortedKeys({ ...query, filters });
}

/** Whether a question was read as expected: the exact query (and intent), or asked back / refused when it must be. */
export function correct(item: EvalCase, outcome: ParseOutcome): boolean {
  if (item.expect === 'clarify') return outcome.kind === 'clarify';
  if (item.expect === 'unreadable') return outcome.kind === 'unreadable';
  if (outcome.kind !== 'query') return false;
  return (
    outcome.intent === (item.expect.intent ?? 'figures') &&
    JSON.stringify(canonical(outcome.query)) === JSON.stringify(canonical(item.expect.query))
  );
}
