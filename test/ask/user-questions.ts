import type { Metric } from '../../src/analysis/query.js';
import type { Dimension } from '../../src/analysis/schema.js';
import type { AskQuery } from '../../src/ask/parse.js';
import type { EvalCase, Expectation } from './questions.js';

/**
 * A second, independent question set: written from a media buyer's or a
 * client lead's side (messages to a colleague, chat-style, half sentences),
 * not from the parser's lexicon, after the parser was built. Expectations
 * follow the product's stated conventions (see questions.ts) and nothing
 * else; a question a person could mean two ways must ask back. All against
 * GENERATED (every day of 2025, last day Wednesday 2025-12-31).
 */
const R = (from: string, to = from) => ({ from, to });
const Q = (metrics: Metric[], rest: Partial<AskQuery> = {}): { query: AskQuery } => ({
  query: { metrics, dimensions: [], ...rest },
});
const BY = (dimension: Dimension, metrics: Metric[], rest: Partial<AskQuery> = {}) =>
  Q(metrics, { dimensions: [dimension], orderBy: { field: metrics[0]!, direction: 'desc' }, ...rest });
const RANK = (
  dimension: Dimension,
  metric: Metric,
  direction: 'asc' | 'desc',
  limit: number,
  rest: Partial<AskQuery> = {},
) => Q([metric], { dimensions: [dimension], orderBy: { field: metric, direction }, limit, ...rest });
const F = (dimension: Dimension, ...values: string[]) => ({ dimension, values });
const WHY = (metric: Metric, dateRange: { from: string; to: string }, compareTo: { from: string; to: string }) => ({
  intent: 'why' as const,
  query: { metrics: [metric], dimensions: [], dateRange, compareTo },
});
const HEADLINE: Metric[] = ['spend', 'impressions', 'clicks', 'conversions', 'revenue', 'ctr', 'cpa', 'roas'];

const DEC = R('2025-12-01', '2025-12-31');
const NOV = R('2025-11-01', '2025-11-30');
const OCT = R('2025-10-01', '2025-10-31');
const LW = R('2025-12-22', '2025-12-28');
const LW_PREV = R('2025-12-15', '2025-12-21');
const L7 = R('2025-12-25', '2025-12-31');
const L30 = R('2025-12-02', '2025-12-31');
const Q3 = R('2025-07-01', '2025-09-30');
const Q4 = R('2025-10-01', '2025-12-31');

const user = (category: string, q: string, expect: Expectation): EvalCase => ({
  q,
  category,
  data: 'generated',
  expect,
});

export const USER_QUESTIONS: readonly EvalCase[] = [
  // What a client lead asks first
  user('totals', 'how much did we spend last month', Q(['spend'], { dateRange: NOV })),
  user('totals', 'what was our total revenue in december?', Q(['revenue'], { dateRange: DEC })),
  user(
    'totals',
    'How many conversions did Meta drive last week',
    Q(['conversions'], { filters: [F('platform', 'Meta')], dateRange: LW }),
  ),
  user(
    'totals',
    "what's our CPA on TikTok this month",
    Q(['cpa'], { filters: [F('platform', 'TikTok')], dateRange: DEC }),
  ),
  user('totals', 'total clicks yesterday', Q(['clicks'], { dateRange: R('2025-12-31') })),
  user(
    'totals',
    'impressions for Campaign 12 in october',
    Q(['impressions'], { filters: [F('campaign', 'Campaign 12')], dateRange: OCT }),
  ),
  user('totals', 'roas for q3', Q(['roas'], { dateRange: Q3 })),
  user(
    'totals',
    'How much have we spent on LinkedIn so far this year?',
    Q(['spend'], { filters: [F('platform', 'LinkedIn')], dateRange: R('2025-01-01', '2025-12-31') }),
  ),
  user(
    'totals',
    'revenue from mobile over the last 30 days',
    Q(['revenue'], { filters: [F('device', 'Mobile')], dateRange: L30 }),
  ),
  user('totals', 'whats the click through rate on snapchat', Q(['ctr'], { filters: [F('platform', 'Snapchat')] })),
  user('totals', 'avg order value last month', Q(['aov'], { dateRange: NOV })),
  user('totals', 'how did we do in november', Q(HEADLINE, { dateRange: NOV })),
  // Breakdowns as people word them
  user('breakdowns', 'show me spend by platform for november', BY('platform', ['spend'], { dateRange: NOV })),
  user('breakdowns', 'break down conversions by device', BY('device', ['conversions'])),
  user(
    'breakdowns',
    'spend and revenue per platform last week',
    BY('platform', ['spend', 'revenue'], { dateRange: LW }),
  ),
  user(
    'breakdowns',
    'CPA per ad set on Google in December',
    BY('ad_group', ['cpa'], { filters: [F('platform', 'Google Ads')], dateRange: DEC }),
  ),
  user('breakdowns', 'split of clicks across devices this month', BY('device', ['clicks'], { dateRange: DEC })),
  user('breakdowns', 'revenue for each platform in Q4', BY('platform', ['revenue'], { dateRange: Q4 })),
  user('breakdowns', 'daily spend for the past week', Q(['spend'], { granularity: 'day', dateRange: L7 })),
  user('breakdowns', 'weekly conversions in november', Q(['conversions'], { granularity: 'week', dateRange: NOV })),
  user('breakdowns', 'month by month revenue', Q(['revenue'], { granularity: 'month' })),
  user('breakdowns', 'ROAS by device on Meta', BY('device', ['roas'], { filters: [F('platform', 'Meta')] })),
  // Rankings
  user(
    'rankings',
    'which platform had the best ROAS last month?',
    RANK('platform', 'roas', 'desc', 1, { dateRange: NOV }),
  ),
  user(
    'rankings',
    'give me the 3 worst campaigns by cost per conversion in november',
    RANK('campaign', 'cpa', 'desc', 3, { dateRange: NOV }),
  ),
  user('rankings', 'top 10 ad sets by revenue', RANK('ad_group', 'revenue', 'desc', 10)),
  user('rankings', 'which campaign spent the most last week', RANK('campaign', 'spend', 'desc', 1, { dateRange: LW })),
  user('rankings', 'cheapest platform for clicks', RANK('platform', 'cpc', 'asc', 1)),
  user(
    'rankings',
    'our 5 best performing campaigns on TikTok by conversions',
    RANK('campaign', 'conversions', 'desc', 5, { filters: [F('platform', 'TikTok')] }),
  ),
  user('rankings', 'lowest ctr device', RANK('device', 'ctr', 'asc', 1)),
  user('rankings', 'bottom 5 campaigns by roas this quarter', RANK('campaign', 'roas', 'asc', 5, { dateRange: Q4 })),
  user(
    'rankings',
    'Which day had the highest spend in December?',
    RANK('date', 'spend', 'desc', 1, { dateRange: DEC }),
  ),
  user('rankings', 'which ad set has the best conversion rate', RANK('ad_group', 'cvr', 'desc', 1)),
  // Thresholds
  user(
    'thresholds',
    'Which campaigns had ROAS under 1 last week?',
    Q(['roas'], {
      dimensions: ['campaign'],
      orderBy: { field: 'roas', direction: 'desc' },
      having: [{ metric: 'roas', op: 'lt', value: 1 }],
      dateRange: LW,
    }),
  ),
  user(
    'thresholds',
    'campaigns with more than $5k spend in november',
    Q(['spend'], {
      dimensions: ['campaign'],
      orderBy: { field: 'spend', direction: 'desc' },
      having: [{ metric: 'spend', op: 'gt', value: 5000 }],
      dateRange: NOV,
    }),
  ),
  user(
    'thresholds',
    'ad sets with a CPA above 50',
    Q(['cpa'], {
      dimensions: ['ad_group'],
      orderBy: { field: 'cpa', direction: 'desc' },
      having: [{ metric: 'cpa', op: 'gt', value: 50 }],
    }),
  ),
  user(
    'thresholds',
    'platforms with at least 1000 conversions this year',
    Q(['conversions'], {
      dimensions: ['platform'],
      orderBy: { field: 'conversions', direction: 'desc' },
      having: [{ metric: 'conversions', op: 'gte', value: 1000 }],
      dateRange: R('2025-01-01', '2025-12-31'),
    }),
  ),
  user(
    'thresholds',
    'campaigns where CTR is below 1%',
    Q(['ctr'], {
      dimensions: ['campaign'],
      orderBy: { field: 'ctr', direction: 'desc' },
      having: [{ metric: 'ctr', op: 'lt', value: 1 }],
    }),
  ),
  // Comparisons
  user(
    'comparisons',
    'Spend by platform in November vs October',
    BY('platform', ['spend'], { dateRange: NOV, compareTo: OCT }),
  ),
  user('comparisons', 'How did CPA change week over week?', Q(['cpa'], { dateRange: LW, compareTo: LW_PREV })),
  user(
    'comparisons',
    'revenue this month compared with last month',
    Q(['revenue'], { dateRange: DEC, compareTo: NOV }),
  ),
  user(
    'comparisons',
    'conversions december vs november by device',
    BY('device', ['conversions'], { dateRange: DEC, compareTo: NOV }),
  ),
  user(
    'comparisons',
    'how does Meta compare to TikTok on CPA',
    BY('platform', ['cpa'], { filters: [F('platform', 'Meta', 'TikTok')] }),
  ),
  user(
    'comparisons',
    'mobile versus desktop revenue last month',
    BY('device', ['revenue'], { filters: [F('device', 'Mobile', 'Desktop')], dateRange: NOV }),
  ),
  // Why
  user('why', 'Why did revenue drop on the 17th?', WHY('revenue', R('2025-12-17'), R('2025-12-16'))),
  user('why', 'why was spend so high yesterday', WHY('spend', R('2025-12-31'), R('2025-12-30'))),
  user('why', 'why did our CPA go up last week', WHY('cpa', LW, LW_PREV)),
  user('why', 'what happened to conversions in November?', WHY('conversions', NOV, OCT)),
  // Typos and chat-style
  user('typos', 'spned by platfrom last month', BY('platform', ['spend'], { dateRange: NOV })),
  user('typos', 'convresions on tiktok', Q(['conversions'], { filters: [F('platform', 'TikTok')] })),
  user('typos', 'REVENUE BY DEVICE', BY('device', ['revenue'])),
  user('typos', 'roas by platfom in decmber', BY('platform', ['roas'], { dateRange: DEC })),
  user('typos', 'fb spend last week', Q(['spend'], { filters: [F('platform', 'Meta')], dateRange: LW })),
  user('typos', 'google ads cpc this month', Q(['cpc'], { filters: [F('platform', 'Google Ads')], dateRange: DEC })),
  // A person could mean two things: must ask back
  user('ambiguous', 'which campaigns are wasting money', 'clarify'),
  user('ambiguous', 'best platform', 'clarify'),
  user('ambiguous', 'what is our return', 'clarify'),
  user('ambiguous', 'top campaigns', 'clarify'),
  user('ambiguous', 'is tiktok worth it', 'clarify'),
  // Not a question about the data
  user('off-topic', 'what is the weather in paris', 'unreadable'),
  user('off-topic', 'hello', 'unreadable'),
  user('off-topic', 'write me a poem about ads', 'unreadable'),
];
