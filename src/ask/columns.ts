import { columnKind, columnLabel, labelOf, metricKind, type ColumnKind, type Metric } from '../analysis/index.js';

/**
 * The columns of an answer's table: the engine's (dimensions, metrics, coverage) and those an
 * answer adds (a compared metric's figure before and its change, the parts of a "why"). Keys are
 * for machines; each column also carries the label people read and how its figures are written,
 * so every client shows "CPA before" in money rather than "cpa_previous" as a bare number.
 */

/** A figure's kind (`share`: a fraction of 1, coverage); `field`: a key of the schema, shown by its label; `text`: as it is. */
export type ColumnFormat = ColumnKind | 'field' | 'text';

export interface AnswerField {
  readonly key: string;
  readonly label: string;
  readonly format: ColumnFormat;
}

export const previousColumn = (metric: Metric) => `${metric}_previous`;
/** The relative change in percent (−30 = down 30%). */
export const changePercentColumn = (metric: Metric) => `${metric}_change_pct`;
/** The absolute change, in the metric's own unit. */
export const changeColumn = (metric: Metric) => `${metric}_change`;

const WHY_COLUMNS: Readonly<Record<string, Omit<AnswerField, 'key'>>> = {
  dimension: { label: 'Breakdown', format: 'field' },
  value: { label: 'Name', format: 'text' },
};

/** The label and format of one column, from its key alone (so a stored answer is described as a new one). */
export function describeColumn(key: string): AnswerField {
  const fixed = WHY_COLUMNS[key];
  if (fixed) return { key, ...fixed };
  const derived = /^(.+?)(_change_pct|_previous|_change)$/.exec(key);
  const base = derived?.[1] ?? key;
  const kind = derived ? metricKind(base) : undefined;
  if (derived && kind) {
    const suffix = derived[2];
    if (suffix === '_previous') return { key, label: `${labelOf(base)} before`, format: kind };
    return { key, label: `${labelOf(base)} change`, format: suffix === '_change_pct' ? 'percent' : kind };
  }
  return { key, label: columnLabel(key), format: columnKind(key) ?? 'text' };
}

export const describeColumns = (keys: readonly string[]): AnswerField[] => keys.map(describeColumn);
