import { describe, expect, it } from 'vitest';
import { parseQuestion } from '../../src/ask/parse.js';
import { correct } from './judge.js';
import { QUESTIONS } from './questions.js';
import { CORPUS, GENERATED } from './vocabularies.js';

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
      if (!ok)
        wrong.push(
          `  ${item.q}\n    expected ${JSON.stringify(item.expect)}\n    got      ${JSON.stringify(outcome.kind === 'query' ? { intent: outcome.intent, query: outcome.query } : outcome).slice(0, 400)}`,
        );
    }
    const right = [...byCategory.values()].reduce((sum, tally) => sum + tally.right, 0);
    const lines = [...byCategory].map(
      ([category, tally]) =>
        `  ${category.padEnd(12)} ${tally.right}/${tally.total} (${((tally.right / tally.total) * 100).toFixed(1)} %)`,
    );
    console.log(
      `Question set: ${right}/${QUESTIONS.length} exact (${((right / QUESTIONS.length) * 100).toFixed(1)} %)\n${lines.join('\n')}${wrong.length > 0 ? `\nMisread:\n${wrong.join('\n')}` : ''}`,
    );
    expect(right / QUESTIONS.length).toBeGreaterThanOrEqual(0.95);
  });
});
