/** The unified campaign schema every export is mapped onto (DESIGN.md). */
export const DIMENSIONS = [
  'date',
  'platform',
  'channel',
  'account',
  'campaign',
  'ad_group',
  'ad',
  'device',
  'country',
  'region',
  'age',
  'gender',
  'placement',
  'objective',
  'funnel_stage',
  'currency',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const MEASURES = [
  'impressions',
  'reach',
  'clicks',
  'spend',
  'conversions',
  'revenue',
  'leads',
  'video_views',
  'engagements',
] as const;
export type Measure = (typeof MEASURES)[number];

export type Field = Dimension | Measure;

/** Dimensions a breakdown may group by (date is a time series, not a breakdown). */
export const BREAKDOWN_DIMENSIONS: readonly Dimension[] = DIMENSIONS.filter((dimension) => dimension !== 'date');

export const PLATFORMS = [
  'Meta',
  'Google Ads',
  'Microsoft Ads',
  'LinkedIn',
  'TikTok',
  'Snapchat',
  'DV360',
  'CM360',
  'Pinterest',
  'Reddit',
  'X Ads',
  'Amazon Ads',
] as const;
export type Platform = (typeof PLATFORMS)[number] | 'Unknown';

export function isDimension(value: string): value is Dimension {
  return (DIMENSIONS as readonly string[]).includes(value);
}

export function isMeasure(value: string): value is Measure {
  return (MEASURES as readonly string[]).includes(value);
}

export function isField(value: string): value is Field {
  return isDimension(value) || isMeasure(value);
}
