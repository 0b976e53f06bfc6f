import { describe, expect, it } from 'vitest';
import { seriesAnomalies } from '../../src/insights/anomalies.js';
import {
  PRIOR_MEAN,
  insightScore,
  recommendationScore,
  shouldSuppress,
  smoothedRating,
} from '../../src/insights/feedback-loop.js';
import { daySeries } from './fixtures.js';

describe('anomalies (median/MAD against the days before)', () => {
  const base = Array.from({ length: 20 }, (_, i) => ({ spend: 100 + (i % 5) * 2, conversions: 10 }));

  it('flags a spike with its expected range, deviation and severity', () => {
    const series = daySeries([...base, { spend: 300, conversions: 10 }]);
    const [anomaly] = seriesAnomalies(series, 'spend', 'total', 'all');
    expect(anomaly).toMatchObject({
      date: '2026-03-21',
      value: 300,
      direction: 'above',
      severity: 'high',
      expected: { median: 104 },
    });
    expect(anomaly!.expected.low).toBeLessThan(104);
    expect(anomaly!.expected.high).toBeLessThan(300);
    expect(anomaly!.deviation).toBeGreaterThan(6);
  });

  it('flags a drop, and a moderate one as medium', () => {
    const series = daySeries([...base, { spend: 75, conversions: 10 }]);
    const [anomaly] = seriesAnomalies(series, 'spend', 'platform', 'Meta');
    expect(anomaly).toMatchObject({ direction: 'below', severity: 'medium', key: 'Meta' });
  });

  it('says nothing without 7 days of history, about null days, or about ordinary wobble', () => {
    expect(
      seriesAnomalies(daySeries([...base.slice(0, 6), { spend: 900, conversions: 1 }]), 'spend', 'total', 'all'),
    ).toEqual([]);
    expect(seriesAnomalies(daySeries(base), 'spend', 'total', 'all')).toEqual([]);
    expect(seriesAnomalies(daySeries([...base, { conversions: 10 }]), 'spend', 'total', 'all')).toEqual([]);
  });

  it('does not treat every change of a flat series as an outlier', () => {
    const flat = daySeries([...Array.from({ length: 14 }, () => ({ spend: 100 })), { spend: 103 }]);
    expect(seriesAnomalies(flat, 'spend', 'total', 'all')).toEqual([]);
  });
});

describe('the feedback loop arithmetic', () => {
  it('smooths with a prior so one vote does not swing a rule', () => {
    expect(smoothedRating(undefined)).toBe(PRIOR_MEAN);
    expect(smoothedRating({ count: 1, sum: 1 })).toBeCloseTo(16 / 6);
    expect(smoothedRating({ count: 10, sum: 50 })).toBeCloseTo(65 / 15);
  });

  it('suppresses only with enough consistently low votes', () => {
    expect(shouldSuppress({ count: 7, sum: 7, raters: 3, personMean: 1 })).toBe(false);
    expect(shouldSuppress({ count: 8, sum: 8, raters: 3, personMean: 1 })).toBe(true);
    expect(shouldSuppress({ count: 20, sum: 50, raters: 5, personMean: 2.5 })).toBe(false);
    // One person's eight low votes, or two people's, are not enough; a configured minimum of 2 makes two enough.
    expect(shouldSuppress({ count: 8, sum: 8, raters: 1, personMean: 1 })).toBe(false);
    expect(shouldSuppress({ count: 8, sum: 8, raters: 2, personMean: 1 })).toBe(false);
    expect(shouldSuppress({ count: 8, sum: 8, raters: 2, personMean: 1 }, 2)).toBe(true);
    // Low overall only because one person voted often: per person the rule is fine.
    expect(shouldSuppress({ count: 10, sum: 17, raters: 3, personMean: 3 })).toBe(false);
  });

  it('ranks a well-rated medium rule above a badly rated high one', () => {
    const high = insightScore('high', 0.5, { count: 6, sum: 6 });
    const medium = insightScore('medium', 0.5, { count: 6, sum: 30 });
    expect(medium).toBeGreaterThan(high);
    expect(insightScore('high', 0.5, undefined)).toBeGreaterThan(insightScore('medium', 0.5, undefined));
  });

  it('ranks recommendation types that are implemented and effective higher', () => {
    const effective = recommendationScore(2, { reported: 6, implemented: 6, effectiveness: { count: 6, sum: 30 } });
    const ignored = recommendationScore(2, { reported: 6, implemented: 0, effectiveness: { count: 0, sum: 0 } });
    expect(effective).toBeGreaterThan(recommendationScore(2, undefined));
    expect(ignored).toBeLessThan(recommendationScore(2, undefined));
  });
});
