import { formatDay, formatMetric, metricName } from '../analysis/pure.js';
import { rankEvents, type AnomalyScope, type FoundDays } from './anomaly-events.js';
import { sameSourceRuns, type SourceSpan } from './coverage.js';
import { seriesOfDays, sliceOfSeries, type DaySeries } from './day-series.js';
import type { Priority } from './finding.js';
import type { InsightInput } from './input.js';
import { round } from './rules/helpers.js';
import { SortedWindow } from './sorted-window.js';

export const ANOMALY_METRICS = ['spend', 'ctr', 'cpa', 'roas', 'conversions'] as const;
export type AnomalyMetric = (typeof ANOMALY_METRICS)[number];

export interface Anomaly {
  readonly scope: AnomalyScope;
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
 * How far from the median a day must be, in spreads, to be judged further
 * (the threshold with a margin for rounding). The spread is at least 5 % of
 * the median and at least the window's MAD floor, so a day nearer than this to
 * the median is no outlier whatever the MAD, and the MAD is not found for it.
 */
const NEAR = (0.999 * THRESHOLD) / 0.6745;

/**
 * The days found out of range so far, as columns (`FoundDays`), with what
 * makes the whole anomaly of the few that are shown.
 */
class Found implements FoundDays {
  readonly series: number[] = [];
  readonly metric: number[] = [];
  readonly date: string[] = [];
  readonly stake: number[] = [];
  readonly deviation: number[] = [];
  readonly value: number[] = [];
  readonly center: number[] = [];
  readonly mad: number[] = [];

  constructor(
    readonly levels: readonly AnomalyScope[],
    readonly keys: readonly string[],
  ) {}

  /** Record `record` whole, with the records it links. */
  anomaly(record: number, linked: readonly number[]): Anomaly {
    const series = this.series[record]!;
    const value = this.value[record]!;
    const center = this.center[record]!;
    const mad = this.mad[record]!;
    const deviation = (0.6745 * (value - center)) / mad;
    const spread = (THRESHOLD * mad) / 0.6745;
    return {
      scope: this.levels[series]!,
      key: this.keys[series]!,
      metric: ANOMALY_METRICS[this.metric[record]!]!,
      date: this.date[record]!,
      value: round(value, 4),
      expected: {
        median: round(center, 4),
        low: round(Math.max(0, center - spread), 4),
        high: round(center + spread, 4),
      },
      deviation: this.deviation[record]!,
      direction: deviation > 0 ? 'above' : 'below',
      severity: Math.abs(deviation) >= HIGH ? 'high' : 'medium',
      stake: this.stake[record]!,
      linked: linked.map((other) => `${this.levels[this.series[other]!]!}:${this.keys[this.series[other]!]!}`),
    };
  }
}

/** One metric (its place in ANOMALY_METRICS) of series `at` of `found` judged day by day, with the series' volumes. */
function judge(found: Found, at: number, series: DaySeries, volumes: Volumes, metric: number): void {
  const name = ANOMALY_METRICS[metric]!;
  const window = new SortedWindow(WINDOW);
  const values = series.figure(name);
  const impressions = series.figure('impressions');
  for (let index = 0; index < series.length; index++) {
    window.slide(index > WINDOW ? values[index - 1 - WINDOW]! : NaN, index > 0 ? values[index - 1]! : NaN);
    const value = values[index]!;
    if (Number.isNaN(value) || window.size < MIN_HISTORY || !enoughVolume(name, impressions, volumes, index)) continue;
    const center = window.median();
    if (Math.abs(value - center) < NEAR * Math.max(Math.abs(center) * 0.05, window.madFloor())) continue;
    // A series that never moved (MAD 0) is judged against 5 % of its level, so a flat line does not make every wobble an outlier.
    const mad = Math.max(window.mad(), Math.abs(center) * 0.05);
    if (mad === 0) continue;
    const deviation = (0.6745 * (value - center)) / mad;
    if (Math.abs(deviation) < THRESHOLD) continue;
    found.series.push(at);
    found.metric.push(metric);
    found.date.push(series.dates[index]!);
    found.stake.push(round(stakeOf(name, series, value, center, volumes, index), 2));
    found.deviation.push(round(deviation, 2));
    found.value.push(value);
    found.center.push(center);
    found.mad.push(mad);
  }
}

/**
 * Median/MAD outliers on a daily series: each day against the days before it,
 * so a spike does not hide itself by raising its own baseline. A rate is
 * judged only with enough volume behind it, a day only with enough history.
 * Nothing is said about causes; only what moved, when, how far, and how much
 * money that puts at stake.
 */
export function seriesAnomalies(series: DaySeries, metric: AnomalyMetric, scope: AnomalyScope, key: string): Anomaly[] {
  const found = new Found([scope], [key]);
  judge(found, 0, series, volumesOf(series), ANOMALY_METRICS.indexOf(metric));
  return found.date.map((_, record) => found.anomaly(record, []));
}

/** Events an analysis lists with its items; the anomaly rule shows the first few of them. */
export const ANOMALIES_LISTED = 50;

/** An input's anomalies, one per event, ranked by money at stake. */
export interface RankedAnomalies {
  readonly count: number;
  /** The first ANOMALIES_LISTED, most money at stake first. */
  readonly listed: readonly Anomaly[];
  /** The stakes of the anomalies from rank `from` (0-based) on, added in rank order. */
  stakeFrom(from: number): number;
}

type AnomalyInput = Pick<InsightInput, 'daily' | 'dailyByPlatform' | 'dailyByCampaign'> &
  Partial<Pick<InsightInput, 'sources'>>;

/** An input's anomalies, found once: the anomaly rule and the analysis's anomaly items both read them. */
const ranked = new WeakMap<AnomalyInput, RankedAnomalies>();

/** Outliers on the account's, each platform's and each campaign's daily KPIs (a day judged only against days of the same sources): one per event, most money at stake first. */
export function detectAnomalies(input: AnomalyInput): RankedAnomalies {
  let anomalies = ranked.get(input);
  if (!anomalies) {
    anomalies = findAnomalies(input);
    ranked.set(input, anomalies);
  }
  return anomalies;
}

/**
 * A series as the runs of days its sources all report, each judged on its own
 * (`sameSourceRuns`). When an export ends (or starts) inside the analysis, the
 * account's sum drops (or jumps) with no change in any campaign: judging each
 * day only against earlier days of the same sources keeps that from reading as
 * an outlier, and still judges every run long enough to have a history. Keeping
 * only the span every file covers would judge nothing when files follow one
 * another (January to June, then July to December). A platform's series is cut
 * only where one of its own files ends; a campaign's is never cut.
 */
function sameSourceSeries(
  scope: AnomalyScope,
  key: string,
  series: DaySeries,
  spans: readonly SourceSpan[],
): [AnomalyScope, string, DaySeries][] {
  return sameSourceRuns(series.dates, spans)
    .filter(([start, end]) => end - start > MIN_HISTORY)
    .map(([start, end]) => [scope, key, sliceOfSeries(series, start, end)]);
}

function findAnomalies(input: AnomalyInput): RankedAnomalies {
  const spans = input.sources ?? [];
  const sources: [AnomalyScope, string, DaySeries][] = [
    ...sameSourceSeries('total', 'all', seriesOfDays(input.daily), spans),
    ...Object.entries(input.dailyByPlatform).flatMap(([key, days]) =>
      sameSourceSeries(
        'platform',
        key,
        days,
        spans.filter((span) => span.platforms.includes(key)),
      ),
    ),
    ...Object.entries(input.dailyByCampaign).map(([key, days]): [AnomalyScope, string, DaySeries] => [
      'campaign',
      key,
      days,
    ]),
  ];
  const found = new Found(
    sources.map(([scope]) => scope),
    sources.map(([, key]) => key),
  );
  sources.forEach(([, , series], at) => {
    const volumes = volumesOf(series);
    for (let metric = 0; metric < ANOMALY_METRICS.length; metric++) judge(found, at, series, volumes, metric);
  });
  const events = rankEvents(found, ANOMALY_METRICS.length, ANOMALIES_LISTED);
  return {
    count: events.count,
    listed: events.leading.map((record) => found.anomaly(record, events.linked(record))),
    stakeFrom: (from) => events.stakeFrom(from),
  };
}

/** A range floored at zero says only its top: "0.00 to 4.85" reads as if nothing were a normal day. */
function usualRange(anomaly: Anomaly, figure: (value: number) => string): string {
  return anomaly.expected.low <= 0
    ? `a usual level of up to ${figure(anomaly.expected.high)}`
    : `a usual range of ${figure(anomaly.expected.low)} to ${figure(anomaly.expected.high)}`;
}

/** Where else the same move showed that day, as people name them: "Campaign 7, the account". */
export function linkedNames(anomaly: Anomaly): string {
  return anomaly.linked
    .map((link) => (link === 'total:all' ? 'the account' : link.slice(link.indexOf(':') + 1)))
    .join(', ');
}

/** The sentence of an anomaly, numbers formatted for people. */
export function anomalySentence(anomaly: Anomaly, currency: string | null): string {
  const figure = (value: number) => formatMetric(anomaly.metric, value, currency);
  const who = anomaly.scope === 'total' ? 'the account' : anomaly.key;
  const also = anomaly.linked.length > 0 ? ` (also seen in ${linkedNames(anomaly)})` : '';
  const money = formatMetric('spend', anomaly.stake, currency);
  return `On ${formatDay(anomaly.date)}, ${who} had ${metricName(anomaly.metric)} of ${figure(anomaly.value)}, against ${usualRange(anomaly, figure)}${also}; ${favourable(anomaly) ? `worth ${money}` : `${money} at stake`}.`;
}

/** Moves that are good news: more clicks per view, return or conversions, or a cheaper conversion. Spend is neither. */
function favourable(anomaly: Anomaly): boolean {
  if (anomaly.metric === 'spend') return false;
  return (anomaly.metric === 'cpa') === (anomaly.direction === 'below');
}

/** The title of an anomaly. */
export function anomalyTitle(anomaly: Anomaly): string {
  const name = metricName(anomaly.metric);
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} ${anomaly.direction} the usual range on ${formatDay(anomaly.date)}${anomaly.scope === 'total' ? '' : ` (${anomaly.key})`}`;
}

/** What an anomaly says wherever it is shown (an analysis's anomaly items, the anomaly rule's findings). */
export interface AnomalyFace {
  readonly priority: Priority;
  readonly subject: string;
  readonly title: string;
  readonly sentence: string;
  readonly figures: { value: number; median: number; low: number; high: number; deviation: number };
}

export function anomalyFace(anomaly: Anomaly, currency: string | null): AnomalyFace {
  return {
    priority: anomaly.severity === 'high' ? 'high' : 'medium',
    subject: `${anomaly.scope}:${anomaly.key}:${anomaly.metric}:${anomaly.date}`,
    title: anomalyTitle(anomaly),
    sentence: anomalySentence(anomaly, currency),
    figures: {
      value: anomaly.value,
      median: anomaly.expected.median,
      low: anomaly.expected.low,
      high: anomaly.expected.high,
      deviation: anomaly.deviation,
    },
  };
}
