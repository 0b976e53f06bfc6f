import type { Field, Platform } from '../schema.js';

/**
 * Header normalisation: case, accents, punctuation and spacing fold away, so
 * "Amount Spent (USD)" and "amount_spent" compare equal. A trailing
 * parenthesised part ("(USD)", "(in UTC)") is tried both with and without.
 */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The header without its trailing parenthesised qualifiers, and what they said. */
export function splitQualifier(header: string): { base: string; qualifier: string | undefined } {
  const match = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(header.trim());
  if (!match) return { base: header, qualifier: undefined };
  const inner = splitQualifier(match[1]!);
  return { base: inner.base, qualifier: [inner.qualifier, match[2]].filter(Boolean).join(' ') };
}

export interface Alias {
  readonly field: Field;
  /** How sure the match is: 1 for the field's own name, lower for looser vocabulary. */
  readonly confidence: number;
}

/**
 * The one alias table: normalised header -> unified field. Matching is exact
 * after normalisation, never by substring, so "Cost per click" or
 * "Conversion rate" can never become spend or conversions.
 */
const TABLE: Record<string, Alias> = {};
function add(field: Field, confidence: number, ...headers: string[]): void {
  for (const header of headers) TABLE[normaliseHeader(header)] = { field, confidence };
}

add('date', 1, 'date', 'day', 'reporting starts', 'reporting start', 'date start', 'start date', 'stat time day', 'by day', 'gregorian date', 'timeperiod', 'time period', 'report date', 'day date');
add('date', 0.8, 'start time', 'week', 'month', 'time', 'date range', 'period');
add('platform', 1, 'platform', 'ad platform', 'source platform');
add('platform', 0.8, 'source', 'publisher', 'network');
add('channel', 1, 'channel', 'channel type', 'advertising channel', 'advertising channel type', 'campaign type', 'media type');
add('account', 1, 'account', 'account name', 'ad account', 'ad account name', 'advertiser', 'advertiser name', 'customer', 'account descriptive name');
add('campaign', 1, 'campaign', 'campaign name', 'campaign group', 'campaign group name', 'io', 'campaign title');
add('ad_group', 1, 'ad set', 'ad set name', 'adset', 'adset name', 'ad group', 'ad group name', 'adgroup', 'adgroup name', 'ad squad', 'ad squad name', 'line item', 'line item name');
add('ad', 1, 'ad', 'ad name', 'creative', 'creative name', 'ad title', 'pin', 'pin name', 'promoted pin name');
add('device', 1, 'device', 'device type', 'device category', 'impression device', 'device platform');
add('country', 1, 'country', 'country territory', 'country region', 'country name', 'geo country', 'location country');
add('region', 1, 'region', 'state', 'region name', 'state province', 'dma', 'region state');
add('age', 1, 'age', 'age range', 'age group', 'age bracket');
add('gender', 1, 'gender', 'sex');
add('placement', 1, 'placement', 'placement name', 'position', 'placement type', 'site', 'site cm360', 'publisher platform', 'inventory source', 'exchange');
add('objective', 1, 'objective', 'campaign objective', 'goal', 'campaign goal', 'optimization goal');
add('funnel_stage', 1, 'funnel stage', 'funnel', 'stage', 'marketing funnel stage');
add('currency', 1, 'currency', 'currency code', 'account currency', 'currency name', 'advertiser currency');

add('impressions', 1, 'impressions', 'impr', 'impression', 'imps', 'paid impressions', 'total impressions', 'impressions total');
add('reach', 1, 'reach', 'unique reach', 'unique users', 'reach estimated', 'accounts center accounts reached');
add('clicks', 1, 'clicks', 'clicks all', 'link clicks', 'total clicks', 'clicks destination', 'swipes', 'swipe ups', 'swipe up', 'pin clicks', 'outbound clicks', 'click', 'clicks total');
add('spend', 1, 'spend', 'cost', 'amount spent', 'total spent', 'total spend', 'media cost', 'media cost advertiser currency', 'spend in account currency', 'cost in account currency', 'ad spend', 'spent', 'total cost', 'spend adv currency');
add('spend', 0.8, 'revenue adv currency', 'total media cost advertiser currency', 'billable cost');
add('conversions', 1, 'conversions', 'conv', 'total conversions', 'purchases', 'website purchases', 'conversions total', 'total conversions checkout', 'conversion', 'all conversions', 'all conv');
// Meta's "Results" count whatever the objective optimises for: usually conversions, not always.
add('conversions', 0.6, 'results');
add('revenue', 1, 'revenue', 'conversion value', 'conv value', 'total conversion value', 'conversions value', 'purchase conversion value', 'purchases conversion value', 'website purchase conversion value', 'total order value', 'total order value checkout', 'sales', 'total revenue', 'all conv value', 'revenue usd');
add('leads', 1, 'leads', 'lead', 'leads form', 'lead form completions', 'lead form submissions', 'total leads', 'on facebook leads');
add('video_views', 1, 'video views', 'views', 'video plays', '3 second video plays', 'video starts', 'thruplays', 'video views 2s', 'trueview views', 'video played to 100');
add('engagements', 1, 'engagements', 'post engagement', 'post engagements', 'total engagements', 'engagement', 'social engagements', 'interactions');

/**
 * Derived columns a platform writes (rates and ratios). They are recognised so
 * they are reported as "recomputed from measures", never summed or mapped.
 */
const DERIVED = new Set(
  [
    'ctr', 'ctr all', 'link ctr', 'click through rate', 'cpc', 'cpc all', 'avg cpc', 'average cpc', 'cost per click',
    'cost per link click', 'cpm', 'avg cpm', 'average cpm', 'cost per 1000 impressions', 'cost per mille', 'ecpm',
    'cpa', 'cost per conversion', 'cost conv', 'cost per conv', 'cost per result', 'cost per purchase', 'cost per lead',
    'conversion rate', 'conv rate', 'cvr', 'roas', 'purchase roas', 'return on ad spend', 'conv value cost',
    'frequency', 'avg frequency', 'cost all conv', 'interaction rate', 'engagement rate', 'view rate', 'avg cpv',
    'cost per view', 'ecpc', 'ecpa', 'swipe up rate', 'cpc destination', 'ctr destination', 'cost per 1 000 impressions',
    'average frequency', 'cpl', 'value per conversion', 'conv value per cost', 'aov', 'average order value',
  ].map(normaliseHeader),
);

export type HeaderMatch =
  | { readonly kind: 'field'; readonly alias: Alias; readonly qualifier: string | undefined }
  | { readonly kind: 'derived' }
  | { readonly kind: 'unknown' };

/** Platform vocabularies that mean something else there (LinkedIn: campaign group -> campaign, campaign -> ad group). */
const PLATFORM_OVERRIDES: Partial<Record<Platform, Record<string, Alias>>> = {
  LinkedIn: {
    [normaliseHeader('campaign group')]: { field: 'campaign', confidence: 1 },
    [normaliseHeader('campaign group name')]: { field: 'campaign', confidence: 1 },
    [normaliseHeader('campaign')]: { field: 'ad_group', confidence: 0.9 },
    [normaliseHeader('campaign name')]: { field: 'ad_group', confidence: 0.9 },
  },
};

export function matchHeader(header: string, platform: Platform): HeaderMatch {
  const overrides = PLATFORM_OVERRIDES[platform] ?? {};
  const full = normaliseHeader(header);
  const { base, qualifier } = splitQualifier(header);
  const stripped = normaliseHeader(base);
  for (const [key, q] of [
    [full, undefined],
    [stripped, qualifier],
  ] as const) {
    const alias = overrides[key] ?? TABLE[key];
    if (alias) return { kind: 'field', alias, qualifier: q };
  }
  if (DERIVED.has(full) || DERIVED.has(stripped)) return { kind: 'derived' };
  return { kind: 'unknown' };
}
