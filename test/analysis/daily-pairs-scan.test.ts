import { describe, expect, it } from 'vitest';
import { GRANULARITIES, groupingQuery, profile } from '../../src/analysis/engine/analysis.js';
import { Params } from '../../src/analysis/engine/sql.js';
import { DIMENSIONS, MEASURES } from '../../src/analysis/schema.js';
import { DAILY_PAIR_SETS, DAILY_PAIRS, groupedRows } from '../../src/analysis/workers/grouped-rows.js';
import { runAnalysisTask, type AnalysisTaskOutput } from '../../src/commands/workers/analysis-task.js';
import type { BudgetFlight } from '../../src/insights/pacing.js';
import { harnessForSuite } from './helpers.js';

type Value = string | number | null;
const GIVEN = ['date', 'platform', 'campaign', 'currency', 'impressions', 'clicks', 'spend', 'conversions', 'revenue'];

const sql = (value: Value) =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;

/** Rows as a relation with every unified field (the ones not given are NULL). */
function relation(rows: readonly Value[][]): string {
  const columns = [...DIMENSIONS, ...MEASURES].map((field) =>
    GIVEN.includes(field) ? `"${field}"` : `CAST(NULL AS ${field === 'date' ? 'DATE' : 'VARCHAR'}) AS "${field}"`,
  );
  const values = rows
    .map(
      ([date, ...rest]) =>
        `(${date === null ? 'CAST(NULL AS DATE)' : `DATE '${date}'`}, ${rest.map((value, at) => (at >= 3 && value !== null ? `${value}::DOUBLE` : at < 3 && value === null ? 'CAST(NULL AS VARCHAR)' : sql(value))).join(', ')})`,
    )
    .join(', ');
  return `(SELECT ${columns.join(', ')} FROM (VALUES ${values}) AS v(${GIVEN.map((field) => `"${field}"`).join(', ')}))`;
}

const day = (offset: number) => new Date(Date.UTC(2025, 0, 1 + offset)).toISOString().slice(0, 10);

/** Days of campaigns with a spend and conversion spike on the last day, so anomalies and pacing have something to say. */
function campaignRows(campaigns: readonly (string | null)[], days: number, currencies: readonly (string | null)[]) {
  const rows: Value[][] = [];
  for (let at = 0; at < days; at++)
    campaigns.forEach((campaign, index) => {
      const spike = at === days - 1 && index === 0 ? 9 : 1;
      const wobble = ((at * 7 + index * 3) % 5) / 10;
      rows.push([
        day(at),
        index % 2 === 0 ? 'Meta' : 'TikTok',
        campaign,
        currencies[index % currencies.length]!,
        20_000 + index * 1000,
        400 + at,
        (100 + index * 5) * (1 + wobble) * spike,
        (10 + index) * spike,
        (300 + index * 20) * (1 + wobble),
      ]);
    });
  return rows;
}

const flight = (scope: 'campaign' | 'platform', name: string, currency: string | null): BudgetFlight => ({
  id: `b_${name}`,
  scope,
  name,
  currency,
  amount: 5_000,
  startDate: '2025-01-01',
  endDate: '2025-03-31',
});

// In the data's only currency (null) or in EUR, which the two-currency file has beside USD.
const budgets = [
  flight('campaign', '__proto__', 'EUR'),
  flight('campaign', 'constructor', null),
  flight('platform', 'Meta', 'EUR'),
];

/** An output without what differs on every run (random ids). */
const comparable = (output: AnalysisTaskOutput) =>
  JSON.stringify(output).replace(/"(id|sourceId)":"[a-z]+_[^"]*"/g, '');

// The daily pairs are grouped in the analysis's own scan (`pairs`) instead of a second statement:
// the worker must read the same report, pacing, anomalies and insights from the one answer.
describe('daily pairs grouped in the analysis scan', () => {
  const suite = harnessForSuite();

  /** The worker's output from two statements (the analysis, then the pairs) and from the one scan. */
  async function bothWays(rows: readonly Value[][]) {
    const source = relation(rows);
    return suite.duck.withConnection(async (connection) => {
      const shape = await profile(connection, source);
      const current = await groupedRows(connection, source, { granularities: GRANULARITIES }, shape);
      const daily = await groupedRows(connection, source, DAILY_PAIRS, shape);
      const folded = await groupedRows(
        connection,
        source,
        { granularities: GRANULARITIES, pairs: DAILY_PAIR_SETS },
        shape,
      );
      const task = (input: { current: typeof current; daily: typeof current }) =>
        runAnalysisTask({
          now: '2026-11-30T00:00:00.000Z',
          datasets: [],
          previous: null,
          budgets,
          settings: {},
          feedback: { ruleRatings: new Map(), outcomes: new Map(), suppressed: new Set() },
          ...structuredClone(input),
        });
      return { apart: task({ current, daily }), together: task({ current: folded, daily: folded }), folded };
    });
  }

  it('gives the same analysis with campaigns named like Object keys, a null campaign and two currencies', async () => {
    const { apart, together, folded } = await bothWays(
      campaignRows(['__proto__', 'constructor', 'toString', 'Alpha', null], 30, ['EUR', 'EUR', 'USD']),
    );
    expect(comparable(together)).toBe(comparable(apart));
    // The one answer holds the pair sets; the report keeps none of them.
    expect(folded.query.sets.filter((set) => set.kind === 'pair').map((set) => set.name)).toEqual([
      'platform×date',
      'campaign×date',
    ]);
    const result = JSON.parse(together.resultJson) as { breakdowns: Record<string, unknown[]> };
    expect(Object.keys(result.breakdowns).some((name) => name.includes('×'))).toBe(false);
    // What the pairs feed: a campaign's anomaly and the pacing of budgets named like Object keys.
    expect(
      together.items.some((item) => item.kind === 'anomaly' && item.subject.startsWith('campaign:__proto__:')),
    ).toBe(true);
  });

  it('gives the same analysis for one campaign, one day, and no dates at all', async () => {
    for (const rows of [
      campaignRows(['Only'], 40, ['USD']),
      campaignRows(['constructor', 'Beta'], 1, [null]),
      campaignRows(['Alpha', 'Beta'], 3, ['EUR']).map(([, ...rest]) => [null, ...rest]),
    ]) {
      const { apart, together, folded } = await bothWays(rows);
      expect(comparable(together)).toBe(comparable(apart));
      const hasDates = rows.some((row) => row[0] !== null);
      expect(folded.query.sets.some((set) => set.kind === 'pair')).toBe(hasDates);
    }
  });

  it('groups a pair that is also a breakdown once', () => {
    const shape = {
      rows: 1,
      measures: ['spend' as const],
      dimensions: ['date' as const, 'platform' as const, 'campaign' as const],
      currencies: ['EUR'],
      platforms: ['Meta'],
      dateRange: { from: '2025-01-01', to: '2025-01-01' },
    };
    const query = groupingQuery(
      'src',
      { breakdowns: ['campaign', ['campaign', 'date']], pairs: DAILY_PAIR_SETS },
      shape,
      new Params(),
    );
    expect(query.sets.map((set) => [set.name, set.kind])).toEqual([
      ['total', 'total'],
      ['campaign', 'breakdown'],
      ['campaign×date', 'breakdown'],
      ['day', 'day'],
      ['platform×date', 'pair'],
    ]);
    expect(query.sql.split('("campaign", "date")').length).toBe(2);
  });
});
