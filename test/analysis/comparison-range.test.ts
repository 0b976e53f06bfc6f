import { describe, expect, it } from 'vitest';
import { comparisonRange, sharesDays } from '../../src/analysis/comparison.js';

// An analysis skips the previous period's scan when that period shares no day with the whole source's dates.
describe('sharesDays', () => {
  const dates = { from: '2025-01-01', to: '2025-12-31' };

  it('is true when the ranges share even one day, at either end', () => {
    expect(sharesDays({ from: '2024-12-01', to: '2025-01-01' }, dates)).toBe(true);
    expect(sharesDays({ from: '2025-12-31', to: '2026-01-31' }, dates)).toBe(true);
    expect(sharesDays({ from: '2025-03-01', to: '2025-03-01' }, dates)).toBe(true);
    expect(sharesDays({ from: '2024-01-01', to: '2026-12-31' }, dates)).toBe(true);
  });

  it('is false for a range wholly before or after, the day next to an end included', () => {
    expect(sharesDays({ from: '2024-12-01', to: '2024-12-31' }, dates)).toBe(false);
    expect(sharesDays({ from: '2026-01-01', to: '2026-01-31' }, dates)).toBe(false);
  });

  it('is false when no row of the scope is dated', () => {
    expect(sharesDays({ from: '2025-01-01', to: '2025-12-31' }, { from: null, to: null })).toBe(false);
  });

  it("is false for the period just before a scope's whole dates, true for the one before a later start", () => {
    expect(sharesDays(comparisonRange(dates, 'previous')!, dates)).toBe(false);
    expect(sharesDays(comparisonRange({ from: '2025-03-01', to: '2025-12-31' }, 'previous')!, dates)).toBe(true);
  });
});
