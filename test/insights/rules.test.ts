import { describe, expect, it } from 'vitest';
import type { InsightInput } from '../../src/insights/input.js';
import { pace } from '../../src/insights/pacing.js';
import { INSIGHT_RULES, ruleById } from '../../src/insights/rules/index.js';
import { days, daySeries, group, input } from './fixtures.js';

const flat = (count: number, measures: Parameters<typeof days>[0][number]) =>
  Array.from({ length: count }, () => measures);

/** 3,000 over the 30 days of March 2026. */
const flight = {
  id: 'bud_1',
  scope: 'campaign' as const,
  name: 'Spring',
  amount: 3000,
  currency: 'USD',
  startDate: '2026-03-01',
  endDate: '2026-03-30',
};

/** 1,000 clean rows but for the counts given. */
const withQuality = (counts: Partial<InsightInput['quality']>) =>
  input({
    quality: {
      rows: 1000,
      duplicates: 0,
      clicksOverImpressions: 0,
      conversionsOverClicks: 0,
      negativeValues: 0,
      droppedRows: 0,
      ...counts,
    },
  });

/** A segment that converts five times cheaper fires; two equal segments do not. */
function segmentCase(dimension: 'age' | 'gender' | 'country', best: string, rest: string) {
  const of = (a: number, b: number) =>
    input({
      totals: { spend: 2000, conversions: 120 },
      breakdowns: {
        [dimension]: [group(best, { spend: 1000, conversions: a }), group(rest, { spend: 1000, conversions: b })],
      },
    });
  return { [`audience.best_${dimension}_segment`]: { fires: of(100, 20), quiet: of(60, 60), subject: best } };
}

/** For every rule: data where it must fire, and data where it must stay quiet. */
const CASES: Record<string, { fires: InsightInput; quiet: InsightInput; subject?: string }> = {
  'performance.top_campaign_roas': {
    fires: input({
      campaigns: {
        Alpha: { spend: 1000, revenue: 5000 },
        Beta: { spend: 1000, revenue: 1500 },
        Gamma: { spend: 1000, revenue: 1200 },
      },
    }),
    // A $3 row with a ROAS of 50 must not top the list.
    quiet: input({
      campaigns: {
        Alpha: { spend: 1000, revenue: 2000 },
        Beta: { spend: 1000, revenue: 2100 },
        Gamma: { spend: 1000, revenue: 2200 },
        Tiny: { spend: 3, revenue: 150 },
      },
    }),
    subject: 'Alpha',
  },
  'performance.bottom_campaign_roas': {
    fires: input({ campaigns: { Alpha: { spend: 1000, revenue: 5000 }, Beta: { spend: 1000, revenue: 500 } } }),
    quiet: input({
      campaigns: {
        Alpha: { spend: 1000, revenue: 2000 },
        Beta: { spend: 1000, revenue: 2100 },
        Tiny: { spend: 2, revenue: 0 },
      },
    }),
    subject: 'Beta',
  },
  'performance.unprofitable_platform': {
    fires: input({ platforms: { Meta: { spend: 1000, revenue: 800 }, 'Google Ads': { spend: 1000, revenue: 3000 } } }),
    quiet: input({ platforms: { Meta: { spend: 1000, revenue: 1800 }, 'Google Ads': { spend: 1000, revenue: 3000 } } }),
    subject: 'Meta',
  },
  'performance.kpi_against_previous_period': {
    fires: input({
      totals: { spend: 1000, revenue: 1500, conversions: 50, clicks: 1000 },
      previous: { spend: 1000, revenue: 3000, conversions: 50, clicks: 1000 },
    }),
    quiet: input({
      totals: { spend: 1000, revenue: 2900, conversions: 50, clicks: 1000 },
      previous: { spend: 1000, revenue: 3000, conversions: 50, clicks: 1000 },
    }),
    subject: 'roas',
  },
  'budget.spend_concentration': {
    fires: input({ platforms: { Meta: { spend: 8000 }, 'Google Ads': { spend: 1000 }, TikTok: { spend: 1000 } } }),
    quiet: input({ platforms: { Meta: { spend: 5000 }, 'Google Ads': { spend: 3000 }, TikTok: { spend: 2000 } } }),
    subject: 'Meta',
  },
  'budget.underfunded_high_roas_platform': {
    fires: input({
      platforms: {
        Meta: { spend: 8000, revenue: 12000 },
        'Google Ads': { spend: 1500, revenue: 6000 },
        TikTok: { spend: 500, revenue: 500 },
      },
    }),
    quiet: input({
      platforms: {
        Meta: { spend: 8000, revenue: 12000 },
        'Google Ads': { spend: 1500, revenue: 3000 },
        TikTok: { spend: 500, revenue: 500 },
      },
    }),
    subject: 'Google Ads',
  },
  'budget.spend_without_conversions': {
    fires: input({ campaigns: { Alpha: { spend: 1000, conversions: 50 }, Beta: { spend: 1000, conversions: 0 } } }),
    quiet: input({ campaigns: { Alpha: { spend: 1000, conversions: 50 }, Beta: { spend: 1000, conversions: 5 } } }),
    subject: 'Beta',
  },
  'creative.ctr_below_benchmark': {
    fires: input({ platforms: { Meta: { impressions: 100_000, clicks: 500, spend: 1000 } } }),
    quiet: input({
      platforms: {
        Meta: { impressions: 100_000, clicks: 1600, spend: 1000 },
        TikTok: { impressions: 5_000, clicks: 1, spend: 10 },
      },
    }),
    subject: 'Meta',
  },
  'creative.fatigue': {
    fires: input({
      totals: { spend: 1200 },
      dailyByCampaign: {
        Evergreen: daySeries([
          ...flat(4, { impressions: 10_000, reach: 5_000, clicks: 200, spend: 100 }),
          ...flat(4, { impressions: 10_000, reach: 4_000, clicks: 150, spend: 100 }),
          ...flat(4, { impressions: 10_000, reach: 2_500, clicks: 100, spend: 100 }),
        ]),
      },
    }),
    quiet: input({
      totals: { spend: 1200 },
      dailyByCampaign: {
        Evergreen: daySeries(flat(12, { impressions: 10_000, reach: 5_000, clicks: 200, spend: 100 })),
      },
    }),
    subject: 'Evergreen',
  },
  'efficiency.landing_page_gap': {
    fires: input({ platforms: { 'Google Ads': { impressions: 10_000, clicks: 800, conversions: 8, spend: 2000 } } }),
    quiet: input({ platforms: { 'Google Ads': { impressions: 10_000, clicks: 800, conversions: 80, spend: 2000 } } }),
    subject: 'Google Ads',
  },
  'efficiency.cpc_above_benchmark': {
    fires: input({ platforms: { Meta: { impressions: 100_000, clicks: 1000, spend: 2000 } } }),
    quiet: input({ platforms: { Meta: { impressions: 100_000, clicks: 1000, spend: 800 } } }),
    subject: 'Meta',
  },
  'efficiency.cpm_above_benchmark': {
    fires: input({ platforms: { Meta: { impressions: 100_000, clicks: 5000, spend: 3000 } } }),
    quiet: input({ platforms: { Meta: { impressions: 100_000, clicks: 5000, spend: 1000 } } }),
    subject: 'Meta',
  },
  'efficiency.cpa_spike': {
    fires: input({
      daily: days([...flat(14, { spend: 100, conversions: 10 }), ...flat(7, { spend: 100, conversions: 4 })]),
    }),
    // Too short a history says nothing.
    quiet: input({
      daily: days([...flat(3, { spend: 100, conversions: 10 }), ...flat(7, { spend: 100, conversions: 2 })]),
    }),
    subject: 'all',
  },
  'efficiency.spend_up_results_flat': {
    fires: input({ totals: { spend: 1300, conversions: 50 }, previous: { spend: 1000, conversions: 50 } }),
    quiet: input({ totals: { spend: 1300, conversions: 70 }, previous: { spend: 1000, conversions: 50 } }),
    subject: 'all',
  },
  'audience.device_gap': {
    fires: input({
      totals: { spend: 1000 },
      breakdowns: {
        device: [
          group('mobile', { spend: 500, clicks: 1000, conversions: 10 }),
          group('desktop', { spend: 500, clicks: 1000, conversions: 50 }),
        ],
      },
    }),
    quiet: input({
      totals: { spend: 1000 },
      breakdowns: {
        device: [
          group('mobile', { spend: 500, clicks: 1000, conversions: 40 }),
          group('desktop', { spend: 500, clicks: 1000, conversions: 50 }),
        ],
      },
    }),
    subject: 'mobile',
  },
  ...segmentCase('age', '18-24', '25-34'),
  ...segmentCase('gender', 'female', 'male'),
  ...segmentCase('country', 'DE', 'FR'),
  'pacing.weekday_effect': {
    // 2026-03-01 is a Sunday: every seventh day converts poorly.
    fires: input({
      daily: days(
        Array.from({ length: 28 }, (_, i) => ({ clicks: 100, spend: 50, conversions: i % 7 === 0 ? 2 : 10 })),
      ),
    }),
    quiet: input({ daily: days(flat(28, { clicks: 100, spend: 50, conversions: 10 })) }),
    subject: 'Monday/Sunday',
  },
  'pacing.budget_off_track': {
    fires: input({
      totals: { spend: 2000 },
      pacing: [pace(flight, daySeries(flat(10, { spend: 200 })), '2026-03-10')],
    }),
    quiet: input({
      totals: { spend: 1000 },
      pacing: [
        pace(flight, daySeries(flat(10, { spend: 100 })), '2026-03-10'),
        pace({ ...flight, id: 'bud_2' }, daySeries([]), '2026-02-01'),
      ],
    }),
    subject: 'campaign:Spring:bud_1',
  },
  'data_quality.tracking_gap': {
    fires: input({
      totals: { spend: 1400 },
      dailyByPlatform: {
        Meta: daySeries([
          ...flat(10, { spend: 100, clicks: 50, conversions: 5 }),
          ...flat(4, { spend: 100, clicks: 50, conversions: 0 }),
        ]),
      },
    }),
    quiet: input({
      totals: { spend: 1200 },
      dailyByPlatform: {
        Meta: daySeries([
          ...flat(10, { spend: 100, clicks: 50, conversions: 5 }),
          ...flat(2, { spend: 100, clicks: 50, conversions: 0 }),
        ]),
      },
    }),
    subject: 'Meta',
  },
  'anomaly.daily_kpi_outlier': {
    fires: input({
      daily: days([
        ...Array.from({ length: 19 }, (_, i) => ({ spend: 100 + (i % 3) * 4, conversions: 10 })),
        { spend: 400, conversions: 10 },
      ]),
    }),
    quiet: input({
      daily: days(Array.from({ length: 20 }, (_, i) => ({ spend: 100 + (i % 3) * 4, conversions: 10 }))),
    }),
    subject: 'total:all:spend:2026-03-20',
  },
  'data_quality.duplicate_rows': {
    fires: withQuality({ duplicates: 20 }),
    quiet: withQuality({ duplicates: 5 }),
  },
  'data_quality.clicks_over_impressions': {
    fires: withQuality({ clicksOverImpressions: 3 }),
    quiet: input(),
  },
  'data_quality.conversions_over_clicks': {
    fires: withQuality({ conversionsOverClicks: 60 }),
    quiet: withQuality({ conversionsOverClicks: 10 }),
  },
  'data_quality.negative_values': {
    fires: withQuality({ negativeValues: 2 }),
    quiet: input(),
  },
  'data_quality.missing_measures': {
    fires: input({ measures: new Set(['impressions', 'clicks', 'spend']) }),
    quiet: input(),
    subject: 'revenue+conversions',
  },
  'data_quality.unconverted_currencies': {
    fires: input({ otherCurrencies: ['EUR'] }),
    quiet: input(),
  },
};

describe('insight rules', () => {
  it('has at least 20 rules, each with a stable id, a category, a priority and a fixture pair', () => {
    expect(INSIGHT_RULES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(INSIGHT_RULES.map((rule) => rule.id)).size).toBe(INSIGHT_RULES.length);
    expect(Object.keys(CASES).sort()).toEqual(INSIGHT_RULES.map((rule) => rule.id).sort());
  });

  for (const [ruleId, fixture] of Object.entries(CASES)) {
    it(`${ruleId} fires on its fixture and stays quiet on the other`, () => {
      const rule = ruleById(ruleId)!;
      const found = rule.evaluate(fixture.fires);
      expect(found.length, 'fires').toBeGreaterThan(0);
      for (const finding of found) {
        expect(finding.ruleId).toBe(ruleId);
        expect(finding.category).toBe(rule.category);
        expect(finding.sentence).toMatch(/^[^\n]+\.$/);
        expect(Object.keys(finding.evidence.figures).length).toBeGreaterThan(0);
        for (const value of Object.values(finding.evidence.figures))
          if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
        if (finding.recommendation?.expectedImpact)
          expect(Number.isFinite(finding.recommendation.expectedImpact.value)).toBe(true);
      }
      if (fixture.subject) expect(found.map((finding) => finding.subject)).toContain(fixture.subject);
      expect(rule.evaluate(fixture.quiet), 'quiet').toEqual([]);
    });
  }

  it('heads an audience segment by its dimension as people read it, not its key', () => {
    const [finding] = ruleById('audience.best_age_segment')!.evaluate(CASES['audience.best_age_segment']!.fires);
    expect(finding!.title).toBe('Age 18-24 converts most cheaply');
  });

  it('computes the budget shift from the data and states its assumption', () => {
    const [finding] = ruleById('budget.underfunded_high_roas_platform')!.evaluate(
      CASES['budget.underfunded_high_roas_platform']!.fires,
    );
    // 10 % of TikTok's 500 moved to Google Ads: 50 × (4 − 1) = 150 more revenue.
    expect(finding!.recommendation).toMatchObject({
      type: 'shift_budget',
      expectedImpact: { metric: 'revenue', value: 150, currency: 'USD' },
    });
    expect(finding!.recommendation!.assumptions[0]).toContain('current ROAS');
  });

  it("uses the organisation's own benchmark over the built-in one", () => {
    const rule = ruleById('creative.ctr_below_benchmark')!;
    const fires = CASES['creative.ctr_below_benchmark']!.fires;
    expect(rule.evaluate({ ...fires, benchmarks: { overrides: { Meta: { ctr: 0.6 } } } })).toEqual([]);
    expect(
      rule.evaluate({ ...fires, benchmarks: { overrides: { social: { ctr: 2 } } } })[0]!.evidence.figures.benchmark,
    ).toBe(2);
  });

  it('names the currencies left out as a reader would, rows with no stated currency included', () => {
    const rule = ruleById('data_quality.unconverted_currencies')!;
    const sentence = (currency: string | null, otherCurrencies: string[]) =>
      rule.evaluate({ ...input(), currency, otherCurrencies })[0]!.sentence;
    expect(sentence('USD', ['EUR'])).toBe(
      'Insights compare the USD figures only; EUR figures are reported apart and not compared.',
    );
    expect(sentence('USD', ['EUR', 'GBP', 'unknown'])).toBe(
      'Insights compare the USD figures only; EUR and GBP figures and those with no stated currency are reported apart and not compared.',
    );
    expect(sentence('USD', ['unknown'])).toBe(
      'Insights compare the USD figures only; figures with no stated currency are reported apart and not compared.',
    );
    expect(sentence(null, ['EUR'])).toBe(
      'Insights compare the figures with no stated currency only; EUR figures are reported apart and not compared.',
    );
  });

  it('never divides by zero: empty data fires nothing but the missing-measure rule', () => {
    const empty = input({
      measures: new Set(),
      quality: {
        rows: 0,
        duplicates: 0,
        clicksOverImpressions: 0,
        conversionsOverClicks: 0,
        negativeValues: 0,
        droppedRows: 0,
      },
    });
    expect(INSIGHT_RULES.flatMap((rule) => rule.evaluate(empty))).toEqual([]);
  });
});
