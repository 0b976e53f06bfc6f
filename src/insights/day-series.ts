import type { Day, Stat } from './stat.js';

/** The figures of a day, each a column of its series. */
export const DAY_FIGURES = [
  'impressions',
  'reach',
  'clicks',
  'spend',
  'conversions',
  'revenue',
  'ctr',
  'cpc',
  'cpm',
  'cvr',
  'cpa',
  'roas',
  'frequency',
] as const satisfies readonly Exclude<keyof Stat, 'covered'>[];
export type DayFigure = (typeof DAY_FIGURES)[number];

/** Each figure's values by day, NaN where the day has none (its null). */
export type FigureColumns = Readonly<Record<DayFigure, Float64Array>>;

/**
 * One group's days in date order, as columns. The rules read a few figures
 * of every day; a year of 200 campaigns copied into Day objects was 73,000
 * objects of 14 numbers each, most of an analysis's worker time and garbage.
 * A rule that shows or sums a few days takes them whole with `day`.
 */
export interface DaySeries {
  readonly length: number;
  readonly dates: readonly string[];
  readonly figures: FigureColumns;
  /** Day `index` whole, covered sums included. */
  day(index: number): Day;
}

/** Columns filled by `valueOf` for each figure. */
export function figureColumns(valueOf: (figure: DayFigure) => Float64Array): FigureColumns {
  const columns = {} as Record<DayFigure, Float64Array>;
  for (const figure of DAY_FIGURES) columns[figure] = valueOf(figure);
  return columns;
}

/** Days already built (the report rows' series, a test's) as a series. */
export function seriesOfDays(days: readonly Day[]): DaySeries {
  return {
    length: days.length,
    dates: days.map((day) => day.date),
    figures: figureColumns((figure) => Float64Array.from(days, (day) => day[figure] ?? NaN)),
    day: (index) => days[index]!,
  };
}

/** Every day of a series whole: for a caller that reads them all (a test, a deck), not for the rules. */
export function daysOf(series: DaySeries): Day[] {
  return Array.from({ length: series.length }, (_, index) => series.day(index));
}

/** A figure of one day, null where the day has none. */
export function figureAt(series: DaySeries, figure: DayFigure, index: number): number | null {
  const value = series.figures[figure][index]!;
  return Number.isNaN(value) ? null : value;
}
