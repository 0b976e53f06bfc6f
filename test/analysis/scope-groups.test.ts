import { describe, expect, it } from 'vitest';
import {
  GRANULARITIES,
  groupingBits,
  profile,
  readGroups,
  type AnalysisOptions,
  type Profile,
  type Scope,
} from '../../src/analysis/engine/analysis.js';
import type { DuckConnection } from '../../src/analysis/engine/duckdb.js';
import { scopedGroupedRows } from '../../src/analysis/engine/scope-groups.js';
import { sumColumnNames } from '../../src/analysis/engine/sql.js';
import {
  DAILY_PAIR_SETS,
  groupedRows,
  rowsOfGrouped,
  type GroupedRows,
} from '../../src/analysis/workers/grouped-rows.js';
import { harnessForSuite, unifiedValuesSource } from './helpers.js';

/**
 * Rows with the edges a scope's profile meets: undated rows, a NULL platform, no campaign on the
 * last two days (a date range without that dimension), reach only on Mobile rows, no revenue on
 * Tablet rows (a filter without those measures). Figures are multiples of 0.25, so sums are exact
 * in any order.
 */
function rows(currencies: readonly string[]): string {
  const values: string[] = [];
  for (let at = 0; at < 90; at++) {
    const dayOfMonth = (at % 9) + 1;
    const date = at % 17 === 0 ? 'NULL' : `DATE '2025-03-${String(dayOfMonth).padStart(2, '0')}'`;
    const platform = at % 13 === 0 ? 'NULL' : `'${['Meta', 'TikTok', 'Google Ads'][at % 3]}'`;
    const campaign = dayOfMonth >= 8 && date !== 'NULL' ? 'NULL' : `'Campaign ${at % 4}'`;
    const device = `'${at % 5 === 0 ? 'Mobile' : at % 3 === 1 ? 'Tablet' : 'Desktop'}'`;
    // The first currency alone on the last day and the last alone on the first: each currency's dates differ.
    const currency = `'${dayOfMonth === 9 ? currencies[0] : dayOfMonth === 1 ? currencies.at(-1) : currencies[at % currencies.length]}'`;
    const reach = at % 5 === 0 ? `${at * 10}` : 'NULL';
    const revenue = at % 3 === 1 ? 'NULL' : `${at * 2.5}`;
    values.push(
      `(${date}, ${platform}, ${campaign}, ${device}, ${currency}, ${1000 + at}, ${reach}, ${at * 0.75}, ${revenue})`,
    );
  }
  return unifiedValuesSource(values);
}

/** Each set's rows (keys, currency, the sums of the measures in scope), sorted, so two answers compare whatever order DuckDB gave them in. */
function rowsBySet(grouped: GroupedRows): Record<string, string[]> {
  const { query } = grouped;
  const all = rowsOfGrouped(grouped.columns, query.outputs);
  return Object.fromEntries(
    query.sets.map((set) => [
      set.name,
      all
        .filter((row) => row._set === groupingBits(query, set.columns))
        .map((row) =>
          JSON.stringify([
            ...set.columns.map((column) => row[column]),
            query.soleCurrency === undefined ? row.currency : query.soleCurrency,
            ...sumColumnNames(grouped.shape.measures).map((name) => (Number.isNaN(row[name]) ? null : row[name])),
          ]),
        )
        .sort(),
    ]),
  );
}

const withoutComplete = ({ complete: _complete, ...rest }: Profile) => rest;

/** The analysis as it was computed with a profile scan first, and from the one scan. */
async function bothWays(
  connection: DuckConnection,
  source: string,
  scope: Scope,
  grouping: AnalysisOptions = { granularities: GRANULARITIES, pairs: DAILY_PAIR_SETS },
) {
  const options: AnalysisOptions = { ...scope, ...grouping };
  const whole = await profile(connection, source);
  const scanned = await groupedRows(connection, source, options, await profile(connection, source, scope, whole));
  const folded = await scopedGroupedRows(connection, source, options, whole);
  return { scanned, folded };
}

const read = (grouped: GroupedRows) => {
  const result = readGroups(
    rowsOfGrouped(grouped.columns, grouped.query.outputs),
    grouped.query,
    grouped.options,
    grouped.shape,
  );
  return { ...result, profile: withoutComplete(result.profile) };
};

const SCOPES: [string, Scope][] = [
  ['no scope', {}],
  ['a filter whose rows lack revenue and reach', { filters: [{ dimension: 'device' as const, values: ['Tablet'] }] }],
  ['a filter with reach', { filters: [{ dimension: 'device' as const, values: ['Mobile'] }] }],
  ['a platform filter', { filters: [{ dimension: 'platform' as const, values: ['TikTok', 'Meta'] }] }],
  ['a date range whose rows lack campaigns', { dateRange: { from: '2025-03-08' } }],
  [
    'a date range and a filter',
    { dateRange: { to: '2025-03-04' }, filters: [{ dimension: 'device' as const, values: ['Desktop'] }] },
  ],
  ['a campaign filter with undated rows', { filters: [{ dimension: 'campaign' as const, values: ['Campaign 0'] }] }],
  ['an empty scope', { dateRange: { from: '2026-01-01' } }],
  // The whole has a currency without a rate; the scope (the last day: the first currency alone) does not.
  [
    'a conversion the scope needs no rate for',
    { dateRange: { from: '2025-03-09' }, conversion: { to: 'EUR', rates: {} } },
  ],
  ['a conversion', { dateRange: { from: '2025-03-02' }, conversion: { to: 'EUR', rates: { USD: 0.5 } } }],
];

describe('a scope profile read from the grouping scan', () => {
  const suite = harnessForSuite({ threads: 2 });

  it.each(SCOPES)('gives the profile and groups of a profile scan, with %s', async (_name, scope: Scope) => {
    for (const currencies of [['EUR'], ['EUR', 'USD']]) {
      if (scope.conversion && currencies.length === 1) continue;
      const source = rows(currencies);
      await suite.duck.withConnection(async (connection) => {
        const { scanned, folded } = await bothWays(connection, source, { filters: [], ...scope });
        expect(withoutComplete(folded.shape)).toEqual(withoutComplete(scanned.shape));
        // What the whole reports on every row, the scope does too.
        expect(scanned.shape.complete).toEqual(expect.arrayContaining([...(folded.shape.complete ?? [])]));
        expect(folded.query.sets.map((set) => set.name)).toEqual(scanned.query.sets.map((set) => set.name));
        // With no rows, the sole currency the total's one row of NULL sums is labelled with does not matter.
        if (scanned.shape.rows > 0) expect(rowsBySet(folded)).toEqual(rowsBySet(scanned));
        expect(read(folded)).toEqual(read(scanned));
        expect(folded.columns).not.toHaveProperty('n_rows');
      });
    }
  });

  it.each(SCOPES)(
    'gives the totals and profile of a profile scan for totals only, with %s',
    async (_name, scope: Scope) => {
      for (const currencies of [['EUR'], ['EUR', 'USD']]) {
        if (scope.conversion && currencies.length === 1) continue;
        const source = rows(currencies);
        await suite.duck.withConnection(async (connection) => {
          const { scanned, folded } = await bothWays(connection, source, scope, { breakdowns: [], granularities: [] });
          // The profile's own aggregates are taken in the same scan: the same profile, its complete fields included.
          expect(folded.shape).toEqual(scanned.shape);
          expect(folded.query.sets.map((set) => set.name)).toEqual(['total']);
          if (scanned.shape.rows > 0) expect(rowsBySet(folded)).toEqual(rowsBySet(scanned));
          expect(read(folded)).toEqual(read(scanned));
          // The profile's columns stay on this side: the worker gets the grouped rows alone.
          expect(Object.keys(folded.columns).filter((name) => /^(n_|date_|platforms)/.test(name))).toEqual([]);
        });
      }
    },
  );

  it('counts the rows and reads the dates, platforms and present fields of a scope', async () => {
    await suite.duck.withConnection(async (connection) => {
      const { folded } = await bothWays(connection, rows(['EUR', 'USD']), { dateRange: { from: '2025-03-08' } });
      // Days 8 and 9 of each nine rows, less the undated ones; no campaign on them, and no Meta (every third row).
      expect(folded.shape).toMatchObject({
        rows: 18,
        dateRange: { from: '2025-03-08', to: '2025-03-09' },
        currencies: ['EUR', 'USD'],
        platforms: ['Google Ads', 'TikTok'],
      });
      expect(folded.shape.dimensions).not.toContain('campaign');
      expect(folded.query.sets.some((set) => set.columns.includes('campaign'))).toBe(false);
      const empty = await bothWays(connection, rows(['EUR']), { dateRange: { from: '2026-01-01' } });
      expect(empty.folded.shape).toEqual({
        rows: 0,
        measures: [],
        dimensions: [],
        currencies: [],
        platforms: [],
        dateRange: { from: null, to: null },
        complete: [],
      });
    });
  });
});
