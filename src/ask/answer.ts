import {
  formatDay,
  formatDays,
  formatMetric,
  formatPercent,
  labelOf,
  listOf,
  metricName,
  nameInSentence,
  plural,
} from '../analysis/index.js';
import type { Metric, QueryResult, QueryRow, Dimension } from '../analysis/index.js';
import {
  changeColumn,
  changePercentColumn,
  describeColumn,
  describeColumns,
  previousColumn,
  type AnswerField,
} from './columns.js';
import { METRIC_DIRECTION } from './lexicon.js';
import type { AskQuery } from './parse.js';

/** A small chart description a page (or a deck) can draw; null when a sentence says it all. */
export interface ChartSpec {
  readonly type: 'bar' | 'line';
  readonly x: string;
  readonly series: { readonly field: string; readonly label: string }[];
}

export type AnswerRow = Record<string, string | number | null>;

/** What the stored analysis already found that bears on a "why" question (its anomalies on those days, insights about what moved). */
export interface Evidence {
  readonly kind: 'anomaly' | 'insight';
  readonly id: string;
  readonly title: string;
  readonly sentence: string;
}

export interface Answer {
  /** Figures formatted for people; every one comes from the engine's rows. */
  readonly sentence: string;
  /** The columns' keys, as the rows hold them. */
  readonly columns: string[];
  /** Each column's label and how its figures are written, in the order of `columns`. */
  readonly fields: AnswerField[];
  readonly rows: AnswerRow[];
  readonly chart: ChartSpec | null;
  /** Only for "why" about an analysis. */
  readonly evidence?: Evidence[];
}

function changeText(
  relative: number | null | undefined,
  absolute: number | null | undefined,
  metric: Metric,
  currency: string | null,
): string {
  if (absolute === null || absolute === undefined) return 'with nothing to compare with';
  if (absolute === 0) return 'unchanged';
  const direction = absolute > 0 ? 'up' : 'down';
  const amount = formatMetric(metric, Math.abs(absolute), currency);
  return relative === null || relative === undefined
    ? `${direction} ${amount}`
    : `${direction} ${formatPercent(Math.abs(relative) * 100)} (${amount})`;
}

const capital = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
const keyColumns = (query: AskQuery) => [...query.dimensions, ...(query.granularity ? ['period'] : [])];

interface Comparison {
  readonly previous?: Record<string, number | null>;
  readonly change?: Record<string, { absolute: number | null; relative: number | null }>;
}

/** The previous figures and changes runQuery adds to a row when comparing periods. */
function comparisonOf(row: QueryRow): Comparison {
  const previous = row.previous;
  const change = row.change;
  return {
    ...(typeof previous === 'object' && previous !== null ? { previous: previous as Comparison['previous'] } : {}),
    ...(typeof change === 'object' && change !== null ? { change: change as Comparison['change'] } : {}),
  };
}

const numberOf = (value: QueryRow[string] | undefined): number | null => (typeof value === 'number' ? value : null);

/** Query rows as flat table rows: each compared metric gains its previous value and its change in %. */
function flatten(query: AskQuery, result: QueryResult): { columns: string[]; rows: AnswerRow[] } {
  const compared = query.compareTo !== undefined;
  const columns = result.columns.flatMap((column) =>
    compared && query.metrics.includes(column as Metric)
      ? [column, previousColumn(column as Metric), changePercentColumn(column as Metric)]
      : [column],
  );
  const rows = result.rows.map((row) => {
    const flat: AnswerRow = {};
    const extra = row as QueryRow & Comparison;
    for (const column of result.columns) {
      const value = row[column];
      flat[column] = typeof value === 'object' && value !== null ? JSON.stringify(value) : (value ?? null);
      if (compared && query.metrics.includes(column as Metric)) {
        flat[previousColumn(column as Metric)] = extra.previous?.[column] ?? null;
        const relative = extra.change?.[column]?.relative;
        flat[changePercentColumn(column as Metric)] =
          relative === null || relative === undefined ? null : Math.round(relative * 10_000) / 100;
      }
    }
    return flat;
  });
  return { columns, rows };
}

function textOf(value: QueryRow[string] | undefined): string {
  if (value === null || value === undefined) return '(none)';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function keyOf(row: QueryRow, keys: readonly string[]): string {
  return keys.map((key) => textOf(row[key])).join(' · ');
}

function figuresOf(query: AskQuery, row: QueryRow & Comparison): string {
  const currency = (row.currency as string | null | undefined) ?? null;
  return query.metrics
    .map((metric) => {
      const value = row[metric] as number | null;
      const base = `${metricName(metric)} ${formatMetric(metric, value, currency)}`;
      if (!query.compareTo) return base;
      const change = row.change?.[metric];
      const before = row.previous?.[metric];
      return `${base}, ${changeText(change?.relative, change?.absolute, metric, currency)}${before !== null && before !== undefined ? ` from ${formatMetric(metric, before, currency)}` : ''}`;
    })
    .join('; ');
}

/** Where a period asked for lies outside the data ("last month" counts back from its last day): where the data is. */
function outside(query: AskQuery, data: { readonly from: string | null; readonly to: string | null }): string {
  const range = query.dateRange;
  if (!range || !data.from || !data.to) return '';
  if (range.from <= data.to && range.to >= data.from) return '';
  return ` The data covers ${formatDays(data.from, data.to)}.`;
}

/** A period as the sentence says it: "on Dec 2, 2025", "over Dec 1 – 31, 2025". */
const periodText = (range: { readonly from: string; readonly to: string }) =>
  range.from === range.to ? `on ${formatDay(range.from)}` : `over ${formatDays(range.from, range.to)}`;

/** The sentence, table and chart of a figures question, from the engine's result. */
export function buildAnswer(
  query: AskQuery,
  result: QueryResult,
  data: { readonly from: string | null; readonly to: string | null } = { from: null, to: null },
): Answer {
  const { columns, rows } = flatten(query, result);
  const keys = keyColumns(query);
  const period = query.dateRange ? periodText(query.dateRange) : 'over all the data';
  const versus = query.compareTo ? `, compared with ${formatDays(query.compareTo.from, query.compareTo.to)}` : '';
  if (result.rows.length === 0) {
    return {
      sentence: `No rows match ${query.dateRange ? formatDays(query.dateRange.from, query.dateRange.to) : period}${query.having ? ' and the conditions asked' : ''}.${outside(query, data)}`,
      columns,
      fields: describeColumns(columns),
      rows,
      chart: null,
    };
  }
  const currencies = new Set(result.rows.map((row) => row.currency ?? null));
  let sentence: string;
  if (keys.length === 0) {
    sentence = `${result.rows.map((row) => capital(figuresOf(query, row as QueryRow & Comparison))).join('. In another currency: ')} ${period}${versus}.`;
  } else if (query.granularity || query.dimensions.includes('date')) {
    const first = result.rows[0]!;
    const last = result.rows.at(-1)!;
    sentence =
      query.orderBy && query.limit !== undefined
        ? `${keyOf(first, keys)} comes first: ${figuresOf(query, first)} (${period}${versus}).`
        : `${plural(result.rows.length, query.granularity ?? 'day')} ${period}${versus}; the latest, ${keyOf(last, keys)}: ${figuresOf(query, last)}.`;
  } else {
    const first = result.rows[0]!;
    const noun = nameInSentence(query.dimensions[0]!);
    const lead = query.orderBy ? (query.orderBy.direction === 'desc' ? 'highest' : 'lowest') : 'first';
    const metric = (query.orderBy?.field ?? query.metrics[0]) as Metric;
    const judged =
      METRIC_DIRECTION[metric] === 0 || !query.orderBy
        ? lead
        : (query.orderBy.direction === 'desc') === METRIC_DIRECTION[metric] > 0
          ? 'best'
          : 'worst';
    const count = result.rows.length;
    // A ranking asked for its first few holds only those rows: their count is not how many there are.
    sentence =
      query.orderBy && query.limit !== undefined
        ? `The ${count === 1 ? noun : plural(count, noun)} with the ${lead} ${metricName(metric)} ${period}${versus}${query.having ? ' among those meeting the conditions' : ''}${count === 1 ? ' is ' : '; first, '}${keyOf(first, keys)}: ${figuresOf(query, first)}.`
        : `${plural(count, noun)} ${period}${versus}${query.having ? ' meet the conditions' : ''}; ${judged === lead ? `the ${lead}` : `the ${judged} (${lead} ${metricName(metric)})`} is ${keyOf(first, keys)}: ${figuresOf(query, first)}.`;
  }
  if (currencies.size > 1) sentence += ' Money is shown per currency (no exchange rates were given).';
  const chart: ChartSpec | null =
    keys.length === 0
      ? null
      : {
          type: query.granularity || query.dimensions.includes('date') ? 'line' : 'bar',
          x: keys[0]!,
          series: query.metrics.map((metric) => ({ field: metric, label: labelOf(metric) })),
        };
  return { sentence, columns, fields: describeColumns(columns), rows, chart };
}

/** A breakdown's rows that explain a change: the largest moves in the direction of their currency's total. */
export interface Contribution {
  readonly dimension: Dimension;
  readonly value: string;
  readonly currency: string | null;
  readonly current: number | null;
  readonly previous: number | null;
  readonly change: number | null;
}

const currencyOf = (row: QueryRow): string | null => (typeof row.currency === 'string' ? row.currency : null);

/** The direction of the total's move in each currency (a row per currency when the data has several). */
export function directions(metric: Metric, total: QueryResult): Map<string | null, number> {
  return new Map(
    total.rows.map((row) => [currencyOf(row), Math.sign(comparisonOf(row).change?.[metric]?.absolute ?? 0)]),
  );
}

export function contributions(
  dimension: Dimension,
  metric: Metric,
  result: QueryResult,
  direction: ReadonlyMap<string | null, number>,
): Contribution[] {
  const moves = result.rows
    .map((row) => {
      const extra = row as QueryRow & Comparison;
      return {
        dimension,
        value: textOf(row[dimension]),
        currency: currencyOf(row),
        current: (row[metric] as number | null) ?? null,
        previous: extra.previous?.[metric] ?? null,
        change: extra.change?.[metric]?.absolute ?? null,
      };
    })
    .filter((item) => {
      const way = direction.get(item.currency) ?? 0;
      return item.change !== null && item.change !== 0 && (way === 0 || Math.sign(item.change) === way);
    })
    .sort((a, b) => Math.abs(b.change!) - Math.abs(a.change!));
  // Five per currency: money of one currency is never ranked against another's.
  return [...new Set(moves.map((item) => item.currency))].flatMap((currency) =>
    moves.filter((item) => item.currency === currency).slice(0, 5),
  );
}

/** The answer to "why did X change": the total's move, then the rows that moved most the same way. */
export function buildWhyAnswer(
  query: AskQuery,
  total: QueryResult,
  parts: readonly Contribution[],
  evidence: readonly Evidence[] = [],
): Answer {
  const metric = query.metrics[0]!;
  const range = query.dateRange!;
  const when = periodText(range);
  const before = formatDays(query.compareTo!.from, query.compareTo!.to);
  const several = total.rows.length > 1;
  // The currency is a column even when there is one: a money cell is written with its currency.
  const columns = ['dimension', 'value', 'currency', metric, previousColumn(metric), changeColumn(metric)];
  const fields = describeColumns(columns);
  const rows: AnswerRow[] = parts.map((part) => ({
    dimension: part.dimension,
    value: part.value,
    currency: part.currency,
    [metric]: part.current,
    [previousColumn(metric)]: part.previous,
    [changeColumn(metric)]: part.change,
  }));
  const found = evidence.length > 0 ? { evidence: [...evidence] } : {};
  if (total.rows.length === 0)
    return {
      sentence: `No rows match ${formatDays(range.from, range.to)}.`,
      columns,
      fields,
      rows,
      chart: null,
      ...found,
    };
  // Each currency's move is told with its own rows: a GBP total explained by a USD campaign's move would mislead.
  let sentence = total.rows
    .map((row) => {
      const currency = currencyOf(row);
      const { previous, change: changes } = comparisonOf(row);
      const change = changes?.[metric];
      const lead = several
        ? `In ${currency ?? 'figures with no stated currency'}, ${metricName(metric)}`
        : labelOf(metric);
      let part = `${lead} was ${formatMetric(metric, numberOf(row[metric]), currency)} ${when}, ${changeText(change?.relative, change?.absolute, metric, currency)} from ${formatMetric(metric, previous?.[metric], currency)} (${before}).`;
      const named = parts
        .filter((item) => item.currency === currency)
        .slice(0, 4)
        .map(
          (item) =>
            `${nameInSentence(item.dimension)} ${item.value} (${item.change! > 0 ? '+' : '−'}${formatMetric(metric, Math.abs(item.change!), currency)})`,
        );
      if (named.length > 0) part += ` The largest moves the same way: ${listOf(named)}.`;
      else if (change?.absolute)
        part += ' No platform or campaign moved the same way on its own: the change is spread thin.';
      return part;
    })
    .join(' ');
  const anomalies = evidence.filter((item) => item.kind === 'anomaly');
  if (anomalies.length > 0)
    sentence += ` The analysis flagged ${anomalies.length === 1 ? 'an anomaly' : plural(anomalies.length, 'anomaly')} in that period: ${anomalies[0]!.title}${anomalies.length > 1 ? ', and more below' : ''}.`;
  const change = describeColumn(changeColumn(metric));
  return {
    sentence,
    columns,
    fields,
    rows,
    chart: rows.length > 0 ? { type: 'bar', x: 'value', series: [{ field: change.key, label: change.label }] } : null,
    ...found,
  };
}
