import type { AskIntent, AskQuery } from '../../src/ask/parse.js';
import type { Metric } from '../../src/analysis/query.js';
import type { Dimension } from '../../src/analysis/schema.js';

/**
 * Questions as marketers ask them, with the structured query each must
 * become. Written by hand against two datasets: GENERATED (gen-campaigns.mjs:
 * six platforms, "Campaign 0".."Campaign 199", "Ad Set 0".."Ad Set 49", three
 * devices, every day of 2025, last day Wednesday 2025-12-31) and CORPUS (the
 * exports under test/fixtures/exports: November 2025, last day Sunday
 * 2025-11-30). The conventions the expectations follow:
 * - the data's last day stands for yesterday; "this week/month" holds it,
 *   "last week/month" is the one before; "last N days" end on it;
 * - a breakdown lists the largest first (orderBy its first metric, desc); a
 *   series by period keeps period order;
 * - "top"/"best" follow the metric's direction (the best CPA is the lowest),
 *   "highest"/"most" and "lowest"/"least" are literal; a singular noun asks
 *   for one row, a plural for ten unless a number is given;
 * - with no figure named, the headline figures the data has;
 * - comparisons carry both ranges (dateRange and compareTo); "why" compares
 *   the day with the day before, a period with the one before.
 */
export type Expectation = { intent?: AskIntent; query: AskQuery } | 'clarify' | 'unreadable';

export interface EvalCase {
  readonly q: string;
  readonly category: string;
  readonly data: 'generated' | 'corpus';
  readonly expect: Expectation;
}

const R = (from: string, to = from) => ({ from, to });
const Q = (metrics: Metric[], rest: Partial<AskQuery> = {}): { query: AskQuery } => ({
  query: { metrics, dimensions: [], ...rest },
});
const BY = (dimension: Dimension, metrics: Metric[], rest: Partial<AskQuery> = {}): { query: AskQuery } =>
  Q(metrics, { dimensions: [dimension], orderBy: { field: metrics[0]!, direction: 'desc' }, ...rest });
const RANK = (
  dimension: Dimension,
  metric: Metric,
  direction: 'asc' | 'desc',
  limit: number,
  rest: Partial<AskQuery> = {},
): { query: AskQuery } =>
  Q([metric], { dimensions: [dimension], orderBy: { field: metric, direction }, limit, ...rest });
const F = (dimension: Dimension, ...values: string[]) => ({ dimension, values });
const WHY = (
  metric: Metric,
  dateRange: { from: string; to: string },
  compareTo: { from: string; to: string },
  rest: Partial<AskQuery> = {},
) => ({
  intent: 'why' as const,
  query: { metrics: [metric], dimensions: [], dateRange, compareTo, ...rest },
});

const HEADLINE: Metric[] = ['spend', 'impressions', 'clicks', 'conversions', 'revenue', 'ctr', 'cpa', 'roas'];

// GENERATED: last day 2025-12-31 (Wednesday)
const YDAY = R('2025-12-31');
const LW = R('2025-12-22', '2025-12-28');
const LW_PREV = R('2025-12-15', '2025-12-21');
const TW = R('2025-12-29', '2025-12-31');
const L7 = R('2025-12-25', '2025-12-31');
const L14 = R('2025-12-18', '2025-12-31');
const L30 = R('2025-12-02', '2025-12-31');
const L90 = R('2025-10-03', '2025-12-31');
const DEC = R('2025-12-01', '2025-12-31');
const NOV = R('2025-11-01', '2025-11-30');
const OCT = R('2025-10-01', '2025-10-31');
const SEP = R('2025-09-01', '2025-09-30');
const AUG = R('2025-08-01', '2025-08-31');
const MAR = R('2025-03-01', '2025-03-31');
const FEB = R('2025-02-01', '2025-02-28');
const JAN = R('2025-01-01', '2025-01-31');
const JUN = R('2025-06-01', '2025-06-30');
const MAY = R('2025-05-01', '2025-05-31');
const Q1 = R('2025-01-01', '2025-03-31');
const Q2 = R('2025-04-01', '2025-06-30');
const Q3 = R('2025-07-01', '2025-09-30');
const Q4 = R('2025-10-01', '2025-12-31');
const Y2025 = R('2025-01-01', '2025-12-31');
const SINCE10 = R('2025-12-10', '2025-12-31');
const D17 = R('2025-12-17');
const D16 = R('2025-12-16');

// CORPUS: last day 2025-11-30 (Sunday)
const C_YDAY = R('2025-11-30');
const C_LW = R('2025-11-17', '2025-11-23');
const C_LW_PREV = R('2025-11-10', '2025-11-16');
const C_TW = R('2025-11-24', '2025-11-30');
const C_L7 = R('2025-11-24', '2025-11-30');
const C_NOV = R('2025-11-01', '2025-11-30');

const generated = (category: string, q: string, expect: Expectation): EvalCase => ({
  q,
  category,
  data: 'generated',
  expect,
});
const corpus = (category: string, q: string, expect: Expectation): EvalCase => ({
  q,
  category,
  data: 'corpus',
  expect,
});

export const QUESTIONS: readonly EvalCase[] = [
  // Metrics and their synonyms
  generated('metrics', 'How much did we spend?', Q(['spend'])),
  generated('metrics', 'Total spend', Q(['spend'])),
  generated('metrics', 'What was the total cost?', Q(['spend'])),
  generated('metrics', 'Amount spent across everything', Q(['spend'])),
  generated('metrics', 'What is our media spend in November?', Q(['spend'], { dateRange: NOV })),
  generated('metrics', 'Total revenue this year', Q(['revenue'], { dateRange: Y2025 })),
  generated('metrics', 'How much conversion value did we drive?', Q(['revenue'])),
  generated('metrics', 'How many conversions did we get last month?', Q(['conversions'], { dateRange: NOV })),
  generated('metrics', 'Number of purchases in October', Q(['conversions'], { dateRange: OCT })),
  generated('metrics', 'How many clicks yesterday?', Q(['clicks'], { dateRange: YDAY })),
  generated('metrics', 'impressions last week', Q(['impressions'], { dateRange: LW })),
  generated('metrics', "What's our ROAS?", Q(['roas'])),
  generated('metrics', 'Return on ad spend in Q3', Q(['roas'], { dateRange: Q3 })),
  generated('metrics', 'What is the return on advertising spend this month?', Q(['roas'], { dateRange: DEC })),
  generated('metrics', 'CPA last 30 days', Q(['cpa'], { dateRange: L30 })),
  generated('metrics', 'cost per acquisition for December', Q(['cpa'], { dateRange: DEC })),
  generated('metrics', 'What was our cost per conversion?', Q(['cpa'])),
  generated('metrics', 'cost per result by platform', BY('platform', ['cpa'])),
  generated('metrics', 'What is the click-through rate?', Q(['ctr'])),
  generated('metrics', 'click rate by device', BY('device', ['ctr'])),
  generated('metrics', 'CTR in September', Q(['ctr'], { dateRange: SEP })),
  generated('metrics', 'clickthrough rate on Meta', Q(['ctr'], { filters: [F('platform', 'Meta')] })),
  generated('metrics', 'conversion rate by platform', BY('platform', ['cvr'])),
  generated('metrics', "What's the conv rate on mobile?", Q(['cvr'], { filters: [F('device', 'Mobile')] })),
  generated('metrics', 'CPM by platform last quarter', BY('platform', ['cpm'], { dateRange: Q3 })),
  generated(
    'metrics',
    'cost per thousand impressions on LinkedIn',
    Q(['cpm'], { filters: [F('platform', 'LinkedIn')] }),
  ),
  generated('metrics', 'cost per click by device', BY('device', ['cpc'])),
  generated('metrics', 'average CPC in August', Q(['cpc'], { dateRange: AUG })),
  generated('metrics', 'average order value by platform', BY('platform', ['aov'])),
  generated('metrics', 'AOV last month', Q(['aov'], { dateRange: NOV })),
  generated('metrics', 'profit by campaign', BY('campaign', ['profit'])),
  generated('metrics', 'What was our profit in Q4?', Q(['profit'], { dateRange: Q4 })),
  generated('metrics', 'spend and revenue by platform', BY('platform', ['spend', 'revenue'])),
  generated('metrics', 'Show me spend, conversions and CPA by device', BY('device', ['spend', 'conversions', 'cpa'])),
  generated('metrics', 'clicks and impressions yesterday', Q(['clicks', 'impressions'], { dateRange: YDAY })),
  generated('metrics', 'How many orders did TikTok bring?', Q(['conversions'], { filters: [F('platform', 'TikTok')] })),
  generated('metrics', 'cost per lead by device', BY('device', ['cpa'])),
  generated('metrics', 'results by ad set', BY('ad_group', ['conversions'])),
  generated(
    'metrics',
    'link clicks on Snapchat last week',
    Q(['clicks'], { filters: [F('platform', 'Snapchat')], dateRange: LW }),
  ),
  generated('metrics', 'ad spend by month', Q(['spend'], { granularity: 'month' })),
  generated('metrics', 'CAC by platform', BY('platform', ['cpa'])),
  generated(
    'metrics',
    'How much have we invested in Google this quarter?',
    Q(['spend'], { filters: [F('platform', 'Google Ads')], dateRange: Q4 }),
  ),

  // Dimensions and their synonyms
  generated('dimensions', 'spend by platform', BY('platform', ['spend'])),
  generated('dimensions', 'revenue per network', BY('platform', ['revenue'])),
  generated('dimensions', 'conversions by channel', BY('platform', ['conversions'])),
  generated('dimensions', 'spend by campaign', BY('campaign', ['spend'])),
  generated('dimensions', 'ROAS by ad set', BY('ad_group', ['roas'])),
  generated('dimensions', 'clicks per ad group', BY('ad_group', ['clicks'])),
  generated('dimensions', 'CPA by ad squad', BY('ad_group', ['cpa'])),
  generated('dimensions', 'conversions by line item', BY('ad_group', ['conversions'])),
  generated('dimensions', 'spend by adset', BY('ad_group', ['spend'])),
  generated('dimensions', 'revenue by device', BY('device', ['revenue'])),
  generated('dimensions', 'CTR by device type', BY('device', ['ctr'])),
  generated(
    'dimensions',
    'break down spend by platform and device',
    Q(['spend'], { dimensions: ['platform', 'device'], orderBy: { field: 'spend', direction: 'desc' } }),
  ),
  generated('dimensions', 'conversions split by platform', BY('platform', ['conversions'])),
  generated(
    'dimensions',
    'spend for each campaign on Meta',
    BY('campaign', ['spend'], { filters: [F('platform', 'Meta')] }),
  ),
  generated('dimensions', 'ROAS across platforms last month', BY('platform', ['roas'], { dateRange: NOV })),
  generated('dimensions', 'Which platforms did we spend on?', BY('platform', ['spend'])),
  generated(
    'dimensions',
    'revenue by platform by month',
    Q(['revenue'], { dimensions: ['platform'], granularity: 'month' }),
  ),
  generated('dimensions', 'spend by region', 'clarify'),
  generated('dimensions', 'conversions by country', 'clarify'),
  generated('dimensions', 'clicks by gender', 'clarify'),
  generated('dimensions', 'total spend across all platforms', Q(['spend'])),

  // Names in the data, matched forgivingly
  generated('values', 'spend on Meta', Q(['spend'], { filters: [F('platform', 'Meta')] })),
  generated(
    'values',
    'Facebook revenue last week',
    Q(['revenue'], { filters: [F('platform', 'Meta')], dateRange: LW }),
  ),
  generated(
    'values',
    'How did Instagram do in November?',
    Q(HEADLINE, { filters: [F('platform', 'Meta')], dateRange: NOV }),
  ),
  generated(
    'values',
    'google spend yesterday',
    Q(['spend'], { filters: [F('platform', 'Google Ads')], dateRange: YDAY }),
  ),
  generated('values', 'conversions from google ads', Q(['conversions'], { filters: [F('platform', 'Google Ads')] })),
  generated('values', 'linkedin CPA', Q(['cpa'], { filters: [F('platform', 'LinkedIn')] })),
  generated(
    'values',
    'Linked In cost per conversion this month',
    Q(['cpa'], { filters: [F('platform', 'LinkedIn')], dateRange: DEC }),
  ),
  generated('values', 'tik tok clicks', Q(['clicks'], { filters: [F('platform', 'TikTok')] })),
  generated('values', 'TIKTOK ROAS', Q(['roas'], { filters: [F('platform', 'TikTok')] })),
  generated('values', 'snap spend last 7 days', Q(['spend'], { filters: [F('platform', 'Snapchat')], dateRange: L7 })),
  generated('values', 'dv360 impressions', Q(['impressions'], { filters: [F('platform', 'DV360')] })),
  generated('values', 'DV 360 CPM in October', Q(['cpm'], { filters: [F('platform', 'DV360')], dateRange: OCT })),
  generated('values', 'mobile conversions', Q(['conversions'], { filters: [F('device', 'Mobile')] })),
  generated('values', 'desktop CTR last week', Q(['ctr'], { filters: [F('device', 'Desktop')], dateRange: LW })),
  generated('values', 'tablet spend', Q(['spend'], { filters: [F('device', 'Tablet')] })),
  generated('values', 'spend on phones', Q(['spend'], { filters: [F('device', 'Mobile')] })),
  generated('values', 'How is Campaign 12 doing?', Q(HEADLINE, { filters: [F('campaign', 'Campaign 12')] })),
  generated(
    'values',
    'spend for campaign 7 last month',
    Q(['spend'], { filters: [F('campaign', 'Campaign 7')], dateRange: NOV }),
  ),
  generated(
    'values',
    'ROAS of Campaign 150 by platform',
    BY('platform', ['roas'], { filters: [F('campaign', 'Campaign 150')] }),
  ),
  generated('values', 'ad set 3 conversions', Q(['conversions'], { filters: [F('ad_group', 'Ad Set 3')] })),
  generated(
    'values',
    'CPA for Ad Set 42 on TikTok',
    Q(['cpa'], { filters: [F('platform', 'TikTok'), F('ad_group', 'Ad Set 42')] }),
  ),
  generated(
    'values',
    'Meta vs Google spend',
    BY('platform', ['spend'], { filters: [F('platform', 'Meta', 'Google Ads')] }),
  ),
  generated(
    'values',
    'compare ROAS for TikTok and Snapchat',
    BY('platform', ['roas'], { filters: [F('platform', 'TikTok', 'Snapchat')] }),
  ),
  generated(
    'values',
    'mobile vs desktop conversion rate',
    BY('device', ['cvr'], { filters: [F('device', 'Mobile', 'Desktop')] }),
  ),
  generated(
    'values',
    'campaign 3 and campaign 4 revenue',
    BY('campaign', ['revenue'], { filters: [F('campaign', 'Campaign 3', 'Campaign 4')] }),
  ),
  generated('values', 'meta mobile spend', Q(['spend'], { filters: [F('platform', 'Meta'), F('device', 'Mobile')] })),
  generated('values', 'Spend on Pinterest', 'clarify'),

  // Time relative to the data's last day
  generated('time', 'spend yesterday', Q(['spend'], { dateRange: YDAY })),
  generated('time', 'revenue last week', Q(['revenue'], { dateRange: LW })),
  generated('time', 'clicks this week', Q(['clicks'], { dateRange: TW })),
  generated('time', 'spend in the last 7 days', Q(['spend'], { dateRange: L7 })),
  generated('time', 'conversions over the last 14 days', Q(['conversions'], { dateRange: L14 })),
  generated('time', 'ROAS for the past 30 days', Q(['roas'], { dateRange: L30 })),
  generated('time', 'CPA last fourteen days', Q(['cpa'], { dateRange: L14 })),
  generated('time', 'spend over the past week', Q(['spend'], { dateRange: L7 })),
  generated('time', 'revenue in the last 90 days', Q(['revenue'], { dateRange: L90 })),
  generated('time', 'spend in the last 3 months', Q(['spend'], { dateRange: R('2025-10-01', '2025-12-31') })),
  generated('time', 'spend last 2 weeks', Q(['spend'], { dateRange: L14 })),
  generated('time', 'revenue in November', Q(['revenue'], { dateRange: NOV })),
  generated('time', 'conversions during March', Q(['conversions'], { dateRange: MAR })),
  generated('time', 'spend in Feb', Q(['spend'], { dateRange: FEB })),
  generated('time', 'clicks for January 2025', Q(['clicks'], { dateRange: JAN })),
  generated('time', 'revenue in May', Q(['revenue'], { dateRange: MAY })),
  generated('time', 'ROAS in June', Q(['roas'], { dateRange: JUN })),
  generated('time', 'spend in Q3', Q(['spend'], { dateRange: Q3 })),
  generated('time', 'revenue Q1 2025', Q(['revenue'], { dateRange: Q1 })),
  generated('time', 'conversions in the second quarter', Q(['conversions'], { dateRange: Q2 })),
  generated('time', 'spend last quarter', Q(['spend'], { dateRange: Q3 })),
  generated('time', 'revenue this quarter', Q(['revenue'], { dateRange: Q4 })),
  generated('time', 'spend this month', Q(['spend'], { dateRange: DEC })),
  generated('time', 'revenue month to date', Q(['revenue'], { dateRange: DEC })),
  generated('time', 'spend year to date', Q(['spend'], { dateRange: Y2025 })),
  generated('time', 'YTD revenue by platform', BY('platform', ['revenue'], { dateRange: Y2025 })),
  generated('time', 'spend since the 10th', Q(['spend'], { dateRange: SINCE10 })),
  generated('time', 'conversions since 10 November', Q(['conversions'], { dateRange: R('2025-11-10', '2025-12-31') })),
  generated('time', 'revenue since November 1st', Q(['revenue'], { dateRange: R('2025-11-01', '2025-12-31') })),
  generated('time', 'spend on the 17th', Q(['spend'], { dateRange: D17 })),
  generated('time', 'revenue on 17 November', Q(['revenue'], { dateRange: R('2025-11-17') })),
  generated('time', 'clicks on Nov 3rd', Q(['clicks'], { dateRange: R('2025-11-03') })),
  generated('time', 'spend on 2025-07-04', Q(['spend'], { dateRange: R('2025-07-04') })),
  generated('time', 'spend from 1 to 15 November', Q(['spend'], { dateRange: R('2025-11-01', '2025-11-15') })),
  generated('time', 'revenue between Nov 1 and Nov 15', Q(['revenue'], { dateRange: R('2025-11-01', '2025-11-15') })),
  generated(
    'time',
    'conversions from 2025-06-01 to 2025-06-15',
    Q(['conversions'], { dateRange: R('2025-06-01', '2025-06-15') }),
  ),
  generated('time', 'spend over the weekend', Q(['spend'], { dateRange: R('2025-12-27', '2025-12-28') })),
  generated('time', 'revenue in 2025', Q(['revenue'], { dateRange: Y2025 })),
  generated('time', 'daily spend last week', Q(['spend'], { granularity: 'day', dateRange: LW })),
  generated('time', 'spend by day in November', Q(['spend'], { granularity: 'day', dateRange: NOV })),
  generated('time', 'weekly revenue this quarter', Q(['revenue'], { granularity: 'week', dateRange: Q4 })),
  generated('time', 'conversions by week', Q(['conversions'], { granularity: 'week' })),
  generated('time', 'monthly spend', Q(['spend'], { granularity: 'month' })),
  generated('time', 'ROAS by month this year', Q(['roas'], { granularity: 'month', dateRange: Y2025 })),
  generated('time', 'quarterly revenue', Q(['revenue'], { granularity: 'quarter' })),
  generated('time', 'spend trend over the last 30 days', Q(['spend'], { granularity: 'day', dateRange: L30 })),
  generated('time', 'CPA over time', Q(['cpa'], { granularity: 'week' })),
  generated(
    'time',
    'daily clicks on Meta since the 10th',
    Q(['clicks'], { filters: [F('platform', 'Meta')], granularity: 'day', dateRange: SINCE10 }),
  ),
  generated(
    'time',
    'spend per week by platform in Q4',
    Q(['spend'], { dimensions: ['platform'], granularity: 'week', dateRange: Q4 }),
  ),

  // Ranking
  generated(
    'ranking',
    'Top 5 ad sets by conversions on Meta',
    RANK('ad_group', 'conversions', 'desc', 5, { filters: [F('platform', 'Meta')] }),
  ),
  generated('ranking', 'top 10 campaigns by spend', RANK('campaign', 'spend', 'desc', 10)),
  generated(
    'ranking',
    'top 3 platforms by revenue last month',
    RANK('platform', 'revenue', 'desc', 3, { dateRange: NOV }),
  ),
  generated('ranking', 'best campaign by ROAS', RANK('campaign', 'roas', 'desc', 1)),
  generated('ranking', 'best 5 campaigns by CPA', RANK('campaign', 'cpa', 'asc', 5)),
  generated('ranking', 'worst campaigns by CPA', RANK('campaign', 'cpa', 'desc', 10)),
  generated('ranking', 'worst 5 ad sets by ROAS', RANK('ad_group', 'roas', 'asc', 5)),
  generated('ranking', 'Which platform has the best CPA?', RANK('platform', 'cpa', 'asc', 1)),
  generated(
    'ranking',
    'Which platform had the worst ROAS last week?',
    RANK('platform', 'roas', 'asc', 1, { dateRange: LW }),
  ),
  generated('ranking', 'Which campaign spent the most?', RANK('campaign', 'spend', 'desc', 1)),
  generated(
    'ranking',
    'which campaigns spent the most in November',
    RANK('campaign', 'spend', 'desc', 10, { dateRange: NOV }),
  ),
  generated('ranking', 'Which device has the highest conversion rate?', RANK('device', 'cvr', 'desc', 1)),
  generated('ranking', 'Which device has the lowest CPC?', RANK('device', 'cpc', 'asc', 1)),
  generated('ranking', 'highest CPA campaigns', RANK('campaign', 'cpa', 'desc', 10)),
  generated('ranking', 'lowest ROAS ad sets this month', RANK('ad_group', 'roas', 'asc', 10, { dateRange: DEC })),
  generated('ranking', 'bottom 5 campaigns by revenue', RANK('campaign', 'revenue', 'asc', 5)),
  generated('ranking', 'campaigns with the fewest conversions', RANK('campaign', 'conversions', 'asc', 10)),
  generated(
    'ranking',
    'which ad set got the most clicks yesterday',
    RANK('ad_group', 'clicks', 'desc', 1, { dateRange: YDAY }),
  ),
  generated(
    'ranking',
    'top five campaigns by ROAS on TikTok',
    RANK('campaign', 'roas', 'desc', 5, { filters: [F('platform', 'TikTok')] }),
  ),
  generated('ranking', 'the 3 worst platforms by CTR', RANK('platform', 'ctr', 'asc', 3)),
  generated('ranking', 'cheapest platform by CPM', RANK('platform', 'cpm', 'asc', 1)),
  generated('ranking', 'most expensive campaigns by CPC', RANK('campaign', 'cpc', 'desc', 10)),
  generated('ranking', 'Which day had the highest spend?', RANK('date', 'spend', 'desc', 1)),
  generated('ranking', 'best day for revenue last month', RANK('date', 'revenue', 'desc', 1, { dateRange: NOV })),
  generated(
    'ranking',
    'Which week had the most conversions?',
    Q(['conversions'], { granularity: 'week', orderBy: { field: 'conversions', direction: 'desc' }, limit: 1 }),
  ),
  generated(
    'ranking',
    'which month had the lowest CPA',
    Q(['cpa'], { granularity: 'month', orderBy: { field: 'cpa', direction: 'asc' }, limit: 1 }),
  ),
  generated('ranking', 'top 20 ad sets by spend in Q2', RANK('ad_group', 'spend', 'desc', 20, { dateRange: Q2 })),
  generated('ranking', 'What are our top performing campaigns by revenue?', RANK('campaign', 'revenue', 'desc', 10)),
  generated('ranking', 'best performing platform in terms of ROAS', RANK('platform', 'roas', 'desc', 1)),
  generated(
    'ranking',
    'leading campaigns by conversions this week',
    RANK('campaign', 'conversions', 'desc', 10, { dateRange: TW }),
  ),
  generated('ranking', 'Which campaign has the biggest profit?', RANK('campaign', 'profit', 'desc', 1)),
  generated(
    'ranking',
    'top 5 campaigns by spend with their ROAS',
    Q(['spend', 'roas'], { dimensions: ['campaign'], orderBy: { field: 'spend', direction: 'desc' }, limit: 5 }),
  ),
  generated('ranking', 'best performing campaigns', 'clarify'),
  generated('ranking', 'top 5 platforms', 'clarify'),
  generated('ranking', 'worst ad sets last week', 'clarify'),
  generated('ranking', 'What has the highest CPA?', 'clarify'),
  generated('ranking', 'best ROAS', 'clarify'),

  // Thresholds
  generated(
    'thresholds',
    'Which campaigns had ROAS under 1 last week?',
    BY('campaign', ['roas'], { dateRange: LW, having: [{ metric: 'roas', op: 'lt', value: 1 }] }),
  ),
  generated(
    'thresholds',
    'campaigns with ROAS below 2',
    BY('campaign', ['roas'], { having: [{ metric: 'roas', op: 'lt', value: 2 }] }),
  ),
  generated(
    'thresholds',
    'campaigns that spent more than $500 yesterday',
    BY('campaign', ['spend'], { dateRange: YDAY, having: [{ metric: 'spend', op: 'gt', value: 500 }] }),
  ),
  generated(
    'thresholds',
    'ad sets with at least 100 conversions',
    BY('ad_group', ['conversions'], { having: [{ metric: 'conversions', op: 'gte', value: 100 }] }),
  ),
  generated(
    'thresholds',
    'campaigns with a CPA above $20',
    BY('campaign', ['cpa'], { having: [{ metric: 'cpa', op: 'gt', value: 20 }] }),
  ),
  generated(
    'thresholds',
    'platforms where CTR is under 1%',
    BY('platform', ['ctr'], { having: [{ metric: 'ctr', op: 'lt', value: 1 }] }),
  ),
  generated(
    'thresholds',
    'campaigns with CPC over 2',
    BY('campaign', ['cpc'], { having: [{ metric: 'cpc', op: 'gt', value: 2 }] }),
  ),
  generated(
    'thresholds',
    'ad sets with spend over £1,000 last month',
    BY('ad_group', ['spend'], { dateRange: NOV, having: [{ metric: 'spend', op: 'gt', value: 1000 }] }),
  ),
  generated(
    'thresholds',
    'campaigns with more than 1000 clicks in October',
    BY('campaign', ['clicks'], { dateRange: OCT, having: [{ metric: 'clicks', op: 'gt', value: 1000 }] }),
  ),
  generated(
    'thresholds',
    'campaigns with ROAS of at least 3',
    BY('campaign', ['roas'], { having: [{ metric: 'roas', op: 'gte', value: 3 }] }),
  ),
  generated(
    'thresholds',
    'campaigns with ROAS between 1 and 2',
    BY('campaign', ['roas'], {
      having: [
        { metric: 'roas', op: 'gte', value: 1 },
        { metric: 'roas', op: 'lte', value: 2 },
      ],
    }),
  ),
  generated(
    'thresholds',
    'which ad sets have a CPA of no more than 10',
    BY('ad_group', ['cpa'], { having: [{ metric: 'cpa', op: 'lte', value: 10 }] }),
  ),
  generated(
    'thresholds',
    'campaigns with 50 conversions or more last week',
    BY('campaign', ['conversions'], { dateRange: LW, having: [{ metric: 'conversions', op: 'gte', value: 50 }] }),
  ),
  generated(
    'thresholds',
    'campaigns with revenue above 5k',
    BY('campaign', ['revenue'], { having: [{ metric: 'revenue', op: 'gt', value: 5000 }] }),
  ),
  generated(
    'thresholds',
    'campaigns with ROAS < 1',
    BY('campaign', ['roas'], { having: [{ metric: 'roas', op: 'lt', value: 1 }] }),
  ),
  generated(
    'thresholds',
    'ad sets with ROAS >= 2.5 on Meta',
    BY('ad_group', ['roas'], { filters: [F('platform', 'Meta')], having: [{ metric: 'roas', op: 'gte', value: 2.5 }] }),
  ),
  generated(
    'thresholds',
    'campaigns on Google with CPA under $15 this month',
    BY('campaign', ['cpa'], {
      filters: [F('platform', 'Google Ads')],
      dateRange: DEC,
      having: [{ metric: 'cpa', op: 'lt', value: 15 }],
    }),
  ),
  generated(
    'thresholds',
    'campaigns with spend over $500 and ROAS under 1',
    BY('campaign', ['spend', 'roas'], {
      having: [
        { metric: 'spend', op: 'gt', value: 500 },
        { metric: 'roas', op: 'lt', value: 1 },
      ],
    }),
  ),
  generated(
    'thresholds',
    'ad sets with no conversions last week',
    BY('ad_group', ['conversions'], { dateRange: LW, having: [{ metric: 'conversions', op: 'lte', value: 0 }] }),
  ),
  generated(
    'thresholds',
    'campaigns with zero conversions yesterday',
    BY('campaign', ['conversions'], { dateRange: YDAY, having: [{ metric: 'conversions', op: 'lte', value: 0 }] }),
  ),
  generated(
    'thresholds',
    'ROAS under 1 by campaign in Q3',
    BY('campaign', ['roas'], { dateRange: Q3, having: [{ metric: 'roas', op: 'lt', value: 1 }] }),
  ),
  generated(
    'thresholds',
    'campaigns with conversion rate lower than 0.5%',
    BY('campaign', ['cvr'], { having: [{ metric: 'cvr', op: 'lt', value: 0.5 }] }),
  ),
  generated('thresholds', 'campaigns with more than 500', 'clarify'),
  generated('thresholds', 'platforms over $10,000', 'clarify'),

  // Comparisons
  generated(
    'comparison',
    'Spend by platform in November vs October',
    BY('platform', ['spend'], { dateRange: NOV, compareTo: OCT }),
  ),
  generated('comparison', 'How did CPA change week over week?', Q(['cpa'], { dateRange: LW, compareTo: LW_PREV })),
  generated('comparison', 'revenue this month vs last month', Q(['revenue'], { dateRange: DEC, compareTo: NOV })),
  generated(
    'comparison',
    'ROAS week over week by platform',
    BY('platform', ['roas'], { dateRange: LW, compareTo: LW_PREV }),
  ),
  generated('comparison', 'spend WoW', Q(['spend'], { dateRange: LW, compareTo: LW_PREV })),
  generated('comparison', 'conversions month over month', Q(['conversions'], { dateRange: DEC, compareTo: NOV })),
  generated('comparison', 'revenue MoM by device', BY('device', ['revenue'], { dateRange: DEC, compareTo: NOV })),
  generated('comparison', 'compare Q3 and Q2 revenue', Q(['revenue'], { dateRange: Q3, compareTo: Q2 })),
  generated(
    'comparison',
    'spend last week compared to the previous week',
    Q(['spend'], { dateRange: LW, compareTo: LW_PREV }),
  ),
  generated('comparison', 'How did spend change last week?', Q(['spend'], { dateRange: LW, compareTo: LW_PREV })),
  generated('comparison', 'How did ROAS change in November?', Q(['roas'], { dateRange: NOV, compareTo: OCT })),
  generated(
    'comparison',
    'CTR last 7 days vs previous period',
    Q(['ctr'], { dateRange: L7, compareTo: R('2025-12-18', '2025-12-24') }),
  ),
  generated(
    'comparison',
    'September versus August conversions',
    Q(['conversions'], { dateRange: SEP, compareTo: AUG }),
  ),
  generated(
    'comparison',
    'Meta spend in December vs November',
    Q(['spend'], { filters: [F('platform', 'Meta')], dateRange: DEC, compareTo: NOV }),
  ),
  generated('comparison', 'CPA this week vs last week', Q(['cpa'], { dateRange: TW, compareTo: LW })),
  generated('comparison', 'quarter over quarter revenue', Q(['revenue'], { dateRange: Q4, compareTo: Q3 })),
  generated(
    'comparison',
    'How has CPA evolved week on week for TikTok?',
    Q(['cpa'], { filters: [F('platform', 'TikTok')], dateRange: LW, compareTo: LW_PREV }),
  ),
  generated(
    'comparison',
    'revenue in November year over year',
    Q(['revenue'], { dateRange: NOV, compareTo: R('2024-11-01', '2024-11-30') }),
  ),
  generated('comparison', 'How has ROAS changed?', 'clarify'),
  generated('comparison', 'spend in November and October', 'clarify'),

  // Why
  generated('why', 'Why did revenue drop on the 17th?', WHY('revenue', D17, D16)),
  generated('why', 'why did spend spike yesterday', WHY('spend', YDAY, R('2025-12-30'))),
  generated('why', 'Why did CPA go up last week?', WHY('cpa', LW, LW_PREV)),
  generated('why', 'why were conversions down in November', WHY('conversions', NOV, OCT)),
  generated('why', 'What caused the drop in ROAS on 17 November?', WHY('roas', R('2025-11-17'), R('2025-11-16'))),
  generated('why', 'Why did clicks fall on Dec 3rd?', WHY('clicks', R('2025-12-03'), R('2025-12-02'))),
  generated(
    'why',
    'why did Meta revenue drop on the 17th',
    WHY('revenue', D17, D16, { filters: [F('platform', 'Meta')] }),
  ),
  generated('why', 'explain the jump in spend this week', WHY('spend', TW, R('2025-12-26', '2025-12-28'))),
  generated('why', 'Why is CTR lower in Q3?', WHY('ctr', Q3, Q2)),
  generated('why', 'why did revenue increase in October', WHY('revenue', OCT, SEP)),
  generated('why', 'Why did it drop on the 17th?', 'clarify'),
  generated('why', 'Why did revenue drop?', 'clarify'),

  // British and American spelling, typos, casing
  generated('spelling', 'Analyse spend by platform', BY('platform', ['spend'])),
  generated('spelling', 'Analyze spend by platform', BY('platform', ['spend'])),
  generated('spelling', 'Summarise revenue by device for last month', BY('device', ['revenue'], { dateRange: NOV })),
  generated('spelling', 'Summarize revenue by device for last month', BY('device', ['revenue'], { dateRange: NOV })),
  generated('spelling', 'Which campaigns should we optimise? Show CPA by campaign', BY('campaign', ['cpa'])),
  generated('spelling', 'Show the behaviour of spend by month', Q(['spend'], { granularity: 'month' })),
  generated('spelling', 'spend by platfrom', BY('platform', ['spend'])),
  generated('spelling', 'convresions by campaing', BY('campaign', ['conversions'])),
  generated('spelling', 'revnue last week', Q(['revenue'], { dateRange: LW })),
  generated('spelling', 'impresions by device', BY('device', ['impressions'])),
  generated('spelling', 'coversion rate on mobile', Q(['cvr'], { filters: [F('device', 'Mobile')] })),
  generated(
    'spelling',
    'spend on facebok yesterday',
    Q(['spend'], { filters: [F('platform', 'Meta')], dateRange: YDAY }),
  ),
  generated('spelling', 'linkdin CPA', Q(['cpa'], { filters: [F('platform', 'LinkedIn')] })),
  generated('spelling', 'snapchta clicks', Q(['clicks'], { filters: [F('platform', 'Snapchat')] })),
  generated('spelling', 'spend in Novmber', Q(['spend'], { dateRange: NOV })),
  generated('spelling', 'revenue in Febuary', Q(['revenue'], { dateRange: FEB })),
  generated('spelling', 'SPEND BY PLATFORM', BY('platform', ['spend'])),
  generated('spelling', 'roas by Device', BY('device', ['roas'])),
  generated('spelling', 'Top 5 adsets by conversions', RANK('ad_group', 'conversions', 'desc', 5)),
  generated('spelling', 'click thru rate by platform', BY('platform', ['ctr'])),
  generated('spelling', 'campain 12 spend', Q(['spend'], { filters: [F('campaign', 'Campaign 12')] })),
  generated('spelling', 'Whats the cpa on tiktok', Q(['cpa'], { filters: [F('platform', 'TikTok')] })),
  generated(
    'spelling',
    'how much did we spent on google last week',
    Q(['spend'], { filters: [F('platform', 'Google Ads')], dateRange: LW }),
  ),
  generated('spelling', 'ctr by devise', BY('device', ['ctr'])),

  // Ask back: readings the data cannot decide
  generated('ambiguous', "What's our return by device?", 'clarify'),
  generated('ambiguous', 'ROI by campaign', 'clarify'),
  generated('ambiguous', 'sales by platform', 'clarify'),
  generated('ambiguous', 'returns last month', 'clarify'),
  generated('ambiguous', 'reach by platform', 'clarify'),
  generated('ambiguous', 'video views on TikTok', 'clarify'),
  generated('ambiguous', 'frequency by platform', 'clarify'),
  generated('ambiguous', 'leads by campaign', 'clarify'),
  generated('ambiguous', 'spend by weather', 'clarify'),
  generated('ambiguous', 'Which is best?', 'clarify'),
  generated('ambiguous', 'What were the sales yesterday?', 'clarify'),
  generated('ambiguous', 'engagement by platform', 'clarify'),
  generated('ambiguous', 'What is the weather in Paris?', 'unreadable'),
  generated('ambiguous', 'hello', 'unreadable'),
  generated('ambiguous', 'Tell me a joke', 'unreadable'),

  // Headline figures for a scope
  generated('overview', 'How did Meta do last week?', Q(HEADLINE, { filters: [F('platform', 'Meta')], dateRange: LW })),
  generated('overview', 'performance by platform', BY('platform', HEADLINE)),
  generated('overview', 'How are we doing this month?', Q(HEADLINE, { dateRange: DEC })),
  generated('overview', 'mobile performance in Q4', Q(HEADLINE, { filters: [F('device', 'Mobile')], dateRange: Q4 })),
  generated(
    'overview',
    'Show me TikTok yesterday',
    Q(HEADLINE, { filters: [F('platform', 'TikTok')], dateRange: YDAY }),
  ),

  // The corpus exports: real platform vocabularies, partial names, a month of data
  corpus('corpus', 'spend on Prospecting - Broad', Q(['spend'], { filters: [F('campaign', 'Prospecting - Broad')] })),
  corpus('corpus', 'retargeting ROAS', Q(['roas'], { filters: [F('campaign', 'Retargeting')] })),
  corpus(
    'corpus',
    'How much did the retargetting campaign spend?',
    Q(['spend'], { filters: [F('campaign', 'Retargeting')] }),
  ),
  corpus('corpus', 'home decor conversions', Q(['conversions'], { filters: [F('campaign', 'Home Decor')] })),
  corpus('corpus', 'spend for the Holiday campaign', Q(['spend'], { filters: [F('campaign', 'Holiday')] })),
  corpus('corpus', 'Herbst revenue', Q(['revenue'], { filters: [F('campaign', 'Herbst')] })),
  corpus('corpus', 'launch video views', Q(['video_views'], { filters: [F('campaign', 'Launch')] })),
  corpus('corpus', 'video views by campaign', BY('campaign', ['video_views'])),
  corpus('corpus', 'ABM Tier 1 leads', Q(['leads'], { filters: [F('campaign', 'ABM - Tier 1')] })),
  corpus(
    'corpus',
    'leads by campaign on LinkedIn',
    BY('campaign', ['leads'], { filters: [F('platform', 'LinkedIn')] }),
  ),
  corpus('corpus', 'reach by ad set', BY('ad_group', ['reach'])),
  corpus('corpus', 'frequency by campaign', BY('campaign', ['frequency'])),
  corpus('corpus', 'lookalike conversions', Q(['conversions'], { filters: [F('ad_group', 'Lookalike 1%')] })),
  corpus('corpus', 'spend on the fitness ad group', Q(['spend'], { filters: [F('ad_group', 'Interest - Fitness')] })),
  corpus('corpus', 'site visitors CTR', Q(['ctr'], { filters: [F('ad_group', 'Site visitors 30d')] })),
  corpus('corpus', 'Running Shoes clicks', Q(['clicks'], { filters: [F('ad_group', 'Running Shoes')] })),
  corpus('corpus', 'shoes spend', Q(['spend'], { filters: [F('ad_group', 'Shoes')] })),
  corpus('corpus', 'spend on the Awareness Q4 campaign', Q(['spend'], { filters: [F('campaign', 'Awareness Q4')] })),
  corpus('corpus', 'Q4 Video impressions', Q(['impressions'], { filters: [F('campaign', 'Q4 Video')] })),
  corpus('corpus', 'spring sale revenue', Q(['revenue'], { filters: [F('campaign', 'Spring Sale')] })),
  corpus(
    'corpus',
    'UK push vs US push spend',
    BY('campaign', ['spend'], { filters: [F('campaign', 'UK push', 'US push')] }),
  ),
  corpus('corpus', 'bing spend', Q(['spend'], { filters: [F('platform', 'Microsoft Ads')] })),
  corpus('corpus', 'Microsoft conversions', Q(['conversions'], { filters: [F('platform', 'Microsoft Ads')] })),
  corpus('corpus', 'pinterest revenue', Q(['revenue'], { filters: [F('platform', 'Pinterest')] })),
  corpus('corpus', 'cm360 clicks', Q(['clicks'], { filters: [F('platform', 'CM360')] })),
  corpus('corpus', 'spend by platform yesterday', BY('platform', ['spend'], { dateRange: C_YDAY })),
  corpus('corpus', 'revenue last week', Q(['revenue'], { dateRange: C_LW })),
  corpus('corpus', 'spend this week', Q(['spend'], { dateRange: C_TW })),
  corpus('corpus', 'conversions in the last 7 days', Q(['conversions'], { dateRange: C_L7 })),
  corpus('corpus', 'spend since the 10th', Q(['spend'], { dateRange: R('2025-11-10', '2025-11-30') })),
  corpus('corpus', 'spend this month', Q(['spend'], { dateRange: C_NOV })),
  corpus('corpus', 'CPA week over week', Q(['cpa'], { dateRange: C_TW, compareTo: R('2025-11-17', '2025-11-23') })),
  corpus('corpus', 'spend last week vs the week before', Q(['spend'], { dateRange: C_LW, compareTo: C_LW_PREV })),
  corpus('corpus', 'Why did revenue drop on the 17th?', WHY('revenue', R('2025-11-17'), R('2025-11-16'))),
  corpus('corpus', 'spend by age', BY('age', ['spend'])),
  corpus('corpus', 'conversions by gender', BY('gender', ['conversions'])),
  corpus('corpus', 'CTR by placement', BY('placement', ['ctr'])),
  corpus('corpus', 'spend by account', BY('account', ['spend'])),
  corpus('corpus', 'ROAS by creative', BY('ad', ['roas'])),
  corpus('corpus', 'top 3 campaigns by ROAS', RANK('campaign', 'roas', 'desc', 3)),
  corpus('corpus', 'worst platform by CPA', RANK('platform', 'cpa', 'desc', 1)),
  corpus(
    'corpus',
    'campaigns with ROAS under 1',
    BY('campaign', ['roas'], { having: [{ metric: 'roas', op: 'lt', value: 1 }] }),
  ),
  corpus(
    'corpus',
    'ad sets with more than 10 conversions',
    BY('ad_group', ['conversions'], { having: [{ metric: 'conversions', op: 'gt', value: 10 }] }),
  ),
  corpus('corpus', 'cost per lead by campaign', 'clarify'),
  corpus('corpus', 'prospecting spend', 'clarify'),
  corpus('corpus', 'brand clicks', 'clarify'),
  corpus('corpus', 'search campaigns spend', 'clarify'),
  corpus('corpus', 'ABM spend', 'clarify'),
  corpus('corpus', 'spend by device', 'clarify'),
  corpus('corpus', 'revenue by country', 'clarify'),
  corpus(
    'corpus',
    'spend on Snapchat by ad squad',
    BY('ad_group', ['spend'], { filters: [F('platform', 'Snapchat')] }),
  ),
  corpus('corpus', 'DV360 spend by line item', BY('ad_group', ['spend'], { filters: [F('platform', 'DV360')] })),
  corpus('corpus', 'Google CPC by ad group', BY('ad_group', ['cpc'], { filters: [F('platform', 'Google Ads')] })),
  corpus('corpus', 'tiktok CTR by ad group', BY('ad_group', ['ctr'], { filters: [F('platform', 'TikTok')] })),
  corpus('corpus', 'daily spend on Meta', Q(['spend'], { filters: [F('platform', 'Meta')], granularity: 'day' })),
  corpus(
    'corpus',
    'How did Meta perform?',
    Q(['spend', 'impressions', 'clicks', 'conversions', 'revenue', 'ctr', 'cpa', 'roas'], {
      filters: [F('platform', 'Meta')],
    }),
  ),
];
