import { describe, expect, it } from 'vitest';
import { parseQuestion } from '../../src/ask/parse.js';
import { correct } from './judge.js';
import { USER_QUESTIONS } from './user-questions.js';
import { GENERATED } from './vocabularies.js';

describe("the independent question set (a user's wording, not the lexicon's)", () => {
  it('is read as expected at the measured rate, and never answers an off-topic or two-way question', () => {
    const byCategory = new Map<string, { right: number; total: number }>();
    const wrong: string[] = [];
    const guesses: string[] = [];
    for (const item of USER_QUESTIONS) {
      const outcome = parseQuestion(item.q, GENERATED);
      const ok = correct(item, outcome);
      const tally = byCategory.get(item.category) ?? { right: 0, total: 0 };
      tally.total++;
      if (ok) tally.right++;
      byCategory.set(item.category, tally);
      if (!ok)
        wrong.push(
          `  ${item.q}\n    expected ${JSON.stringify(item.expect)}\n    got      ${JSON.stringify(outcome.kind === 'query' ? { intent: outcome.intent, query: outcome.query } : outcome).slice(0, 400)}`,
        );
      // A guess is worse than a question back: what must ask back or be refused is never answered.
      if ((item.expect === 'clarify' || item.expect === 'unreadable') && outcome.kind === 'query') guesses.push(item.q);
    }
    const right = [...byCategory.values()].reduce((sum, tally) => sum + tally.right, 0);
    const lines = [...byCategory].map(
      ([category, tally]) =>
        `  ${category.padEnd(12)} ${tally.right}/${tally.total} (${((tally.right / tally.total) * 100).toFixed(1)} %)`,
    );
    console.log(
      `Independent set: ${right}/${USER_QUESTIONS.length} exact (${((right / USER_QUESTIONS.length) * 100).toFixed(1)} %)\n${lines.join('\n')}${wrong.length > 0 ? `\nMisread:\n${wrong.join('\n')}` : ''}`,
    );
    expect(guesses).toEqual([]);
    expect(right / USER_QUESTIONS.length).toBeGreaterThanOrEqual(0.8);
  });
});
