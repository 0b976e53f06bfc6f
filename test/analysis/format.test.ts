import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDay,
  formatDays,
  formatMetric,
  formatMoney,
  formatPercent,
  formatShare,
  listOf,
  metricName,
  plural,
  possessive,
} from '../../src/analysis/format.js';
import { labelOf } from '../../src/analysis/labels.js';
import { renderReport } from '../../src/analysis/report/render.js';
import type { AnalysisReport } from '../../src/analysis/report/report.js';

describe('numbers for people', () => {
  it('writes money with two decimals, separators and its currency', () => {
    expect(formatMoney(238.788, 'USD')).toBe('238.79 USD');
    expect(formatMoney(28006.380000000005, 'EUR')).toBe('28,006.38 EUR');
    expect(formatMoney(-1.666, null)).toBe('−1.67');
    expect(formatMoney(-0.001, 'USD')).toBe('0.00 USD');
  });

  it('writes counts with separators, rates with sensible decimals, and one casing for names', () => {
    expect(formatCount(2805)).toBe('2,805');
    expect(formatCount(12.46)).toBe('12.5');
    expect(formatPercent(2.3456)).toBe('2.35%');
    expect(formatPercent(62.04)).toBe('62.0%');
    expect(formatPercent(138.2)).toBe('138%');
    expect(formatShare(0.62)).toBe('62%');
    expect(formatMetric('cpa', 238.788, 'USD')).toBe('238.79 USD');
    expect(formatMetric('ctr', 1.5)).toBe('1.50%');
    expect(formatMetric('roas', 1.3903)).toBe('1.39');
    expect(formatMetric('conversions', 2805)).toBe('2,805');
    expect(formatMetric('cpa', null)).toBe('not defined');
    expect(metricName('cpa')).toBe('CPA');
    expect(metricName('video_views')).toBe('video views');
  });

  it('agrees plurals and possessives', () => {
    expect(plural(1, 'week')).toBe('1 week');
    expect(plural(3, 'week')).toBe('3 weeks');
    expect(plural(2805, 'conversion')).toBe('2,805 conversions');
    expect(plural(2, 'country')).toBe('2 countries');
    expect(plural(3, 'day')).toBe('3 days');
    expect(possessive('Google Ads')).toBe("Google Ads'");
    expect(possessive('Meta')).toBe("Meta's");
    expect(listOf(['LinkedIn'])).toBe('LinkedIn');
    expect(listOf(['A', 'B', 'C'])).toBe('A, B and C');
  });

  it('renders the text report with formatted cells, coverage and agreeing plurals', () => {
    const row = {
      currency: 'USD',
      spend: 1000,
      revenue: 862,
      clicks: 2805,
      ctr: 2.3456,
      roas: 862 / 620,
      revenueCoverage: 0.62,
    };
    const report: AnalysisReport = {
      generatedAt: '2026-01-01T00:00:00.000Z',
      datasets: [],
      rows: 3,
      dateRange: { from: '2025-11-03', to: '2025-11-04' },
      currencies: ['USD'],
      totals: [row],
      breakdowns: {},
      timeSeries: { week: [{ period: '2025-W45', ...row }] },
      warnings: [],
    };
    const text = renderReport(report, 'text');
    expect(text).toContain('1,000.00');
    expect(text).toContain('2,805');
    expect(text).toContain('2.35%');
    expect(text).toContain('ROAS, AOV and revenue − spend cover 62% of spend (the rows that report revenue).');
    expect(text).toContain('1 week · highest spend');
  });

  it('labels fields and KPIs in the text report as people read them, never by their keys', () => {
    const row = { currency: 'USD', spend: 10, video_views: 40, ctr: 1.5 };
    const report: AnalysisReport = {
      generatedAt: '2026-01-01T00:00:00.000Z',
      datasets: [],
      rows: 2,
      dateRange: { from: '2025-11-03', to: '2025-11-04' },
      currencies: ['USD'],
      totals: [row],
      breakdowns: {
        ad_group: [{ ad_group: 'Broad', ...row }],
        funnel_stage: [{ funnel_stage: 'Awareness', ...row }],
        'age×gender': [{ age: '25-34', gender: 'female', ...row }],
      },
      timeSeries: {},
      warnings: [],
    };
    const text = renderReport(report, 'text');
    expect(text).toContain('By ad group\n');
    expect(text).toContain('By funnel stage\n');
    expect(text).toContain('By age × gender\n');
    expect(text).toMatch(/^Ad group\s+Spend\s+Video views\s+CTR\s+CPC/m);
    expect(text).toMatch(/^Age\s+Gender\s+Spend/m);
    expect(text).not.toMatch(/ad_group|funnel_stage|video_views|CTR %/);
    expect(labelOf('funnel_stage')).toBe('Funnel stage');
    expect(labelOf('roas')).toBe('ROAS');
    expect(labelOf('period')).toBe('Period');
  });
});

describe('days in sentences', () => {
  it('reads a day and a span as the web app does, with plain spaces, in UTC whatever the machine', () => {
    expect(formatDay('2026-01-01')).toBe('Jan 1, 2026');
    expect(formatDays('2026-10-25', '2026-10-25')).toBe('Oct 25, 2026');
    expect(formatDays('2026-10-01', '2026-10-30')).toBe('Oct 1 – 30, 2026');
    expect(formatDays('2026-10-25', '2026-11-03')).toBe('Oct 25 – Nov 3, 2026');
    expect(formatDays('2025-12-20', '2026-01-05')).toBe('Dec 20, 2025 – Jan 5, 2026');
  });
});
