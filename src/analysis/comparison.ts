import { previousRange } from './query.js';

/** What an analysis compares its period with: the period just before, the same dates a year earlier, or nothing. */
export const COMPARISONS = ['previous', 'year', 'none'] as const;
export type Comparison = (typeof COMPARISONS)[number];

const DAY_MS = 86_400_000;

/** The same calendar date a year earlier; 29 February becomes 28 February. */
function yearEarlier(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const shifted = new Date(Date.UTC(date.getUTCFullYear() - 1, date.getUTCMonth(), date.getUTCDate()));
  const clamped =
    shifted.getUTCMonth() === date.getUTCMonth()
      ? shifted
      : new Date(shifted.getTime() - shifted.getUTCDate() * DAY_MS);
  return clamped.toISOString().slice(0, 10);
}

/** The range a period is compared with; null when the analysis asks for no comparison. */
export function comparisonRange(
  range: { from: string; to: string },
  comparison: Comparison,
): { from: string; to: string } | null {
  if (comparison === 'none') return null;
  if (comparison === 'year') return { from: yearEarlier(range.from), to: yearEarlier(range.to) };
  return previousRange(range);
}

/**
 * Whether a range shares a day with the dates of a scope's rows (`from` and
 * `to` null: none of its rows is dated). When it does not, the scope narrowed
 * to that range has no rows, which needs no scan to know.
 */
export function sharesDays(
  range: { readonly from: string; readonly to: string },
  dates: { readonly from: string | null; readonly to: string | null },
): boolean {
  return dates.from !== null && dates.to !== null && range.from <= dates.to && range.to >= dates.from;
}
