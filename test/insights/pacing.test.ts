import { describe, expect, it } from 'vitest';
import { seriesOfRows } from '../../src/insights/input.js';
import { pace, paceBudgets } from '../../src/insights/pacing.js';
import { daySeries } from './fixtures.js';

const flight = {
  id: 'bud_1',
  scope: 'platform' as const,
  name: 'Meta',
  amount: 3000,
  currency: null,
  startDate: '2026-03-01',
  endDate: '2026-03-30',
};
const spend = (amount: number, count: number) => daySeries(Array.from({ length: count }, () => ({ spend: amount })));

describe('budget pacing', () => {
  it('is on track on a straight line, with the projection and what remains', () => {
    expect(pace(flight, spend(100, 10), '2026-03-10')).toMatchObject({
      daysTotal: 30,
      daysElapsed: 10,
      spendToDate: 1000,
      expectedToDate: 1000,
      pace: 1,
      projectedSpend: 3000,
      remaining: 2000,
      status: 'on_track',
    });
  });

  it('is over or under outside the thresholds, and the thresholds are the caller’s', () => {
    expect(pace(flight, spend(120, 10), '2026-03-10').status).toBe('over');
    expect(pace(flight, spend(80, 10), '2026-03-10').status).toBe('under');
    expect(pace(flight, spend(80, 10), '2026-03-10', { under: 0.75, over: 1.25 }).status).toBe('on_track');
  });

  it('has not started before its flight, and stops counting at its end', () => {
    expect(pace(flight, spend(100, 10), '2026-02-20')).toMatchObject({
      status: 'not_started',
      pace: null,
      projectedSpend: null,
      daysElapsed: 0,
    });
    const after = pace(flight, spend(100, 40), '2026-05-01');
    expect(after).toMatchObject({ daysElapsed: 30, spendToDate: 3000, status: 'on_track' });
  });

  it('reads the spend of its own campaign or platform, and never sums across currencies', () => {
    const row = (platform: string, date: string, currency: string, spendValue: number) => ({
      platform,
      date,
      currency,
      spend: spendValue,
    });
    const daily = {
      platform: seriesOfRows(
        [
          row('Meta', '2026-03-01', 'USD', 100),
          row('Meta', '2026-03-01', 'EUR', 50),
          row('Google Ads', '2026-03-01', 'USD', 500),
        ],
        'platform',
      ),
      campaign: seriesOfRows([], 'campaign'),
    };
    const [usd, unstated] = paceBudgets([{ ...flight, currency: 'USD' }, flight], daily, '2026-03-01');
    expect(usd!.spendToDate).toBe(100);
    // No currency and two in the data: nothing is counted rather than a mixed sum.
    expect(unstated!.spendToDate).toBe(0);
    expect(unstated!.status).toBe('no_data');
  });

  it('says a budget whose campaign is not in the data has no data, not that it under-spends', () => {
    const daily = {
      platform: seriesOfRows([], 'platform'),
      campaign: seriesOfRows([{ campaign: 'Brand', date: '2026-03-01', currency: null, spend: 0 }], 'campaign'),
    };
    const [absent, idle] = paceBudgets(
      [
        { ...flight, scope: 'campaign', name: 'Prospecting' },
        { ...flight, scope: 'campaign', name: 'Brand' },
      ],
      daily,
      '2026-03-10',
    );
    expect(absent).toMatchObject({ status: 'no_data', spendToDate: 0, pace: null, projectedSpend: null });
    // Present with no spend: that is under-spending.
    expect(idle).toMatchObject({ status: 'under', spendToDate: 0 });
  });
});
