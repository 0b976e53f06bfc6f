import {
  COVERED_SUMS,
  edgeDigits,
  KPI_DEFINITIONS,
  operand,
  type CoveredSum,
  type Measure,
  type SumLists,
} from '../../analysis/pure.js';
import {
  DAY_FIGURES,
  DAY_KPIS,
  DAY_MEASURES,
  lazyColumns,
  type Day,
  type DayFigure,
  type DaySeries,
} from '../../insights/pure.js';

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

/** Where the days of a set's rows go: `indices` the set's rows, ascending; `placeOf` a row its place (-1: none); `sequence` each place's row. */
export interface Placement {
  readonly indices: Int32Array;
  readonly placeOf: Int32Array;
  readonly sequence: Int32Array;
}

/**
 * The rules' days of a set's rows: the figures a report row would carry
 * (each rounded at the edge). This is `metricsAt` and `computeKpis` with every
 * operand's column resolved once per series. A figure is computed for every
 * day of the set when a rule first asks for it, walking its operands' sums
 * in row order (`indices`, ascending; each slot read once for all the figures
 * that take it) into a column whose rows are in the series' order
 * (`placeOf`), and a series' figure is a view of it: the rules read 8 of the
 * 13 figures. Reading columns at rows in group order missed the cache on
 * nearly every figure. Only a day a rule takes whole becomes a
 * Day, read again from its row.
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
  const operands = DAY_KPIS.map((name) => {
    const { numerator, denominator } = KPI_DEFINITIONS[name];
    return [slotOf(operand(numerator, denominator)), slotOf(operand(denominator, numerator))] as const;
  });
  // Only now is every slot known, derived covered sums included.
  const values = new Float64Array(size);
  values[none] = NaN;
  /** A figure from the sums of its slots (one for a measure, two for a KPI). */
  interface Formula {
    readonly operands: readonly number[];
    readonly of: (first: number, second: number) => number;
  }
  const measures = DAY_MEASURES.map((name): Formula => {
    const slot = present.has(name) ? (slots.get(name) ?? none) : none;
    const scale = 10 ** edgeDigits(name);
    return { operands: [slot], of: (sum) => edge(sum, scale) };
  });
  const kpis = DAY_KPIS.map((name, at): Formula => {
    const { scale } = KPI_DEFINITIONS[name];
    const digits = 10 ** edgeDigits(name);
    // `ratio`: null (NaN here) for a missing or non-positive denominator or a missing or negative numerator.
    return {
      operands: operands[at]!,
      of: (over, under) => edge(under > 0 && over >= 0 ? (over / under) * scale : NaN, digits),
    };
  });
  // In DAY_FIGURES' order, which is the measures' then the KPIs'.
  const formulas = [...measures, ...kpis];
  /** Formula `position` over the sums in `values`. */
  const valueOf = (position: number): number => {
    const {
      operands: [first, second],
      of,
    } = formulas[position]!;
    return of(values[first!]!, second === undefined ? NaN : values[second]!);
  };
  // As in a report row: a covered sum only where it differs from the whole.
  const covered = COVERED_SUMS.flatMap((sum) => {
    const slot = slots.get(sum.name);
    const whole = slots.get(sum.measure);
    return slot === undefined || slot >= lists.length
      ? []
      : [{ name: sum.name, slot, whole: whole ?? none, edge: 10 ** edgeDigits(sum.name) }];
  });
  /** Every slot of row `index` into `values`, derived covered sums last. */
  const readAll = (index: number) => {
    for (let slot = 0; slot < lists.length; slot++) values[slot] = numberAt(lists[slot]!, index);
    for (const [slot, reported, whole] of derived)
      values[slot] = Number.isNaN(values[reported]!) ? NaN : values[whole]!;
  };
  /**
   * A slot's sums at the set's rows (by position in `indices`), as `readAll`
   * reads them: read once, for every figure that reads the slot (spend is an
   * operand of three).
   */
  const sumColumn = lazyColumns<number>((slot) => {
    const column = new Float64Array(indices.length);
    if (slot < lists.length) {
      const list = lists[slot]!;
      for (let row = 0; row < indices.length; row++) column[row] = numberAt(list, indices[row]!);
      return column;
    }
    const own = derived.find(([at]) => at === slot);
    if (!own) return column.fill(NaN);
    const reported = sumColumn(own[1]);
    const whole = sumColumn(own[2]);
    for (let row = 0; row < indices.length; row++) column[row] = Number.isNaN(reported[row]!) ? NaN : whole[row]!;
    return column;
  });
  const places = sequence.length;
  const columns = lazyColumns<DayFigure>((figure) => {
    const { operands, of } = formulas[DAY_FIGURES.indexOf(figure)]!;
    const first = sumColumn(operands[0]!);
    const second = operands.length > 1 ? sumColumn(operands[1]!) : null;
    const column = new Float64Array(places);
    for (let row = 0; row < indices.length; row++) {
      const place = placeOf[indices[row]!]!;
      if (place >= 0) column[place] = of(first[row]!, second === null ? NaN : second[row]!);
    }
    return column;
  });
  const coveredSums = () => {
    const sums: Partial<Record<CoveredSum, number | null>> = {};
    for (const { name, slot, whole, edge: scale } of covered) {
      const value = values[slot]!;
      const other = values[whole]!;
      const same = Number.isNaN(value) ? Number.isNaN(other) : value === other;
      if (!same) sums[name] = orNull(edge(value, scale));
    }
    return sums;
  };
  return (start, dates) => {
    const length = dates.length;
    const figure = lazyColumns<DayFigure>((name) => columns(name).subarray(start, start + length));
    const day = (index: number): Day => {
      readAll(sequence[start + index]!);
      const at = (position: number) => orNull(valueOf(position));
      return {
        date: dates[index]!,
        impressions: at(0),
        reach: at(1),
        clicks: at(2),
        spend: at(3),
        conversions: at(4),
        revenue: at(5),
        ctr: at(6),
        cpc: at(7),
        cpm: at(8),
        cvr: at(9),
        cpa: at(10),
        roas: at(11),
        frequency: at(12),
        covered: coveredSums(),
      };
    };
    return { length, dates, figure, day };
  };
}
