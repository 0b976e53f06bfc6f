import { describe, expect, it } from 'vitest';
import { parseQuestion, type AskQuery, type ParseOutcome } from '../../src/ask/parse.js';
import { QUESTIONS, type EvalCase } from './questions.js';
import { CORPUS, GENERATED } from './vocabularies.js';

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, item]) => [key, sortedKeys(item)]));
}

/** Keys in one order; filters are a set: their order, and the order of their values, carry no meaning. */
function canonical(query: AskQuery): unknown {
  const filters = query.filters
    ?.map((filter) => ({ dimension: filter.dimension, values: [...filter.values].sort() }))
    .sort((a, b) => (a.dimension < b.dimension ? -1 : 1));
  return sortedKeys({ ...query, filters });
}

function correct(item: EvalCase, outcome: ParseOutcome): boolean {
  if (item.expect === 'clarify') return outcome.kind === 'clarify';
  if (item.expect === 'unreadable') return outcome.kind === 'unreadable';
  if (outcome.kind !== 'query') return false;
  return outcome.intent === (item.expect.intent ?? 'figures') && JSON.stringify(canonical(outcome.query)) === JSON.stringify(canonical(item.expect.query));
}

describe('the hand-written question set', () => {
  it('has at least 250 questions, every one distinct, some of which must ask back', () => {
    expect(QUESTIONS.length).toBeGreaterThanOrEqual(250);
    expect(new Set(QUESTIONS.map((item) => `${item.data}:${item.q}`)).size).toBe(QUESTIONS.length);
    expect(QUESTIONS.filter((item) => item.expect === 'clarify').length).toBeGreaterThanOrEqual(25);
  });

  it('is read into the expected structured queries at least 95 % of the time, by category', () => {
    const byCategory = new Map<string, { right: number; total: number }>();
    const wrong: string[] = [];
    for (const item of QUESTIONS) {
      const outcome = parseQuestion(item.q, item.data === 'generated' ? GENERATED : CORPUS);
      const ok = correct(item, outcome);
      const tally = byCategory.get(item.category) ?? { right: 0, total: 0 };
      tally.total++;
      if (ok) tally.right++;
      byCategory.set(item.category, tally);
      if (!ok) wrong.push(`  ${item.q}\n    expected ${JSON.stringify(item.expect)}\n    got      ${JSON.stringify(outcome.kind === 'query' ? { intent: outcome.intent, query: outcome.query } : outcome).slice(0, 400)}`);
    }
    const right = [...byCategory.values()].reduce((sum, tally) => sum + tally.right, 0);
    const lines = [...byCategory].map(([category, tally]) => `  ${category.padEnd(12)} ${tally.right}/${tally.total} (${((tally.right / tally.total) * 100).toFixed(1)} %)`);
    console.log(`Question set: ${right}/${QUESTIONS.length} exact (${((right / QUESTIONS.length) * 100).toFixed(1)} %)\n${lines.join('\n')}${wrong.length > 0 ? `\nMisread:\n${wrong.join('\n')}` : ''}`);
    expect(right / QUESTIONS.length).toBeGreaterThanOrEqual(0.95);
  });
});
