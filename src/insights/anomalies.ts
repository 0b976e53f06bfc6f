import type { Day, InsightInput } from './input.js';
import { median, round } from './rules/helpers.js';

export const ANOMALY_METRICS = ['spend', 'ctr', 'cpa', 'roas', 'conversions'] as const;
export type AnomalyMetric = (typeof ANOMALY_METRICS)[number];

export interface Anomaly {
  readonly scope: 'total' | 'platform' | 'campaign';
  readonly key: string;
  readonly metric: AnomalyMetric;
  readonly date: string;
  readonly value: number;
  /** The usual range: the median of the days before, ± 3.5 robust deviations. */
  readonly expected: { readonly median: number; readonly low: number; readonly high: number };
  /** Robust z-score: 0.6745 × (value − median) / MAD. */
  readonly deviation: number;
  readonly direction: 'above' | 'below';
  readonly severity: 'high' | 'medium';
}

/** Days of history each day is judged against, and the fewest that make a judgement. */
const WINDOW = 14;
const MIN_HISTORY = 7;
const THRESHOLD = 3.5;
const HIGH = 6;

/**
 * Median/MAD outliers on a daily series: each day against the days before it,
 * so a spike does not hide itself by raising its own baseline. Nothing is
 * said about causes; only what moved, when, and how far.
 */
export function seriesAnomalies(days: readonly Day[], metric: AnomalyMetric, scope: Anomaly['scope'], key: string): Anomaly[] {
  const out: Anomaly[] = [];
  for (let index = MIN_HISTORY; index < days.length; index++) {
    const value = days[index]![metric];
    if (value === null) continue;
    const history = days
      .slice(Math.max(0, index - WINDOW), index)
      .map((day) => day[metric])
      .filter((item): item is number => item !== null);
    if (history.length < MIN_HISTORY) continue;
    const center = median(history);
    // A series that never moved (MAD 0) is judged against 5 % of its level, so a flat line does not make every wobble an outlier.
    const mad = Math.max(median(history.map((item) => Math.abs(item - center))), Math.abs(center) * 0.05);
    if (mad === 0) continue;
    const deviation = (0.6745 * (value - center)) / mad;
    if (Math.abs(deviation) < THRESHOLD) continue;
    const spread = (THRESHOLD * mad) / 0.6745;
    out.push({
      scope,
      key,
      metric,
      date: days[index]!.date,
      value: round(value, 4),
      expected: { median: round(center, 4), low: round(Math.max(0, center - spread), 4), high: round(center + spread, 4) },
      deviation: round(deviation, 2),
      direction: deviation > 0 ? 'above' : 'below',
      severity: Math.abs(deviation) >= HIGH ? 'high' : 'medium',
    });
  }
  return out;
}

/** Outliers on the account's, each platform's and each campaign's daily KPIs, most extreme first. */
export function detectAnomalies(input: InsightInput): Anomaly[] {
  const series: [Anomaly['scope'], string, readonly Day[]][] = [
    ['total', 'all', input.daily],
    ...Object.entries(input.dailyByPlatform).map(([key, days]) => ['platform', key, days] as [Anomaly['scope'], string, readonly Day[]]),
    ...Object.entries(input.dailyByCampaign).map(([key, days]) => ['campaign', key, days] as [Anomaly['scope'], string, readonly Day[]]),
  ];
  return series
    .flatMap(([scope, key, days]) => ANOMALY_METRICS.flatMap((metric) => seriesAnomalies(days, metric, scope, key)))
    .sort((a, b) => Math.abs(b.deviation) - Math.abs(a.deviation) || a.date.localeCompare(b.date));
}
