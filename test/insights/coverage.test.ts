import { describe, expect, it } from 'vitest';
import { coverageWarnings } from '../../src/analysis/report/coverage-warnings.js';
import { detectAnomalies } from '../../src/insights/anomalies.js';
import { sameSourceRuns } from '../../src/insights/coverage.js';
import { days, daySeries } from './fixtures.js';

/** A steady day of one export, small wobbles only. */
const steady = (spend: number) => (index: number) => ({
  spend: spend + (index % 5) * 2,
  impressions: 10_000,
  clicks: 200 + (index % 3),
  conversions: 10 + (index % 2),
  revenue: spend * 3,
});

const google = steady(500);
const meta = steady(400);
const spans = [
  { file: 'google.csv', platforms: ['Google Ads'], from: '2025-10-01', to: '2025-10-30' },
  { file: 'meta.csv', platforms: ['Meta'], from: '2025-10-01', to: '2025-10-20' },
];
const SPIKE = 24; // Oct 25

describe('anomalies when one export ends before the others', () => {
  // Google Ads reports Oct 1-30, Meta Oct 1-20: the account's sum loses Meta's 400 a day from Oct 21.
  const googleDays = Array.from({ length: 30 }, (_, index) =>
    index === SPIKE ? { ...google(index), spend: 2500 } : google(index),
  );
  const metaDays = Array.from({ length: 20 }, (_, index) => meta(index));
  const account = googleDays.map((day, index) => {
    const other = metaDays[index];
    return other
      ? {
          spend: day.spend + other.spend,
          impressions: day.impressions + other.impressions,
          clicks: day.clicks + other.clicks,
          conversions: day.conversions + other.conversions,
          revenue: day.revenue + other.revenue,
        }
      : day;
  });
  const anomalies = detectAnomalies({
    daily: days(account, '2025-10-01'),
    dailyByPlatform: { 'Google Ads': daySeries(googleDays, '2025-10-01'), Meta: daySeries(metaDays, '2025-10-01') },
    dailyByCampaign: { Search: daySeries(googleDays, '2025-10-01') },
    sources: spans,
  }).listed;

  it('flags no account-level day after the export ends', () => {
    expect(anomalies.filter((anomaly) => anomaly.scope === 'total')).toEqual([]);
  });

  it('still flags a spike in a platform or campaign series after the other export ends', () => {
    const spike = anomalies.filter((anomaly) => anomaly.date === '2025-10-25' && anomaly.metric === 'spend');
    expect(spike).toHaveLength(1);
    expect(spike[0]).toMatchObject({
      scope: 'campaign',
      key: 'Search',
      direction: 'above',
      linked: ['platform:Google Ads'],
    });
    expect(anomalies.every((anomaly) => anomaly.date === '2025-10-25')).toBe(true);
  });

  it('cuts a series where the set of exports reporting changes, and only there', () => {
    const dates = days(account, '2025-10-01').map((day) => day.date);
    expect(sameSourceRuns(dates, spans)).toEqual([
      [0, 20],
      [20, 30],
    ]);
    expect(sameSourceRuns(dates, [])).toEqual([[0, 30]]);
  });
});

describe('the warning of an export that covers part of the analysis', () => {
  const dataset = (file: string, platforms: string[], from: string, to: string) => ({
    file,
    platforms,
    dateRange: { from, to },
  });

  it('names the file, the day it ends and who the later totals cover', () => {
    expect(
      coverageWarnings(
        [
          dataset('google.csv', ['Google Ads'], '2025-10-01', '2025-10-14'),
          dataset('meta.csv', ['Meta'], '2025-10-01', '2025-10-07'),
        ],
        { from: '2025-10-01', to: '2025-10-14' },
      ),
    ).toEqual([
      'meta.csv ends on Oct 7, 2025 while the analysis runs to Oct 14, 2025: the data after Oct 7, 2025 comes from Google Ads only.',
    ]);
  });

  it('says a late start too, names files when the same platform goes on, and says nothing when all cover it', () => {
    expect(
      coverageWarnings(
        [
          dataset('google-a.csv', ['Google Ads'], '2025-10-01', '2025-10-14'),
          dataset('google-b.csv', ['Google Ads'], '2025-10-05', '2025-10-14'),
        ],
        { from: '2025-10-01', to: '2025-10-14' },
      ),
    ).toEqual([
      'google-b.csv starts on Oct 5, 2025 while the analysis runs from Oct 1, 2025: the data before Oct 5, 2025 comes from google-a.csv only.',
    ]);
    expect(
      coverageWarnings(
        [
          dataset('google.csv', ['Google Ads'], '2025-10-01', '2025-10-14'),
          dataset('meta.csv', ['Meta'], '2025-09-01', '2025-10-31'),
        ],
        { from: '2025-10-01', to: '2025-10-14' },
      ),
    ).toEqual([]);
  });
});
