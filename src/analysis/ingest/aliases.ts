import type { Field, Platform } from '../schema.js';

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Header normalisation: case, accents, punctuation and spacing fold away, so
 * "Amount Spent (USD)" and "amount_spent" compare equal. A trailing
 * parenthesised part ("(USD)", "(in UTC)") is tried both with and without.
 */
export function normaliseHeader(header: string): string {
  // Plain ASCII has no accents to fold: most headers and every data cell the header search meets skip the Unicode work.
  const folded = NON_ASCII.test(header) ? header.normalize('NFKD').replace(/[\u0300-\u036f]/g, '') : header;
  return folded
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The header without its trailing parenthesised qualifiers, and what they said. */
export function splitQualifier(header: string): { base: string; qualifier: string | undefined } {
  if (!header.includes(')')) return { base: header, qualifier: undefined };
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

// Sources of the vocabulary, per platform (the pages that document each report's columns):
// Meta: Ads Manager "Export table data" and the metrics glossary (facebook.com/business/help), also as
//   German, French and Spanish accounts export them (Berichtsbeginn, Début des rapports, Inicio del informe…).
// Google Ads: "Columns in reports" (support.google.com/google-ads/answer/…: Impr., Conv., Conv. value, All conv. value).
// Microsoft Advertising: "Report attributes and performance statistics" (learn.microsoft.com/advertising/guides/report-attributes).
// LinkedIn: "Campaign Manager metrics" and "Conversions and leads metrics" (linkedin.com/help/lms/answer/a420212: Total Conversion Value).
// TikTok: Ads Manager "Reporting metrics" / Marketing API metrics (Total Complete Payment, Complete Payment ROAS, stat_time_day).
// Snapchat: Ads Manager "Metrics glossary" (Swipe Ups, Paid Impressions, Purchases Value, eCPSU).
// Pinterest: Ads reporting "Metrics definitions" (Spend in account currency, Total order value (Checkout)).
// Reddit: Ads Manager "Reporting metrics" (Amount Spent, Purchase Total Value, eCPM).
// X: "Export .CSV definitions" (business.x.com/help/campaign-measurement-and-analytics/export-csv-definitions: Time, Spend, Billed engagements).
// Amazon Ads: Sponsored Products "Reports column definitions" (7 Day Total Sales, 14 Day Total Sales, Total Advertising Cost of Sales (ACOS)).
// DV360: Bid Manager API "Filters and metrics" report-builder names (Insertion Order, Line Item, Media Cost (Advertiser Currency)).
// CM360: "Report fields" (Site (CM360), Placement, Total Conversions, Total Revenue).
add(
  'date',
  1,
  'date',
  'day',
  'stat time day',
  'by day',
  'gregorian date',
  'timeperiod',
  'time period',
  'report date',
  'day date',
  'date day',
  'tag',
  'datum',
  'jour',
  'dia',
  'fecha',
);
add(
  'date',
  0.9,
  'reporting starts',
  'reporting start',
  'date start',
  'start date',
  'berichtsbeginn',
  'debut des rapports',
  'inicio del informe',
  'starts',
);
add(
  'date',
  0.8,
  'start time',
  'week',
  'month',
  'time',
  'date range',
  'period',
  'woche',
  'monat',
  'semaine',
  'mois',
  'semana',
  'mes',
);
add('platform', 1, 'platform', 'ad platform', 'source platform', 'plattform', 'plateforme', 'plataforma');
add('platform', 0.8, 'source', 'publisher', 'network');
add(
  'channel',
  1,
  'channel',
  'channel type',
  'advertising channel',
  'advertising channel type',
  'campaign type',
  'media type',
  'ad type',
  'ad product',
);
add(
  'account',
  1,
  'account',
  'account name',
  'ad account',
  'ad account name',
  'advertiser',
  'advertiser name',
  'customer',
  'account descriptive name',
  'kontoname',
  'nom du compte',
  'nombre de la cuenta',
);
add(
  'campaign',
  1,
  'campaign',
  'campaign name',
  'campaign group',
  'campaign group name',
  'io',
  'campaign title',
  'insertion order',
  'insertion order name',
  'kampagnenname',
  'nom de la campagne',
  'nombre de la campana',
);
add(
  'ad_group',
  1,
  'ad set',
  'ad set name',
  'adset',
  'adset name',
  'ad group',
  'ad group name',
  'adgroup',
  'adgroup name',
  'ad squad',
  'ad squad name',
  'line item',
  'line item name',
  'name der anzeigengruppe',
  'anzeigengruppe',
  'nom de l ensemble de publicites',
  'ensemble de publicites',
  'nombre del conjunto de anuncios',
  'conjunto de anuncios',
);
add(
  'ad',
  1,
  'ad',
  'ad name',
  'creative',
  'creative name',
  'ad title',
  'pin',
  'pin name',
  'promoted pin name',
  'advertised asin',
  'advertised sku',
  'anzeigenname',
  'nom de la publicite',
  'nombre del anuncio',
  'promoted tweet',
);
add('device', 1, 'device', 'device type', 'device category', 'impression device', 'device platform');
add(
  'country',
  1,
  'country',
  'country territory',
  'country region',
  'country name',
  'geo country',
  'location country',
  'land',
  'pays',
  'pais',
);
add('region', 1, 'region', 'state', 'region name', 'state province', 'dma', 'region state');
add('age', 1, 'age', 'age range', 'age group', 'age bracket', 'alter', 'edad');
add('gender', 1, 'gender', 'sex', 'geschlecht', 'sexe', 'sexo');
add(
  'placement',
  1,
  'placement',
  'placement name',
  'position',
  'placement type',
  'site',
  'site cm360',
  'publisher platform',
  'inventory source',
  'exchange',
  'subreddit',
  'community',
);
add('objective', 1, 'objective', 'campaign objective', 'goal', 'campaign goal', 'optimization goal');
add('funnel_stage', 1, 'funnel stage', 'funnel', 'stage', 'marketing funnel stage');
add(
  'currency',
  1,
  'currency',
  'currency code',
  'account currency',
  'currency name',
  'advertiser currency',
  'wahrung',
  'devise',
  'moneda',
  'divisa',
);

add(
  'impressions',
  1,
  'impressions',
  'impr',
  'impression',
  'imps',
  'paid impressions',
  'total impressions',
  'impressions total',
  'impressionen',
  'impresiones',
);
add(
  'reach',
  1,
  'reach',
  'unique reach',
  'unique users',
  'reach estimated',
  'accounts center accounts reached',
  'reichweite',
  'couverture',
  'alcance',
);
add(
  'clicks',
  1,
  'clicks',
  'clicks all',
  'link clicks',
  'total clicks',
  'clicks destination',
  'swipes',
  'swipe ups',
  'swipe up',
  'pin clicks',
  'outbound clicks',
  'click',
  'clicks total',
  'link klicks',
  'klicks',
  'clics sur un lien',
  'clics',
  'clics en el enlace',
  'url clicks',
);
add(
  'spend',
  1,
  'spend',
  'cost',
  'amount spent',
  'total spent',
  'total spend',
  'media cost',
  'media cost advertiser currency',
  'spend in account currency',
  'cost in account currency',
  'ad spend',
  'spent',
  'total cost',
  'spend adv currency',
  'ausgegebener betrag',
  'betrag ausgegeben',
  'kosten',
  'montant depense',
  'cout',
  'importe gastado',
  'coste',
  'gasto',
  'billed charge',
  'spend local currency',
);
add('spend', 0.8, 'revenue adv currency', 'total media cost advertiser currency', 'billable cost');
add(
  'conversions',
  1,
  'conversions',
  'conv',
  'total conversions',
  'purchases',
  'website purchases',
  'conversions total',
  'total conversions checkout',
  'conversion',
  'all conversions',
  'all conv',
  'kaufe',
  'achats',
  'compras',
  'total purchases',
  'conversion purchases',
  'purchase',
  'orders',
  '7 day total orders',
  '14 day total orders',
  '30 day total orders',
  '1 day total orders',
  'total orders',
  'web conversions purchases',
);
// Meta's "Results" count whatever the objective optimises for: usually conversions, not always.
add('conversions', 0.6, 'results', 'ergebnisse', 'resultats', 'resultados');
// TikTok's "Complete Payment" is the count of purchases; its value columns are below.
add('conversions', 0.7, 'complete payment', 'total complete payment count');
add(
  'revenue',
  1,
  'revenue',
  'conversion value',
  'conv value',
  'total conversion value',
  'conversions value',
  'purchase conversion value',
  'purchases conversion value',
  'website purchase conversion value',
  'website purchases conversion value',
  'total order value',
  'total order value checkout',
  'web order value checkout',
  'sales',
  'total revenue',
  'all conv value',
  'revenue usd',
  'all revenue',
  'total complete payment',
  'complete payment value',
  'total complete payment value',
  'total purchase value',
  'purchase value',
  'value of complete payment',
  'purchases value',
  'total purchases value',
  'conversion purchases value',
  'purchase total value',
  'purchases total value',
  'total value purchase',
  'purchases sale amount',
  'sale amount',
  'conversion sale amount',
  'web conversions sale amount',
  '7 day total sales',
  '14 day total sales',
  '30 day total sales',
  '1 day total sales',
  'total sales',
  'conversionswert fur kaufe',
  'wert der kaufe',
  'valeur de conversion des achats',
  'valor de conversion de compras',
  'umsatz',
  'chiffre d affaires',
  'ingresos',
);
add(
  'leads',
  1,
  'leads',
  'lead',
  'leads form',
  'lead form completions',
  'lead form submissions',
  'total leads',
  'on facebook leads',
);
add(
  'video_views',
  1,
  'video views',
  'views',
  'video plays',
  '3 second video plays',
  'video starts',
  'thruplays',
  'video views 2s',
  'trueview views',
  'video played to 100',
  '2 second video views',
);
add(
  'engagements',
  1,
  'engagements',
  'post engagement',
  'post engagements',
  'total engagements',
  'engagement',
  'social engagements',
  'interactions',
);

/**
 * Derived columns a platform writes (rates and ratios). They are recognised so
 * they are reported as "recomputed from measures", never summed or mapped.
 */
const DERIVED = new Set(
  [
    'ctr',
    'ctr all',
    'link ctr',
    'click through rate',
    'cpc',
    'cpc all',
    'avg cpc',
    'average cpc',
    'cost per click',
    'cost per link click',
    'cpm',
    'avg cpm',
    'average cpm',
    'cost per 1000 impressions',
    'cost per mille',
    'ecpm',
    'cpa',
    'cost per conversion',
    'cost conv',
    'cost per conv',
    'cost per result',
    'cost per purchase',
    'cost per lead',
    'conversion rate',
    'conv rate',
    'cvr',
    'roas',
    'purchase roas',
    'return on ad spend',
    'conv value cost',
    'frequency',
    'avg frequency',
    'cost all conv',
    'interaction rate',
    'engagement rate',
    'view rate',
    'avg cpv',
    'cost per view',
    'ecpc',
    'ecpa',
    'swipe up rate',
    'cpc destination',
    'ctr destination',
    'cost per 1 000 impressions',
    'average frequency',
    'cpl',
    'value per conversion',
    'conv value per cost',
    'aov',
    'average order value',
    'value conv',
    'value all conv',
    'ecpsu',
    'ecpv',
    'ecps',
    'acos',
    'haufigkeit',
    'repetition',
    'frecuencia',
  ].map(normaliseHeader),
);

/**
 * Words that make a header a rate whatever else it says: "Complete Payment ROAS",
 * "Cost per Complete Payment", "Total Advertising Cost of Sales (ACOS)",
 * "Kosten pro Ergebnis", "Coût par résultat", "Coste por resultado".
 */
const DERIVED_WORDS = [
  'ctr',
  'cpc',
  'cpm',
  'cpa',
  'cpv',
  'cpl',
  'cpi',
  'roas',
  'acos',
  'roi',
  'ecpm',
  'ecpc',
  'ecpa',
  'ecpsu',
  'ecpv',
  'ecpi',
  'ecps',
  'rate',
  'per',
  'pro',
  'par',
  'por',
  'avg',
  'average',
];
/** One of those words anywhere in a normalised header (words are single-space separated there). */
const DERIVED_WORD = new RegExp(`(?:^| )(?:${DERIVED_WORDS.join('|')})(?: |$)`);

function isDerived(normalised: string): boolean {
  return DERIVED.has(normalised) || DERIVED_WORD.test(normalised);
}

/** Date columns that give the report's range (the same on every row), never a row's date on their own. */
const RANGE_END = new Set(
  [
    'reporting ends',
    'reporting end',
    'date stop',
    'end date',
    'ends',
    'end time',
    'campaign end date',
    'berichtsende',
    'fin des rapports',
    'fin del informe',
  ].map(normaliseHeader),
);
const RANGE_START = new Set(
  [
    'reporting starts',
    'reporting start',
    'date start',
    'start date',
    'starts',
    'campaign start date',
    'berichtsbeginn',
    'debut des rapports',
    'inicio del informe',
  ].map(normaliseHeader),
);
/** Headers that name a time breakdown: each row is that day, week or month. */
const TIME_BREAKDOWN = new Set(
  [
    'date',
    'day',
    'stat time day',
    'by day',
    'gregorian date',
    'timeperiod',
    'time period',
    'report date',
    'day date',
    'date day',
    'week',
    'month',
    'time',
    'tag',
    'datum',
    'jour',
    'dia',
    'fecha',
    'woche',
    'monat',
    'semaine',
    'mois',
    'semana',
    'mes',
  ].map(normaliseHeader),
);

export type DateRole = 'breakdown' | 'range-start' | 'range-end' | 'other';

/** What a date-like header says about its column: a time breakdown, one end of the report's range, or neither. */
export function dateRole(header: string): DateRole {
  const names = [normaliseHeader(header), normaliseHeader(splitQualifier(header).base)];
  if (names.some((name) => TIME_BREAKDOWN.has(name))) return 'breakdown';
  if (names.some((name) => RANGE_START.has(name))) return 'range-start';
  if (names.some((name) => RANGE_END.has(name))) return 'range-end';
  return 'other';
}

export type HeaderMatch =
  | { readonly kind: 'field'; readonly alias: Alias; readonly qualifier: string | undefined }
  | { readonly kind: 'derived' }
  | { readonly kind: 'range' }
  | { readonly kind: 'unknown' };

/**
 * Platform vocabularies that mean something else there: LinkedIn's campaign
 * group is the campaign and its campaign the ad group; DV360's insertion order
 * is the campaign (its "Campaign" groups insertion orders) and its line item the
 * ad group; CM360's placement is the bought unit (the ad group) and its site
 * where the ad ran (the placement dimension).
 */
const PLATFORM_OVERRIDES: Partial<Record<Platform, Record<string, Alias>>> = {
  LinkedIn: {
    [normaliseHeader('campaign group')]: { field: 'campaign', confidence: 1 },
    [normaliseHeader('campaign group name')]: { field: 'campaign', confidence: 1 },
    [normaliseHeader('campaign')]: { field: 'ad_group', confidence: 0.9 },
    [normaliseHeader('campaign name')]: { field: 'ad_group', confidence: 0.9 },
  },
  DV360: {
    [normaliseHeader('campaign')]: { field: 'campaign', confidence: 0.7 },
    [normaliseHeader('campaign name')]: { field: 'campaign', confidence: 0.7 },
  },
  CM360: {
    [normaliseHeader('placement')]: { field: 'ad_group', confidence: 1 },
    [normaliseHeader('placement name')]: { field: 'ad_group', confidence: 1 },
    [normaliseHeader('site')]: { field: 'placement', confidence: 1 },
    [normaliseHeader('site name')]: { field: 'placement', confidence: 1 },
    [normaliseHeader('ad')]: { field: 'ad', confidence: 0.9 },
  },
};

export function matchHeader(header: string, platform: Platform): HeaderMatch {
  const overrides = PLATFORM_OVERRIDES[platform] ?? {};
  const full = normaliseHeader(header);
  // Every name of the vocabulary has a letter: numbers and dates, most of what the header search meets in data rows, name nothing.
  if (!/[a-z]/.test(full)) return { kind: 'unknown' };
  const { base, qualifier } = splitQualifier(header);
  const stripped = base === header ? full : normaliseHeader(base);
  for (const [key, q] of [
    [full, undefined],
    [stripped, qualifier],
  ] as const) {
    // Own keys only: a header named `constructor` must not find Object's.
    const alias =
      (Object.hasOwn(overrides, key) ? overrides[key] : undefined) ??
      (Object.hasOwn(TABLE, key) ? TABLE[key] : undefined);
    if (alias) return { kind: 'field', alias, qualifier: q };
  }
  if (isDerived(full) || (stripped !== full && isDerived(stripped))) return { kind: 'derived' };
  if (RANGE_END.has(full) || RANGE_END.has(stripped)) return { kind: 'range' };
  return { kind: 'unknown' };
}
