import { describe, expect, it } from 'vitest';
import { keptRowsText } from '../../src/analysis/kept-rows.js';

describe('the rows kept, and why the others were left out', () => {
  it('names each reason a row was left out, counted', () => {
    expect(
      keptRowsText({ rowsRead: 32, rowsKept: 30, dropped: { totals: 1, blank: 1, noMeasures: 0 }, preambleLines: 0 }),
    ).toBe('30 of 32 rows kept; left out 1 totals line and 1 blank line.');
    expect(keptRowsText({ rowsRead: 1200, rowsKept: 1195, dropped: { totals: 2, blank: 0, noMeasures: 3 } })).toBe(
      '1,195 of 1,200 rows kept; left out 2 totals lines and 3 rows with no figures.',
    );
  });

  it('says when every row was kept, and the report text skipped above the header', () => {
    expect(keptRowsText({ rowsRead: 10, rowsKept: 10, dropped: { totals: 0, blank: 0, noMeasures: 0 } })).toBe(
      'All 10 rows kept.',
    );
    expect(keptRowsText({ rowsRead: 10, rowsKept: 9, dropped: { totals: 1 }, preambleLines: 3 })).toBe(
      '9 of 10 rows kept; left out 1 totals line. 3 lines of report text above the header skipped.',
    );
  });
});
