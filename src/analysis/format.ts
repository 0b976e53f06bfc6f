import { isKpi, type Kpi } from './kpis.js';
import { nameInSentence } from './labels.js';
import { isMeasure, type Measure } from './schema.js';

/**
 * Numbers for people: every sentence, recommendation, summary and text report
 * formats its figures here, so "CPA of 238.79 USD" reads the same everywhere.
 * Figures keep full precision until they are written.
 */

/** How a metric's figures read; CTR and CVR are stored as percentages (6.43 is 6.43 %). */
export type MetricKind = 'money' | 'count' | 'percent' | 'ratio';

const KINDS: Record<Measure | Kpi, MetricKind> = {
  impressions: 'count',
  reach: 'count',
  clicks: 'count',
  conversions: 'count',
  leads: 'count',
  video_views: 'count',
  engagements: 'count',
  spend: 'money',
  revenue: 'money',
  profit: 'money',
  cpc: 'money',
  cpm: 'money',
  cpa: 'money',
  aov: 'money',
  ctr: 'percent',
  cvr: 'percent',
  roas: 'ratio',
  frequency: 'ratio',
};

/** The kind of a measure or KPI; undefined for any other key (a dimension, a period, a share). */
export function metricKind(key: string): MetricKind | undefined {
  return isMeasure(key) || isKpi(key) ? KINDS[key] : undefined;
}

const MINUS = '−';

/**
 * One formatter per number of decimals: `toLocaleString` with options builds a new one on every call,
 * about 40 times the cost of formatting with one kept (30 against 0.7 µs a figure).
 */
const formatters = new Map<number, Intl.NumberFormat>();

function fixed(value: number, digits: number): string {
  let formatter = formatters.get(digits);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(digits, formatter);
  }
  const text = formatter.format(Math.abs(value));
  // Rounding can leave "-0.00": no sign on a zero.
  return value < 0 && Number(text.replace(/,/g, '')) !== 0 ? `${MINUS}${text}` : text;
}

/** Money with two decimals, thousands separators and its currency code: "1,234.50 USD". */
export function formatMoney(value: number, currency: string | null | undefined): string {
  const amount = fixed(value, 2);
  return currency ? `${amount} ${currency}` : amount;
}

/** A count with separators; a fractional one (attributed conversions) keeps one decimal: "2,805", "12.5". */
export function formatCount(value: number): string {
  return fixed(value, Number.isInteger(Math.round(value * 10) / 10) ? 0 : 1);
}

/** A percentage: two decimals below 10 %, one above: "2.35%", "62.0%"... whole percentages above 100: "138%". */
export function formatPercent(value: number): string {
  const digits = Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0;
  return `${fixed(value, digits)}%`;
}

/** A share (0..1) as a percentage of whole numbers: "62%". */
export function formatShare(value: number): string {
  return `${fixed(value * 100, value > 0 && value < 0.01 ? 1 : 0)}%`;
}

/** A ratio such as ROAS or frequency: two decimals. */
export function formatRatio(value: number): string {
  return fixed(value, 2);
}

/** The name of a metric as sentences write it. */
export function metricName(metric: string): string {
  return nameInSentence(metric);
}

/** A figure of a named metric, formatted by its kind; null reads "not defined". */
export function formatMetric(
  metric: string,
  value: number | null | undefined,
  currency: string | null | undefined = null,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'not defined';
  return formatByKind(metricKind(metric) ?? 'ratio', value, currency);
}

/** A figure written by its kind; `share` is a fraction of 1 (coverage) written as a percentage. */
export function formatByKind(
  kind: MetricKind | 'share',
  value: number,
  currency: string | null | undefined = null,
): string {
  if (kind === 'money') return formatMoney(value, currency);
  if (kind === 'count') return formatCount(value);
  if (kind === 'percent') return formatPercent(value);
  if (kind === 'share') return formatShare(value);
  return formatRatio(value);
}

/** The plural of a noun: "campaigns", "countries", "days". */
export function pluralOf(noun: string): string {
  return /[^aeiou]y$/.test(noun) ? `${noun.slice(0, -1)}ies` : `${noun}s`;
}

/** "1 week", "3 weeks", "2,805 conversions": the count formatted and the noun agreeing with it. */
export function plural(count: number, singular: string, pluralForm = pluralOf(singular)): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

/** "Google Ads'", "Meta's". */
export function possessive(name: string): string {
  return /s$/i.test(name) ? `${name}'` : `${name}'s`;
}

/** A list read as a sentence: "A", "A and B", "A, B and C". */
export function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

const DAYS = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
const dayOf = (iso: string) => new Date(`${iso}T00:00:00Z`);
// ICU puts thin spaces around the range dash, which some report fonts lack.
const plainSpaces = (text: string) => text.replace(/\u2009/g, ' ');

/** A day as the web app shows it, "Oct 25, 2026"; sentences a client reads use it, keys and evidence keep ISO. */
export function formatDay(iso: string): string {
  return plainSpaces(DAYS.format(dayOf(iso)));
}

/** A span of days said once: "Oct 1 – 30, 2026", "Dec 20, 2025 – Jan 5, 2026"; one day alone as that day. */
export function formatDays(from: string, to: string): string {
  return from === to ? formatDay(from) : plainSpaces(DAYS.formatRange(dayOf(from), dayOf(to)));
}
