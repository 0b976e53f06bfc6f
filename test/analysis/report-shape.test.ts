import { describe, expect, it } from 'vitest';
import { totalRows } from '../../src/analysis/report/report.js';

describe('report totals', () => {
  it('reads totals as rows in every shape a stored analysis may hold', () => {
    const usd = { currency: 'USD', spend: 10 };
    const eur = { currency: 'EUR', spend: 4 };
    expect(totalRows({ totals: [eur, usd] })).toEqual([eur, usd]);
    expect(totalRows({ totals: [] })).toEqual([]);
    // Shapes stored before totals had one shape: flat for one currency, byCurrency for several.
    expect(totalRows({ totals: usd as never })).toEqual([usd]);
    expect(totalRows({ totals: { byCurrency: { EUR: eur, USD: usd } } as never })).toEqual([eur, usd]);
    expect(totalRows({ totals: { byCurrency: {} } as never })).toEqual([]);
  });
});
