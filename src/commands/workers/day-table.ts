import {
  COVERED_SUMS,
  edgeDigits,
  KPI_DEFINITIONS,
  operand,
  type CoveredSum,
  type Measure,
  type SumLists,
} from '../../analysis/pure.js';
import { DAY_FIGURES, figureColumns, type Day, type DaySeries } from '../../insights/pure.js';

/** The KPIs a Day carries, in its order (after the measures, as in DAY_FIGURES). */
const DAY_KPIS = ['ctr', 'cpc', 'cpm', 'cvr', 'cpa', 'roas', 'frequency'] as const;
/** The measures a Day carries, in its order. */
const MEASURE_FIELDS = ['impressions', 'reach', 'clicks', 'spend', 'conversions', 'revenue'] as const;

/** A sum as `metricsAt` reads it, with NaN for its null (a missing or non-finite figure). */
function numberAt(list: ArrayLike<unknown>, index: number): number {
  const value = list[index];
  const number = typeof value === 'number' ? value : value === null || value === undefined ? NaN : Number(value);
  return Number.isFinite(number) ? number : NaN;
}

/** `atEdge` with the field's scale in hand, NaN for its null: it runs for every figure of every day. */
function edge(value: number, scale: number): number {
  if (!Number.isFinite(value)) return NaN;
  const rounded = Math.round(value * scale) / scale;
  return rounded === 0 ? 0 : rounded;
}

/** A figure read back from the table: NaN stands for null. */
const orNull = (value: number): number | null => (Number.isNaN(value) ? null : value);

/** Where the days of a set's rows go: `placeOf` a row its place (-1: none), `sequence` each place's row. */
export interface Placement {
  readonly indices: Int32Array;
  readonly placeOf: Int32Array;
  readonly sequence: Int32Array;
}

/**
 * The rules' days of a set's rows: the figures a report row would carry
 * (each rounded at the edge). This is `metricsAt` and `computeKpis` with every
 * operand's column resolved once per series. The figures are computed walking
 * the columns in row order (`indices`, ascending) into one table with a column
 * per figure whose rows are in the series' order (`placeOf`): a series' figure
 * is a view of its column. Reading a dozen columns at rows in group order
 * missed the cache on nearly every figure. Only a day a rule takes whole
 * becomes a Day, and only then are its covered sums read.
 */
export function dayTable(
  sums: SumLists,
  present: ReadonlySet<Measure>,
  { indices, placeOf, sequence }: Placement,
): (start: number, dates: readonly string[]) => DaySeries {
  const slots = new Map<string, number>(sums.map(([name], slot) => [name, slot]));
  const lists = sums.map(([, list]) => list);
  let size = lists.length;
  // Always NaN: an operand no column or covered sum gives.
  const none = size++;
  // A covered sum nobody computed reads as the whole measure when the partial measure is reported (`sumOf`).
  const derived: (readonly [slot: number, reported: number, measure: number])[] = [];
  const slotOf = (name: Measure | CoveredSum): number => {
    const slot = slots.get(name);
    if (slot !== undefined) return slot;
    const sum = COVERED_SUMS.find((candidate) => candidate.name === name);
    if (!sum) return none;
    const at = size++;
    derived.push([at, slots.get(sum.reportedBy) ?? none, slots.get(sum.measure) ?? none]);
    slots.set(name, at);
    return at;
  };
  const kpis = DAY_KPIS.map((name) => {
    const { numerator, denominator, scale } = KPI_DEFINITIONS[name];
    return {
      top: slotOf(operand(numerator, denominator)),
      bottom: slotOf(operand(denominator, numerator)),
      scale,
      edge: 10 ** edgeDigits(name),
    };
  });
  const measures = MEASURE_FIELDS.map((name) => ({
    slot: present.has(name) ? (slots.get(name) ?? none) : none,
    edge: 10 ** edgeDigits(name),
  }));
  // As in a report row: a covered sum only where it differs from the whole.
  const covered = COVERED_SUMS.flatMap((sum) => {
    const slot = slots.get(sum.name);
    const whole = slots.get(sum.measure);
    return slot === undefined || slot >= lists.length
      ? []
      : [{ name: sum.name, slot, whole: whole ?? none, edge: 10 ** edgeDigits(sum.name) }];
  });
  const values = new Float64Array(size);
  values[none] = NaN;
  /** A row's sums (and the covered sums derived from them) into `values`. */
  const read = (index: number) => {
    for (let slot = 0; slot < lists.length; slot++) values[slot] = numberAt(lists[slot]!, index);
    for (const [slot, reported, whole] of derived)
      values[slot] = Number.isNaN(values[reported]!) ? NaN : values[whole]!;
  };
  const places = sequence.length;
  // Column-major: figure `at` of the day in place `place` is at `at * places + place`.
  const table = new Float64Array(places * DAY_FIGURES.length);
  for (let row = 0; row < indices.length; row++) {
    const index = indices[row]!;
    const place = placeOf[index]!;
    if (place < 0) continue;
    read(index);
    for (let at = 0; at < measures.length; at++)
      table[at * places + place] = edge(values[measures[at]!.slot]!, measures[at]!.edge);
    for (let at = 0; at < kpis.length; at++) {
      const { top, bottom, scale } = kpis[at]!;
      const numerator = values[top]!;
      const denominator = values[bottom]!;
      // `ratio`: null (NaN here) for a missing or non-positive denominator or a missing or negative numerator.
      const kpi = denominator > 0 && numerator >= 0 ? (numerator / denominator) * scale : NaN;
      table[(measures.length + at) * places + place] = edge(kpi, kpis[at]!.edge);
    }
  }
  const coveredAt = (place: number) => {
    const sums: Partial<Record<CoveredSum, number | null>> = {};
    if (covered.length === 0) return sums;
    read(sequence[place]!);
    for (const { name, slot, whole, edge: scale } of covered) {
      const value = values[slot]!;
      const other = values[whole]!;
      const same = Number.isNaN(value) ? Number.isNaN(other) : value === other;
      if (!same) sums[name] = orNull(edge(value, scale));
    }
    return sums;
  };
  const figureAt = (figure: number, place: number) => orNull(table[figure * places + place]!);
  return (start, dates) => {
    const length = dates.length;
    const figures = figureColumns((figure) => {
      const column = DAY_FIGURES.indexOf(figure) * places + start;
      return table.subarray(column, column + length);
    });
    const day = (index: number): Day => {
      const place = start + index;
      return {
        date: dates[index]!,
        impressions: figureAt(0, place),
        reach: figureAt(1, place),
        clicks: figureAt(2, place),
        spend: figureAt(3, place),
        conversions: figureAt(4, place),
        revenue: figureAt(5, place),
        ctr: figureAt(6, place),
        cpc: figureAt(7, place),
        cpm: figureAt(8, place),
        cvr: figureAt(9, place),
        cpa: figureAt(10, place),
        roas: figureAt(11, place),
        frequency: figureAt(12, place),
        covered: coveredAt(place),
      };
    };
    return { length, dates, figures, day };
  };
}
