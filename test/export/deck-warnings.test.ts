import { describe, expect, it } from 'vitest';
import type { AnalysisReport } from '../../src/analysis/report/report.js';
import { buildDeck } from '../../src/reports/deck.js';

const ends =
  'meta.csv ends on Oct 7, 2025 while the analysis runs to Oct 14, 2025: the data after Oct 7, 2025 comes from Google Ads only.';

describe("the deck's warnings", () => {
  it("lists the files' warnings with their files, then the analysis's own", () => {
    const dataset = (file: string) =>
      ({
        file,
        platform: 'Google Ads',
        rows: 10,
        dateRange: { from: '2025-10-01', to: '2025-10-14' },
        currencies: [null],
        quality: {
          rowsRead: 10,
          rowsKept: 10,
          dropped: { totals: 0, blank: 0, noMeasures: 0 },
          duplicates: 0,
          unparseableValues: 0,
          warnings: ['The currency is not stated in the file; money is reported without a currency.'],
        },
      }) as unknown as AnalysisReport['datasets'][number];
    const result: AnalysisReport = {
      generatedAt: '2025-10-15T00:00:00.000Z',
      datasets: [dataset('google.csv'), dataset('meta.csv')],
      rows: 0,
      dateRange: { from: '2025-10-01', to: '2025-10-14' },
      currencies: [],
      totals: [],
      breakdowns: {},
      timeSeries: {},
      warnings: [ends],
    };
    const deck = buildDeck({ title: 'October', result, summary: null, items: [], branding: null });
    expect(deck.warnings.rows).toEqual([
      [ends, '—'],
      ['The currency is not stated in the file; money is reported without a currency.', 'google.csv, meta.csv'],
    ]);
  });
});
