import type { Metric, Dimension } from '../analysis/index.js';

/**
 * The words a marketer uses for the unified schema, as word sequences of the
 * folded question (see text.ts). Longer phrases are tried first, so "cost per
 * click" is CPC before "cost" is spend.
 */
export const METRIC_PHRASES: Readonly<Record<Metric, readonly string[]>> = {
  spend: [
    'spend',
    'spent',
    'spending',
    'spends',
    'cost',
    'costs',
    'amount spent',
    'media cost',
    'media spend',
    'ad spend',
    'investment',
    'invested',
    'expenditure',
    'budget spent',
    'outlay',
  ],
  revenue: [
    'revenue',
    'revenues',
    'conversion value',
    'conv value',
    'purchase value',
    'purchases value',
    'sales value',
    'income',
    'turnover',
    'earned',
    'earnings',
  ],
  conversions: [
    'conversions',
    'conversion',
    'conv',
    'convs',
    'purchases',
    'purchase',
    'orders',
    'results',
    'acquisitions',
    'converted',
    'transactions',
  ],
  clicks: ['clicks', 'click', 'link clicks', 'swipes', 'swipe ups', 'clicked'],
  impressions: ['impressions', 'impression', 'impr', 'imps', 'served'],
  reach: ['reach', 'reached', 'unique users', 'people reached'],
  leads: ['leads', 'lead', 'sign ups', 'signups', 'form fills'],
  video_views: ['video views', 'views', 'video plays', 'plays'],
  engagements: ['engagements', 'engagement', 'interactions'],
  ctr: [
    'ctr',
    'click rate',
    'click through rate',
    'clickthrough rate',
    'click thru rate',
    'clickthrough',
    'click through',
    'ctrs',
  ],
  cpc: ['cpc', 'cost per click', 'cost a click', 'avg cpc', 'average cpc', 'cpcs', 'cost per visit'],
  cpm: [
    'cpm',
    'cost per mille',
    'cost per thousand',
    'cost per thousand impressions',
    'cost per 1000 impressions',
    'cpms',
  ],
  cpa: [
    'cpa',
    'cost per acquisition',
    'cost per conversion',
    'cost per result',
    'cost per purchase',
    'cost per order',
    'cost per sale',
    'cost per action',
    'cpas',
    'cac',
    'cost per customer',
  ],
  roas: ['roas', 'return on ad spend', 'return on advertising spend', 'return on spend', 'return on adspend'],
  cvr: ['cvr', 'conversion rate', 'conv rate', 'conversion ratio', 'conversion rates'],
  aov: ['aov', 'average order value', 'avg order value', 'basket size', 'average basket', 'order value'],
  frequency: ['frequency', 'freq'],
  // "revenue − spend" is how the reports name it (the minus sign is not a word): the name reads back as the metric.
  profit: ['profit', 'profits', 'margin', 'gross profit', 'net return', 'revenue − spend', 'revenue minus spend'],
};

/** Words that name two metrics: the parser asks which one. */
export const AMBIGUOUS_METRICS: readonly { phrase: string; options: readonly Metric[] }[] = [
  { phrase: 'cost per lead', options: ['cpa', 'leads'] },
  { phrase: 'cpl', options: ['cpa', 'leads'] },
  { phrase: 'returns', options: ['roas', 'revenue'] },
  { phrase: 'return', options: ['roas', 'revenue'] },
  { phrase: 'roi', options: ['roas', 'profit'] },
  { phrase: 'sales', options: ['conversions', 'revenue'] },
  { phrase: 'sale', options: ['conversions', 'revenue'] },
];

/** Higher is better (1), lower is better (-1), or neither (0): "best CPA" is the lowest. */
export const METRIC_DIRECTION: Readonly<Record<Metric, 1 | -1 | 0>> = {
  spend: 0,
  revenue: 1,
  conversions: 1,
  clicks: 1,
  impressions: 1,
  reach: 1,
  leads: 1,
  video_views: 1,
  engagements: 1,
  ctr: 1,
  cpc: -1,
  cpm: -1,
  cpa: -1,
  roas: 1,
  cvr: 1,
  aov: 1,
  frequency: 0,
  profit: 1,
};

/** Dimensions a question may break down or filter by, and their words. "channel" is resolved against the data. */
export const DIMENSION_PHRASES: Readonly<Partial<Record<Dimension, readonly string[]>>> = {
  platform: [
    'platform',
    'platforms',
    'network',
    'networks',
    'ad platform',
    'ad network',
    'publisher',
    'publishers',
    'media',
    'source',
  ],
  channel: ['channel', 'channels'],
  campaign: ['campaign', 'campaigns', 'campaign name'],
  ad_group: [
    'ad set',
    'ad sets',
    'adset',
    'adsets',
    'ad group',
    'ad groups',
    'adgroup',
    'adgroups',
    'ad squad',
    'ad squads',
    'line item',
    'line items',
    'lineitem',
  ],
  ad: ['ad', 'ads', 'creative', 'creatives', 'ad name'],
  device: ['device', 'devices', 'device type'],
  country: ['country', 'countries', 'market', 'markets', 'geo', 'geos', 'location'],
  region: ['region', 'regions', 'state', 'states'],
  age: ['age', 'ages', 'age group', 'age groups', 'age bracket', 'age range'],
  gender: ['gender', 'genders', 'sex'],
  placement: ['placement', 'placements', 'position'],
  objective: ['objective', 'objectives', 'goal'],
  funnel_stage: ['funnel stage', 'funnel', 'stage'],
  account: ['account', 'accounts', 'ad account', 'ad accounts'],
};

/** Other names of values: platforms by their old or brand names, devices by what people call them. */
export const VALUE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  meta: ['facebook', 'fb', 'instagram', 'ig', 'meta ads', 'facebook ads'],
  'google ads': ['google', 'adwords', 'google adwords', 'search ads'],
  'microsoft ads': ['microsoft', 'bing', 'bing ads', 'microsoft advertising'],
  linkedin: ['linked in', 'linkedin ads'],
  tiktok: ['tik tok', 'tiktok ads'],
  snapchat: ['snap', 'snapchat ads'],
  dv360: ['dv 360', 'display video 360', 'display and video 360', 'dv3'],
  cm360: ['cm 360', 'campaign manager', 'campaign manager 360'],
  pinterest: ['pins'],
  mobile: ['phone', 'phones', 'smartphone', 'smartphones', 'mobile phones'],
  desktop: ['computer', 'computers', 'pc', 'desktops'],
  tablet: ['ipad', 'ipads'],
};

/** Dimensions whose values a question may name. */
export const VALUE_DIMENSIONS = [
  'platform',
  'channel',
  'campaign',
  'ad_group',
  'device',
  'country',
] as const satisfies readonly Dimension[];
export type ValueDimension = (typeof VALUE_DIMENSIONS)[number];

/** Words that carry no meaning of their own here, and never match a value by themselves. */
export const STOP_WORDS = new Set(
  (
    'a an the of for in on at by to from with and or but is are was were be been being did do does done has have had ' +
    'what whats which who how much many me my our we us i you your show give list tell get see find let compare ' +
    'per each every all any this that these those it its their there than then as into over under about ' +
    'please can could would should will was were vs versus against day days week weeks month months year years ' +
    'quarter quarters today yesterday last past previous since until through between during daily weekly monthly ' +
    'quarterly time trend top best worst bottom highest lowest most least fewest more less why drop change ' +
    'performance performing perform performed overall total totals number amount breakdown split up down go went ' +
    'so far ago s t not no zero our own only just both also where when versus compared comparison'
  ).split(' '),
);
