import { describe, expect, it } from 'vitest';
import { analyse, groupingQuery, profile, type AnalysisOptions } from '../../src/analysis/engine/analysis.js';
import { Params } from '../../src/analysis/engine/sql.js';
import { DAILY_PAIR_SETS } from '../../src/analysis/workers/grouped-rows.js';
import { harnessForSuite, unifiedValuesSource } from './helpers.js';

/**
 * Rows with every edge the sums meet: reach on one row of a group or on several, revenue on some rows
 * only (the covered sums), a NULL platform, campaign and date, two currencies. Figures are multiples
 * of 0.25, so the sums are exact in any order.
 */
function rows(currencies: readonly string[]): string {
  const values: string[] = [];
  for (let at = 0; at < 60; at++) {
    const date = at % 17 === 0 ? 'NULL' : `DATE '2025-03-${String((at % 9) + 1).padStart(2, '0')}'`;
    const platform = at % 13 === 0 ? 'NULL' : `'${['Meta', 'TikTok', 'Google Ads'][at % 3]}'`;
    const campaign = at % 11 === 0 ? 'NULL' : `'Campaign ${at % 4}'`;
    const device = `'${['Mobile', 'Desktop'][at % 2]}'`;
    const currency = `'${currencies[at % currencies.length]}'`;
    const reach = at % 5 === 0 ? `${at * 10}` : 'NULL';
    const revenue = at % 3 === 1 ? 'NULL' : `${at * 2.5}`;
    values.push(
      `(${date}, ${platform}, ${campaign}, ${device}, ${currency}, ${1000 + at}, ${reach}, ${at * 0.75}, ${revenue})`,
    );
  }
  return unifiedValuesSource(values);
}

// The total and the sets of one column that a daily pair holds are summed from the pair's rows, not from every row.
describe('sets summed again from a pair grouped in the same scan', () => {
  const suite = harnessForSuite({ threads: 2 });

  const OPTIONS: AnalysisOptions = { breakdowns: ['platform', 'campaign', 'device'], granularities: ['day', 'week'] };

  it.each([
    ['one currency', ['EUR'], {}],
    ['two currencies', ['EUR', 'USD'], {}],
    ['two currencies converted', ['EUR', 'USD'], { conversion: { to: 'EUR', rates: { USD: 0.5 } } }],
    ['a filter', ['EUR', 'USD'], { filters: [{ dimension: 'device' as const, values: ['Mobile'] }] }],
    ['a date range with no rows', ['EUR'], { dateRange: { from: '2026-01-01' } }],
  ])('gives what grouping every row gives, with %s', async (_name, currencies, scope) => {
    const source = rows(currencies);
    await suite.duck.withConnection(async (connection) => {
      const direct = await analyse(connection, source, { ...OPTIONS, ...scope });
      const rolled = await analyse(connection, source, { ...OPTIONS, ...scope, pairs: DAILY_PAIR_SETS });
      expect(rolled).toEqual(direct);
    });
  });

  it('groups from the source only the pairs and the sets no pair holds', async () => {
    await suite.duck.withConnection(async (connection) => {
      const source = rows(['EUR']);
      const shape = await profile(connection, source);
      expect(shape.measures).toContain('reach');
      const query = groupingQuery(source, { ...OPTIONS, pairs: DAILY_PAIR_SETS }, shape, new Params());
      expect(query.sql).toContain('GROUP BY GROUPING SETS (("device"), ("platform", "date"), ("campaign", "date"))');
      // Without a pair, every set is grouped from the source as before.
      expect(groupingQuery(source, OPTIONS, shape, new Params()).sql).toContain(
        'GROUP BY GROUPING SETS ((), ("platform"), ("campaign"), ("device"), ("date"))',
      );
    });
  });
});
