import { formatMetric, metricName } from '../analysis/pure.js';
import { seriesOfDays, type DaySeries } from './day-series.js';
import type { InsightInput } from './input.js';
import { round } from './rules/helpers.js';

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
  /** Money the move puts at stake that day, in the analysis's currency (what ranks anomalies). */
  readonly stake: number;
  /** The same move seen at broader levels ("platform:Meta", "total:all"), reported here once. */
  readonly linked: string[];
}

/** Days of history each day is judged against, and the fewest that make a judgement. */
const WINDOW = 14;
const MIN_HISTORY = 10;
const THRESHOLD = 3.5;
const HIGH = 6;
/** Volume a rate needs behind it, on average over the history: a CTR over 3 clicks moves by chance. */
const MIN_CLICKS = 20;
const MIN_CONVERSIONS = 5;
const MIN_IMPRESSIONS = 1000;

/** The j-th distance (0-based) below a median whose window's upper half starts at `middle`: -Infinity before the run, Infinity past it. */
function distanceBelow(values: Float64Array, middle: number, center: number, j: number): number {
  return j < 0 ? -Infinity : j < middle ? center - values[middle - 1 - j]! : Infinity;
}

/** The j-th distance (0-based) above the median, from `middle` up to the window's `n` values. */
function distanceAbove(values: Float64Array, middle: number, n: number, center: number, j: number): number {
  return j < 0 ? -Infinity : j < n - middle ? values[middle + j]! - center : Infinity;
}

/**
 * Values of the last WINDOW days, kept sorted (binary insert and remove) in a
 * typed array, so no day sorts its history and no insert allocates.
 */
export class SortedWindow {
  private values = new Float64Array(WINDOW + 1);
  private count = 0;

  get size(): number {
    return this.count;
  }

  private indexOf(value: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.values[middle]! < value) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  // The window holds about WINDOW values: moving them one by one costs less than a copyWithin call.
  insert(value: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    const values = this.values;
    const index = this.indexOf(value);
    for (let at = this.count; at > index; at--) values[at] = values[at - 1]!;
    values[index] = value;
    this.count++;
  }

  remove(value: number): void {
    const values = this.values;
    const index = this.indexOf(value);
    if (index < this.count && values[index] === value) {
      this.count--;
      for (let at = index; at < this.count; at++) values[at] = values[at + 1]!;
    }
  }

  median(): number {
    const n = this.count;
    const middle = n >>> 1;
    return n === 0 ? NaN : n % 2 === 1 ? this.values[middle]! : (this.values[middle - 1]! + this.values[middle]!) / 2;
  }

  /**
   * Median absolute deviation from the median, with no sort. The values below
   * the middle are at most the median and those from it on at least, so the
   * distances below (walking down) and above (walking up) are two ascending
   * runs; the median distance is the k-th smallest of their union, found by a
   * binary search on how many of the k smallest come from below.
   */
  mad(): number {
    const n = this.count;
    if (n === 0) return NaN;
    const values = this.values;
    const center = this.median();
    const middle = n >>> 1;
    const k = middle + 1;
    const below = (j: number) => distanceBelow(values, middle, center, j);
    const above = (j: number) => distanceAbove(values, middle, n, center, j);
    // The fewest taken from below such that the next one below is no nearer than the last one taken from above.
    let low = Math.max(0, k - (n - middle));
    let high = Math.min(k, middle);
    while (low < high) {
      const taken = (low + high) >>> 1;
      if (below(taken) >= above(k - taken - 1)) high = taken;
      else low = taken + 1;
    }
    const lastBelow = below(low - 1);
    const lastAbove = above(k - low - 1);
    const kth = Math.max(lastBelow, lastAbove);
    if (n % 2 === 1) return kth;
    // The (k-1)-th: the larger of what is left once the k-th is set aside.
    const before =
      lastBelow >= lastAbove ? Math.max(below(low - 2), lastAbove) : Math.max(lastBelow, above(k - low - 2));
    return (before + kth) / 2;
  }
}

/**
 * The volume behind the rates over the WINDOW days before each day: sums
 * kept as a day enters and leaves the window, once per series for all its
 * metrics (entry `index` is the history of day `index`).
 */
interface Volumes {
  readonly clicks: Float64Array;
  readonly spend: Float64Array;
  readonly conversions: Float64Array;
  readonly days: Int32Array;
}

/** A figure as the volume sums and stakes read it: 0 for a day without it. */
const orZero = (value: number): number => (Number.isNaN(value) ? 0 : value);

function volumesOf(series: DaySeries): Volumes {
  const n = series.length;
  const dayClicks = series.figure('clicks');
  const daySpend = series.figure('spend');
  const dayConversions = series.figure('conversions');
  const out: Volumes = {
    clicks: new Float64Array(n),
    spend: new Float64Array(n),
    conversions: new Float64Array(n),
    days: new Int32Array(n),
  };
  let clicks = 0;
  let spend = 0;
  let conversions = 0;
  let count = 0;
  for (let index = 0; index < n; index++) {
    if (index > 0) {
      clicks += orZero(dayClicks[index - 1]!);
      spend += orZero(daySpend[index - 1]!);
      conversions += orZero(dayConversions[index - 1]!);
      count += 1;
    }
    if (index > WINDOW) {
      const leaving = index - 1 - WINDOW;
      clicks -= orZero(dayClicks[leaving]!);
      spend -= orZero(daySpend[leaving]!);
      conversions -= orZero(dayConversions[leaving]!);
      count -= 1;
    }
    out.clicks[index] = clicks;
    out.spend[index] = spend;
    out.conversions[index] = conversions;
    out.days[index] = count;
  }
  return out;
}

function enoughVolume(metric: AnomalyMetric, impressions: Float64Array, volumes: Volumes, index: number): boolean {
  const days = Math.max(1, volumes.days[index]!);
  if (metric === 'ctr')
    return orZero(impressions[index]!) >= MIN_IMPRESSIONS && volumes.clicks[index]! / days >= MIN_CLICKS;
  if (metric === 'cpa' || metric === 'roas' || metric === 'conversions')
    return volumes.conversions[index]! / days >= MIN_CONVERSIONS;
  return true;
}

/** Money a move puts at stake on its day: the spend gap, the cost of the conversions gained or lost, the revenue gap. */
function stakeOf(
  metric: AnomalyMetric,
  series: DaySeries,
  value: number,
  center: number,
  volumes: Volumes,
  index: number,
): number {
  const gap = Math.abs(value - center);
  const conversions = volumes.conversions[index]!;
  if (metric === 'spend') return gap;
  if (metric === 'conversions') return conversions > 0 ? gap * (volumes.spend[index]! / conversions) : 0;
  if (metric === 'cpa') return gap * orZero(series.figure('conversions')[index]!);
  const spend = orZero(series.figure('spend')[index]!);
  if (metric === 'roas') return gap * spend;
  return center > 0 ? spend * Math.min(1, gap / center) : 0;
}

/**
 * The deviation a day cannot reach because the spread is floored at 5 % of
 * the median, with a margin for rounding: a day closer to the median than
 * this is no outlier whatever the MAD, so the MAD is not walked for it.
 */
const WITHIN_FLOOR = (0.999 * THRESHOLD * 0.05) / 0.6745;

/** One metric of a series judged day by day, with the series' volumes. */
function metricAnomalies(
  series: DaySeries,
  volumes: Volumes,
  metric: AnomalyMetric,
  scope: Anomaly['scope'],
  key: string,
): Anomaly[] {
  const out: Anomaly[] = [];
  const window = new SortedWindow();
  const values = series.figure(metric);
  const impressions = series.figure('impressions');
  for (let index = 0; index < series.length; index++) {
    if (index > 0 && !Number.isNaN(values[index - 1]!)) window.insert(values[index - 1]!);
    if (index > WINDOW && !Number.isNaN(values[index - 1 - WINDOW]!)) window.remove(values[index - 1 - WINDOW]!);
    const value = values[index]!;
    if (Number.isNaN(value) || window.size < MIN_HISTORY || !enoughVolume(metric, impressions, volumes, index))
      continue;
    const center = window.median();
    if (Math.abs(value - center) < WITHIN_FLOOR * Math.abs(center)) continue;
    // A series that never moved (MAD 0) is judged against 5 % of its level, so a flat line does not make every wobble an outlier.
    const mad = Math.max(window.mad(), Math.abs(center) * 0.05);
    if (mad === 0) continue;
    const deviation = (0.6745 * (value - center)) / mad;
    if (Math.abs(deviation) < THRESHOLD) continue;
    const spread = (THRESHOLD * mad) / 0.6745;
    out.push({
      scope,
      key,
      metric,
      date: series.dates[index]!,
      value: round(value, 4),
      expected: {
        median: round(center, 4),
        low: round(Math.max(0, center - spread), 4),
        high: round(center + spread, 4),
      },
      deviation: round(deviation, 2),
      direction: deviation > 0 ? 'above' : 'below',
      severity: Math.abs(deviation) >= HIGH ? 'high' : 'medium',
      stake: round(stakeOf(metric, series, value, center, volumes, index), 2),
      linked: [],
    });
  }
  return out;
}

/**
 * Median/MAD outliers on a daily series: each day against the days before it,
 * so a spike does not hide itself by raising its own baseline. A rate is
 * judged only with enough volume behind it, a day only with enough history.
 * Nothing is said about causes; only what moved, when, how far, and how much
 * money that puts at stake.
 */
export function seriesAnomalies(
  series: DaySeries,
  metric: AnomalyMetric,
  scope: Anomaly['scope'],
  key: string,
): Anomaly[] {
  return metricAnomalies(series, volumesOf(series), metric, scope, key);
}

/** `seriesAnomalies` of every metric, metric by metric, the series' volumes summed once for all of them. */
function allSeriesAnomalies(series: DaySeries, scope: Anomaly['scope'], key: string): Anomaly[] {
  const volumes = volumesOf(series);
  return ANOMALY_METRICS.flatMap((metric) => metricAnomalies(series, volumes, metric, scope, key));
}

const SPECIFICITY: Record<Anomaly['scope'], number> = { campaign: 2, platform: 1, total: 0 };

/**
 * One event per move: the same metric moving the same way on the same day at
 * the account, a platform and a campaign is reported once, at the most
 * specific level whose stake explains at least half of the broader one's, with
 * the broader ones linked. A single-platform, single-campaign file thus says
 * each thing once, not three times.
 */
function oneEventEach(anomalies: readonly Anomaly[]): Anomaly[] {
  const byMove = new Map<string, Anomaly[]>();
  for (const anomaly of anomalies) {
    const move = `${anomaly.date}\u0000${anomaly.metric}\u0000${anomaly.direction}`;
    const group = byMove.get(move);
    if (group) group.push(anomaly);
    else byMove.set(move, [anomaly]);
  }
  const out: Anomaly[] = [];
  for (const group of byMove.values()) {
    // Most moves are seen at one level only: nothing to link, so the anomaly is kept as found.
    if (group.length === 1) {
      out.push(group[0]!);
      continue;
    }
    const kept = group.filter((anomaly) => {
      const narrower = group.filter((other) => SPECIFICITY[other.scope] > SPECIFICITY[anomaly.scope]);
      return narrower.reduce((sum, other) => sum + other.stake, 0) < anomaly.stake * 0.5 || narrower.length === 0;
    });
    const absorbed = group.filter((anomaly) => !kept.includes(anomaly));
    for (const anomaly of kept) {
      const linked = absorbed
        .filter((other) => SPECIFICITY[other.scope] < SPECIFICITY[anomaly.scope])
        .sort((x, y) => SPECIFICITY[y.scope] - SPECIFICITY[x.scope])
        .map((other) => `${other.scope}:${other.key}`);
      out.push({ ...anomaly, linked });
    }
  }
  return out;
}

type AnomalyInput = Pick<InsightInput, 'daily' | 'dailyByPlatform' | 'dailyByCampaign'>;

/** An input's anomalies, found once: the anomaly rule and the analysis's anomaly items both read them. */
const found = new WeakMap<AnomalyInput, readonly Anomaly[]>();

/** Outliers on the account's, each platform's and each campaign's daily KPIs: one per event, most money at stake first. */
export function detectAnomalies(input: AnomalyInput): readonly Anomaly[] {
  let anomalies = found.get(input);
  if (!anomalies) {
    anomalies = findAnomalies(input);
    found.set(input, anomalies);
  }
  return anomalies;
}

function findAnomalies(input: AnomalyInput): Anomaly[] {
  const series: [Anomaly['scope'], string, DaySeries][] = [
    ['total', 'all', seriesOfDays(input.daily)],
    ...Object.entries(input.dailyByPlatform).map(
      ([key, days]) => ['platform', key, days] as [Anomaly['scope'], string, DaySeries],
    ),
    ...Object.entries(input.dailyByCampaign).map(
      ([key, days]) => ['campaign', key, days] as [Anomaly['scope'], string, DaySeries],
    ),
  ];
  return oneEventEach(series.flatMap(([scope, key, days]) => allSeriesAnomalies(days, scope, key))).sort(
    (a, b) => b.stake - a.stake || Math.abs(b.deviation) - Math.abs(a.deviation) || a.date.localeCompare(b.date),
  );
}

/** A range floored at zero says only its top: "0.00 to 4.85" reads as if nothing were a normal day. */
function usualRange(anomaly: Anomaly, figure: (value: number) => string): string {
  return anomaly.expected.low <= 0
    ? `a usual level of up to ${figure(anomaly.expected.high)}`
    : `a usual range of ${figure(anomaly.expected.low)} to ${figure(anomaly.expected.high)}`;
}

/** The sentence of an anomaly, numbers formatted for people. */
export function anomalySentence(anomaly: Anomaly, currency: string | null): string {
  const figure = (value: number) => formatMetric(anomaly.metric, value, currency);
  const who = anomaly.scope === 'total' ? 'the account' : anomaly.key;
  const also =
    anomaly.linked.length > 0
      ? ` (also seen in ${anomaly.linked.map((link) => (link === 'total:all' ? 'the account' : link.slice(link.indexOf(':') + 1))).join(', ')})`
      : '';
  const money = formatMetric('spend', anomaly.stake, currency);
  return `On ${anomaly.date}, ${who} had ${metricName(anomaly.metric)} of ${figure(anomaly.value)}, against ${usualRange(anomaly, figure)}${also}; ${favourable(anomaly) ? `worth ${money}` : `${money} at stake`}.`;
}

/** Moves that are good news: more clicks per view, return or conversions, or a cheaper conversion. Spend is neither. */
function favourable(anomaly: Anomaly): boolean {
  if (anomaly.metric === 'spend') return false;
  return (anomaly.metric === 'cpa') === (anomaly.direction === 'below');
}

/** The title of an anomaly. */
export function anomalyTitle(anomaly: Anomaly): string {
  const name = metricName(anomaly.metric);
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} ${anomaly.direction} its usual range on ${anomaly.date}${anomaly.scope === 'total' ? '' : ` (${anomaly.key})`}`;
}
