import { describe, expect, it } from 'vitest';
import { deterministicSummary, summaryFacts } from '../../src/insights/summary.js';
import { input } from './fixtures.js';

const summary = (parts: Parameters<typeof input>[0]) => {
  const data = input(parts);
  return deterministicSummary(data, summaryFacts(data, '2025-11-01', '2025-11-20'), []);
};

describe("the executive summary's currencies", () => {
  const meta = { Meta: { spend: 8696.35, revenue: 27787.81, conversions: 465 } };

  it("names the currency its figures are in and says the others' are apart", () => {
    const text = summary({ currency: 'GBP', otherCurrencies: ['USD', 'unknown'], platforms: meta });
    expect(text).toMatch(/^Spend in GBP was 8,696\.35 GBP over Nov 1 – 20, 2025/);
    expect(text).toContain('USD figures and those with no stated currency are reported apart, never added in.');
  });

  it('says so of figures with no stated currency', () => {
    const text = summary({ currency: null, otherCurrencies: ['EUR'], platforms: meta });
    expect(text).toMatch(/^Spend with no stated currency was 8,696\.35 over/);
    expect(text).toContain('EUR figures are reported apart, never added in.');
  });

  it('adds nothing when the data has one currency', () => {
    const text = summary({ currency: 'GBP', platforms: meta });
    expect(text).toMatch(/^Spend was 8,696\.35 GBP over/);
    expect(text).not.toContain('apart');
  });
});
