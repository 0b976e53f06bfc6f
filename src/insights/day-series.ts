import type { Day, Stat } from './stat.js';

/** The measures of a day, in its order. */
export const DAY_MEASURES = ['impressions', 'reach', 'clicks', 'spend', 'conversions', 'revenue'] as const;
/** The KPIs of a day, in its order (after the measures). */
export const DAY_KPIS = ['ctr', 'cpc', 'cpm', 'cvr', 'cpa', 'roas', 'frequency'] as const;
/** The figures of a day, each a column of its series. */
export const DAY_FIGURES = [...DAY_MEASURES, ...DAY_KPIS] as const satisfies readonly Exclude<keyof Stat, 'covered'>[];
export type DayFigure = (typeof DAY_FIGURES)[number];

/**
 * One group's days in date order, as columns. The rules read a few figures
 * of every day; a year of 200 campaigns copied into Day objects was 73,000
 * objects of 14 numbers each, most of an analysis's worker time and garbage.
 * A rule that shows or sums a few days takes them whole with `day`.
 */
export interface DaySeries {
  readonly length: number;
  readonly dates: readonly string[];
  /** A figure's values by day, NaN where the day has none (its null); computed when first asked for. Read-only: a view shared with the set's other series. */
  figure(name: DayFigure): Float64Array;
  /** Day `index` whole, covered sums included. */
  day(index: number): Day;
}

/** `make` of each key (a figure, a sum's slot) once, when first asked for. */
export function lazyColumns<K>(make: (key: K) => Float64Array): (key: K) => Float64Array {
  const made = new Map<K, Float64Array>();
  return (key) => {
    let column = made.get(key);
    if (column === undefined) {
      column = make(key);
      made.set(key, column);
    }
    return column;
  };
}

/** Days already built (the report rows' series, a test's) as a series. */
export function seriesOfDays(days: readonly Day[]): DaySeries {
  return {
    length: days.length,
    dates: days.map((day) => day.date),
    figure: lazyColumns<DayFigure>((figure) => Float64Array.from(days, (day) => day[figure] ?? NaN)),
    day: (index) => days[index]!,
  };
}

/** Every day of a series whole: for a rule that has fired on the series and shows its days, or a test. */
export function daysOf(series: DaySeries): Day[] {
  return Array.from({ length: series.length }, (_, index) => series.day(index));
}

/** Days `start` to `end` (exclusive) of a series, as a series of their own: its columns are views of the series'. */
export function sliceOfSeries(series: DaySeries, start: number, end: number): DaySeries {
  if (start === 0 && end === series.length) return series;
  return {
    length: end - start,
    dates: series.dates.slice(start, end),
    figure: lazyColumns<DayFigure>((figure) => series.figure(figure).subarray(start, end)),
    day: (index) => series.day(start + index),
  };
}
