import { describe, expect, it } from 'vitest';
import { metricName } from '../../src/analysis/format.js';
import { KPIS } from '../../src/analysis/kpis.js';
import { MEASURES } from '../../src/analysis/schema.js';
import { parseQuestion } from '../../src/ask/parse.js';
import { editDistance, words } from '../../src/ask/text.js';
import type { Vocabulary } from '../../src/ask/vocabulary.js';
import { CORPUS, GENERATED } from './vocabularies.js';

const ACCENTED: Vocabulary = {
  values: { campaign: ['Été Promo', 'Crème Brûlée Launch', 'Straße Sale'], platform: ['Meta'] },
  dimensions: ['date', 'platform', 'campaign'],
  measures: ['spend', 'clicks', 'impressions', 'conversions', 'revenue'],
  dateRange: { from: '2025-06-01', to: '2025-08-31' },
};

describe('the question parser at its edges', () => {
  it('matches names whatever their accents and case, and shows which name it matched', () => {
    const outcome = parseQuestion('spend on the ete promo campaign', ACCENTED);
    expect(outcome).toMatchObject({
      kind: 'query',
      query: { filters: [{ dimension: 'campaign', values: ['Été Promo'] }], dimensions: [] },
    });
    const partial = parseQuestion('CREME BRULEE clicks', ACCENTED);
    expect(partial).toMatchObject({
      kind: 'query',
      query: { filters: [{ dimension: 'campaign', values: ['Crème Brûlée Launch'] }] },
    });
    expect(partial.kind === 'query' && partial.notes.join(' ')).toContain('read as campaign Crème Brûlée Launch');
  });

  it('offers, for every clarification, reworded questions that each read one way', () => {
    for (const [question, vocabulary] of [
      ['best performing campaigns', GENERATED],
      ['ROI by campaign', GENERATED],
      ['prospecting spend', CORPUS],
      ['spend by region', GENERATED],
      ['campaigns with more than 500', GENERATED],
      ['Why did revenue drop?', GENERATED],
    ] as const) {
      const outcome = parseQuestion(question, vocabulary);
      expect(outcome.kind, question).toBe('clarify');
      if (outcome.kind !== 'clarify') continue;
      expect(outcome.options.length, question).toBeGreaterThan(1);
      for (const option of outcome.options)
        expect(parseQuestion(option.question, vocabulary).kind, `${question} -> ${option.question}`).toBe('query');
    }
  });

  it('names metrics in its options as the reports do, and each name reads back as its metric', () => {
    const roi = parseQuestion('ROI by campaign', GENERATED);
    expect(roi).toMatchObject({
      kind: 'clarify',
      options: [
        { label: 'ROAS', question: 'ROAS by campaign' },
        { label: 'revenue − spend', question: 'revenue − spend by campaign' },
      ],
    });
    const everything: Vocabulary = { ...GENERATED, measures: [...MEASURES] };
    for (const metric of [...MEASURES, ...KPIS])
      expect(parseQuestion(metricName(metric), everything), metric).toMatchObject({
        kind: 'query',
        query: { metrics: [metric] },
      });
  });

  it('refuses empty and meaningless questions, and reads no period in data without days', () => {
    expect(parseQuestion('   ', GENERATED).kind).toBe('unreadable');
    expect(parseQuestion('?!', GENERATED).kind).toBe('unreadable');
    const undated: Vocabulary = { ...GENERATED, dateRange: { from: null, to: null } };
    expect(parseQuestion('spend last week', undated)).toMatchObject({ kind: 'query', query: { metrics: ['spend'] } });
    expect(
      parseQuestion('spend last week', undated).kind === 'query' &&
        'dateRange' in (parseQuestion('spend last week', undated) as { query: object }).query,
    ).toBe(false);
  });

  it('reads back a typed date once, and one day as "on" that day', () => {
    const interpretation = (question: string) => {
      const outcome = parseQuestion(question, ACCENTED);
      return outcome.kind === 'query' ? outcome.interpretation : outcome.kind;
    };
    expect(interpretation('spend on 2025-07-14')).toBe('Spend, on 2025-07-14.');
    expect(interpretation('spend in July')).toBe('Spend, from 2025-07-01 to 2025-07-31 (july).');
  });

  it('allows typos by word length: none under four letters, one up to seven, two from eight', () => {
    expect(editDistance('spned', 'spend', 1)).toBe(1);
    expect(editDistance('cpa', 'cpc', 0)).toBe(1);
    expect(parseQuestion('spned by platform', GENERATED)).toMatchObject({
      kind: 'query',
      query: { metrics: ['spend'] },
    });
    const short = parseQuestion('cpx by platform', GENERATED);
    // Three letters are never corrected: "cpx" names no metric, so the headline figures are shown.
    expect(short).toMatchObject({ kind: 'query', notes: ['No figure named: showing the headline figures.'] });
    expect(parseQuestion('convrsoins by platform', GENERATED)).toMatchObject({
      kind: 'query',
      query: { metrics: ['conversions'] },
    });
  });

  it('keeps an ISO day and a number with separators as one word each', () => {
    expect(words('Spend over $1,250.50 on 2025-11-17?')).toEqual([
      'spend',
      'over',
      '$',
      '1250.50',
      'on',
      'iso20251117',
      '?',
    ]);
  });
});
