import { describe, expect, it } from 'vitest';
import { profile } from '../../src/analysis/engine/analysis.js';
import { readGroups } from '../../src/analysis/engine/analysis.js';
import { buildReport } from '../../src/analysis/report/report.js';
import { DIMENSIONS, MEASURES } from '../../src/analysis/schema.js';
import { DAILY_PAIRS, groupedRows, rowsOfGrouped } from '../../src/analysis/workers/grouped-rows.js';
import { dailyPairs } from '../../src/commands/workers/analysis-task.js';
import { dailySeries } from '../../src/commands/workers/daily-series.js';
import { DAY_FIGURES, daysOf } from '../../src/insights/day-series.js';
import type { DailyBreakdowns, DailySeries } from '../../src/insights/input.js';
import { harnessForSuite } from './helpers.js';

type Value = string | number | null;
const GIVEN = [
  'date',
  'platform',
  'campaign',
  'currency',
  'impressions',
  'reach',
  'clicks',
  'spend',
  'conversions',
  'revenue',
];

const sql = (value: Value) =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;

/** A set's series with their order made visible: currencies, groups and each group's days whole, as lists. */
const listed = (series: DailySeries) =>
  [...series].map(([currency, groups]) => [
    currency,
    Object.entries(groups).map(([name, days]) => [
      name,
      daysOf(days),
      days.dates,
      DAY_FIGURES.map((figure) => days.figure(figure)),
    ]),
  ]);
const ordered = (daily: DailyBreakdowns) =>
  JSON.stringify({ platform: listed(daily.platform), campaign: listed(daily.campaign) });

// The worker reads the daily pairs' columns straight into the rules' series; the report rows
// (what `pca analyze` reads) must give the same series, in the same order, value for value.
describe('daily series from the grouped columns', () => {
  const suite = harnessForSuite();

  it('equals the report rows series, order included, with ties, null and "(none)" keys, partial measures and three currencies', async () => {
    const rows: Value[][] = [];
    const campaigns = ['Alpha', 'Beta', '7', null, '(none)', "O'Brien"];
    const currencies = ['EUR', 'USD', null];
    for (let day = 0; day < 40; day++) {
      const date = `2025-0${1 + Math.floor(day / 28)}-${String(1 + (day % 28)).padStart(2, '0')}`;
      campaigns.forEach((campaign, at) => {
        const seed = (day * 7 + at * 13) % 11;
        // The null campaign and the "(none)" one in the same currency each day.
        const currency = currencies[(day + (at === 4 ? 3 : at)) % 3]!;
        rows.push([
          date,
          at % 2 === 0 ? 'Meta' : 'LinkedIn',
          campaign,
          currency,
          seed === 3 ? 0 : 1000 + seed * 97,
          // Reach on one row per group is its reach; on several it is unknown.
          at === 0 ? 500 + seed : null,
          seed === 5 ? 0 : 20 + seed,
          // Equal spends across groups and days (ties), a refund and a missing spend.
          seed === 2 ? -15 : seed === 9 ? null : 50 + (seed % 4) * 10,
          at % 3 === 0 ? null : seed % 3,
          // Revenue only on LinkedIn-less rows: a partial measure, so covered sums differ.
          at % 2 === 0 ? seed * 11.5 : null,
        ]);
      });
      // A second row for some groups and days, and rows without a date.
      if (day % 5 === 0) rows.push([date, 'Meta', 'Alpha', 'EUR', 300, 40, 9, 60, 1, 12.25]);
      if (day % 9 === 0) rows.push([null, 'Meta', 'Beta', 'USD', 100, null, 3, 70, null, null]);
    }
    const columns = [...DIMENSIONS, ...MEASURES].map((field) =>
      GIVEN.includes(field) ? `"${field}"` : `CAST(NULL AS ${field === 'date' ? 'DATE' : 'VARCHAR'}) AS "${field}"`,
    );
    const values = rows
      .map(
        ([date, ...rest]) =>
          `(${date === null ? 'NULL' : `DATE '${date}'`}, ${rest.map((value, at) => (at >= 3 && value !== null ? `${value}::DOUBLE` : sql(value))).join(', ')})`,
      )
      .join(', ');
    const source = `(SELECT ${columns.join(', ')} FROM (VALUES ${values}) AS v(${GIVEN.map((field) => `"${field}"`).join(', ')}))`;
    const { fromColumns, fromRows } = await suite.duck.withConnection(async (connection) => {
      const shape = await profile(connection, source);
      const grouped = await groupedRows(connection, source, DAILY_PAIRS, shape);
      const report = buildReport(
        [],
        readGroups(rowsOfGrouped(grouped.columns, grouped.query.outputs), grouped.query, grouped.options, shape),
        new Date('2026-11-30T00:00:00Z'),
      );
      return { fromColumns: dailySeries(structuredClone(grouped)), fromRows: dailyPairs(report) };
    });
    expect(fromColumns.campaign.size).toBe(3);
    const eur = fromColumns.campaign.get('EUR')!;
    // The null campaign and the "(none)" one share a name: both days of a date are kept.
    expect(Object.keys(eur)).toContain('(none)');
    expect(Object.values(eur).some(({ dates }) => dates.some((date, at) => dates[at - 1] === date))).toBe(true);
    expect(
      Object.values(eur).some((days) => daysOf(days).some((day) => Object.keys(day.covered ?? {}).length > 0)),
    ).toBe(true);
    expect(ordered(fromColumns)).toBe(ordered(fromRows));
  });
});
