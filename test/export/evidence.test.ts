import { describe, expect, it } from 'vitest';
import type { AnalysisReport } from '../../src/analysis/report/report.js';
import type { ReportItem } from '../../src/reports/content.js';
import { buildDeck, ITEMS_SHOWN } from '../../src/reports/deck.js';
import { evidenceLines, evidenceText } from '../../src/analysis/evidence.js';
import { itemSections, itemWords } from '../../src/reports/sections.js';

function item(overrides: Partial<ReportItem>): ReportItem {
  return {
    evidence: { figures: {}, rows: [] },
    kind: 'insight',
    rank: 1,
    priority: 'medium',
    category: 'performance',
    ruleId: 'test.rule',
    subject: 'Meta',
    title: 'A title',
    sentence: 'A sentence.',
    payload: {},
    ...overrides,
  };
}

const figures = (values: ReportItem['evidence']['figures']): ReportItem['evidence'] => ({ figures: values, rows: [] });
/** A key as the rules store it: a lower-case word run into a capitalised one. */
const CAMEL_CASE = /\b[a-z]+[A-Z]\w*/;

describe('the evidence of an item as documents show it', () => {
  it('labels keys in words and writes a share as precisely as the sentence, money in the items currency', () => {
    const concentration = item({
      title: '75.7% of spend is on Meta',
      evidence: figures({ share: 0.7572, spend: 7572.5, totalSpend: 10000 }),
    });
    expect(evidenceText(concentration, 'EUR')).toBe('Share: 75.7% · Spend: 7,572.50 EUR · Total spend: 10,000.00 EUR');
    const underfunded = item({
      evidence: figures({
        roas: 6.1,
        overallRoas: 2.5,
        share: 0.08,
        lowestRoasPlatform: 'TikTok',
        lowestRoas: 0.9,
      }),
    });
    expect(evidenceText(underfunded, 'USD')).toBe(
      'ROAS: 6.10 · Overall ROAS: 2.50 · Share: 8.00% · Lowest ROAS platform: TikTok · Lowest ROAS: 0.90',
    );
  });

  it('names a benchmark after the KPI it is for and keeps its source as words', () => {
    const ctr = item({
      evidence: figures({
        ctr: 1.234,
        benchmark: 6.4,
        benchmarkSource: 'WordStream/LocaliQ Google Ads benchmarks 2024',
        impressions: 120000,
      }),
    });
    expect(evidenceText(ctr, 'USD')).toBe(
      'CTR: 1.23% · CTR benchmark: 6.40% · Benchmark source: WordStream/LocaliQ Google Ads benchmarks 2024 · Impressions: 120,000',
    );
    const landing = item({ evidence: figures({ ctr: 2, ctrBenchmark: 6.4, cvr: 1.5, cvrBenchmark: 4 }) });
    expect(evidenceText(landing, null)).toBe('CTR: 2.00% · CTR benchmark: 6.40% · CVR: 1.50% · CVR benchmark: 4.00%');
  });

  it('writes an anomaly in its metric, its usual range as one span and its deviation with a unit', () => {
    const anomaly = item({
      kind: 'anomaly',
      category: 'anomaly',
      payload: { metric: 'cpa', date: '2025-11-21' },
      evidence: figures({ value: 48.2, median: 20, low: 15.5, high: 24.5, deviation: -5.62 }),
    });
    expect(evidenceText(anomaly, 'USD')).toBe(
      'CPA on the day: 48.20 USD · Usual CPA (median): 20.00 USD · Usual range: 15.50 USD to 24.50 USD · Deviation: 5.62 robust deviations below the median',
    );
  });

  it('writes a KPI against the previous period with its name, its change signed, and days as dates', () => {
    const previous = item({
      subject: 'roas',
      evidence: figures({ current: 1.8, previous: 2.6, changePercent: -30.77 }),
    });
    expect(evidenceText(previous, 'USD')).toBe(
      'ROAS this period: 1.80 · ROAS in the previous period: 2.60 · Change: −30.8%',
    );
    const cpa = item({
      evidence: figures({ recentCpa: 31, previousCpa: 22, recentFrom: '2025-11-22', recentTo: '2025-11-28' }),
    });
    expect(evidenceText(cpa, 'GBP')).toBe(
      'Recent CPA: 31.00 GBP · Previous CPA: 22.00 GBP · Last 7 days: Nov 22 – 28, 2025',
    );
  });

  it('shows no key as the rules store it, for any figure, and lists the rows after the figures', () => {
    const pacing = item({
      evidence: {
        figures: {
          spendToDate: 5200,
          expectedToDate: 4000,
          budget: 8000,
          projectedSpend: 10400,
          pace: 1.3,
          daysElapsed: 15,
          daysTotal: 30,
          alsoSeenIn: 'the account',
          stake: 120,
          earlierCvr: null,
        },
        rows: [{ dimension: 'ad_group', key: 'Broad', values: { spend: 1200, cvr: 2.5 } }],
      },
    });
    const lines = evidenceLines(pacing, 'USD');
    for (const line of lines) expect(line).not.toMatch(CAMEL_CASE);
    expect(lines).toEqual([
      'Spend to date: 5,200.00 USD',
      'Expected spend to date: 4,000.00 USD',
      'Budget: 8,000.00 USD',
      'Projected spend: 10,400.00 USD',
      'Pace: 130%',
      'Days elapsed: 15',
      'Days total: 30',
      'Also seen in: the account',
      'Money at stake: 120.00 USD',
      'Earlier CVR: not defined',
      'Broad (ad group): spend 1,200.00 USD, CVR 2.50%',
    ]);
  });
});

describe('where an item goes in a document and how its words read', () => {
  const anomaly = item({ kind: 'anomaly', category: 'anomaly', rank: 1, title: 'Spend above the usual range' });
  const restated = item({ kind: 'insight', category: 'anomaly', rank: 1, title: 'Spend above the usual range' });
  const pacing = item({ kind: 'insight', category: 'pacing', ruleId: 'pacing.budget_off_track', rank: 2 });
  const insight = item({ kind: 'insight', rank: 3, title: 'Meta leads' });

  it('shows an anomaly under Anomalies only, numbering the insights left without a gap', () => {
    const sections = itemSections({ items: [insight, restated, pacing, anomaly] }, { pacing: false });
    expect(sections.anomalies.map((entry) => entry.title)).toEqual(['Spend above the usual range']);
    expect(sections.insights.map((entry) => [entry.rank, entry.category])).toEqual([
      [1, 'pacing'],
      [2, 'performance'],
    ]);
    expect(sections.pacing).toEqual([]);
    const decks = itemSections({ items: [insight, restated, pacing, anomaly] }, { pacing: true });
    expect(decks.pacing.map((entry) => entry.rank)).toEqual([1]);
    expect(decks.insights.map((entry) => [entry.rank, entry.title])).toEqual([[1, 'Meta leads']]);
  });

  it('says a recommendation once when its title and sentence are the same or one holds the other', () => {
    const action = 'Halve Display budget, or fix it before spending more.';
    expect(itemWords({ title: action, sentence: action })).toEqual({ heading: action, body: null });
    expect(itemWords({ title: 'Halve Display budget', sentence: action })).toEqual({ heading: action, body: null });
    expect(itemWords({ title: 'Meta leads', sentence: 'Meta returned 4.10 per unit spent.' })).toEqual({
      heading: 'Meta leads',
      body: 'Meta returned 4.10 per unit spent.',
    });
  });
});

describe('a deck section with more items than it shows', () => {
  const result: AnalysisReport = {
    generatedAt: '2026-11-26T00:00:00.000Z',
    datasets: [],
    rows: 1,
    dateRange: { from: '2025-11-01', to: '2025-11-28' },
    currencies: ['USD'],
    totals: [{ currency: 'USD', spend: 10 }],
    breakdowns: {},
    timeSeries: {},
  };
  const anomalies = Array.from({ length: ITEMS_SHOWN + 3 }, (_, index) =>
    item({ kind: 'anomaly', category: 'anomaly', rank: index + 1, title: `Anomaly ${index + 1}` }),
  );

  it('shows the first ones and says how many more there are, and none when it shows all', () => {
    const deck = buildDeck({ title: 'T', result, summary: null, items: anomalies, branding: null });
    expect(deck.anomalies.map((entry) => entry.heading)).toEqual(
      anomalies.slice(0, ITEMS_SHOWN).map((entry) => entry.title),
    );
    expect(deck.more.anomalies).toBe('3 more anomalies, ranked lower, are left out of this deck.');
    expect(deck.more.insights).toBeNull();
    const few = buildDeck({ title: 'T', result, summary: null, items: anomalies.slice(0, 2), branding: null });
    expect(few.more.anomalies).toBeNull();
  });
});
