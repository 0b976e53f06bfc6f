import type { Kpi } from './kpis.js';
import type { Field } from './schema.js';

/**
 * The name people read for each field and KPI of the unified schema, defined once: the web app's
 * selects, tables and tabs, the CLI report and the decks all show these, never the keys
 * ("ad_group") that the API and the store use. Type imports only, so the web app bundles this file alone.
 */
const LABELS: Record<Field | Kpi, string> = {
  date: 'Date',
  platform: 'Platform',
  channel: 'Channel',
  account: 'Account',
  campaign: 'Campaign',
  ad_group: 'Ad group',
  ad: 'Ad',
  device: 'Device',
  country: 'Country',
  region: 'Region',
  age: 'Age',
  gender: 'Gender',
  placement: 'Placement',
  objective: 'Objective',
  funnel_stage: 'Funnel stage',
  currency: 'Currency',
  impressions: 'Impressions',
  reach: 'Reach',
  clicks: 'Clicks',
  spend: 'Spend',
  conversions: 'Conversions',
  revenue: 'Revenue',
  leads: 'Leads',
  video_views: 'Video views',
  engagements: 'Engagements',
  ctr: 'CTR',
  cpc: 'CPC',
  cpm: 'CPM',
  cpa: 'CPA',
  roas: 'ROAS',
  cvr: 'CVR',
  aov: 'AOV',
  frequency: 'Frequency',
  // Ad spend is the only cost the data holds: "profit" would promise a margin it cannot know.
  profit: 'Revenue − spend',
};

/** "Ad group" for `ad_group`; a key outside the schema ("period") reads as its words, capitalised. */
export function labelOf(key: string): string {
  return Object.hasOwn(LABELS, key)
    ? LABELS[key as Field | Kpi]
    : key.replace(/_/g, ' ').replace(/^./, (first) => first.toUpperCase());
}

/** The label as a sentence writes it: "video views", "CTR". */
export function nameInSentence(key: string): string {
  const label = labelOf(key);
  return /^[A-Z]{2,}\b/.test(label) ? label : label.replace(/^./, (first) => first.toLowerCase());
}
