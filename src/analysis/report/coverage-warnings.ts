import { formatDay, listOf } from '../format.js';

/** What a dataset summary says of a file's days (`report.ts`). */
interface Span {
  readonly file: string;
  readonly platforms: readonly string[];
  readonly dateRange: { readonly from: string | null; readonly to: string | null };
}

const dayAfter = (iso: string, days: number): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Who reports a day: the platforms, or the files when one of them is also `ending`'s platform (two Google Ads exports). */
function reportersOf(datasets: readonly Span[], ending: Span, day: string): string | null {
  const others = datasets.filter(
    (other) =>
      other !== ending &&
      other.dateRange.from !== null &&
      other.dateRange.to !== null &&
      other.dateRange.from <= day &&
      day <= other.dateRange.to,
  );
  if (others.length === 0) return null;
  const platforms = [...new Set(others.flatMap((other) => other.platforms))];
  const shared = platforms.some((platform) => ending.platforms.includes(platform));
  return listOf(shared || platforms.length === 0 ? others.map((other) => other.file) : platforms);
}

/**
 * Files that end before the analysis does, or start after it begins: the
 * totals of the days they miss are the other files' alone, which a drop or a
 * jump in a chart does not say by itself.
 */
export function coverageWarnings(
  datasets: readonly Span[],
  range: { readonly from: string | null; readonly to: string | null },
): string[] {
  const { from, to } = range;
  if (from === null || to === null) return [];
  return datasets.flatMap((dataset) => {
    const own = dataset.dateRange;
    if (own.from === null || own.to === null || own.to < from || own.from > to) return [];
    const warnings: string[] = [];
    const after = own.to < to ? reportersOf(datasets, dataset, dayAfter(own.to, 1)) : null;
    if (after !== null)
      warnings.push(
        `${dataset.file} ends on ${formatDay(own.to)} while the analysis runs to ${formatDay(to)}: the data after ${formatDay(own.to)} comes from ${after} only.`,
      );
    const before = own.from > from ? reportersOf(datasets, dataset, dayAfter(own.from, -1)) : null;
    if (before !== null)
      warnings.push(
        `${dataset.file} starts on ${formatDay(own.from)} while the analysis runs from ${formatDay(from)}: the data before ${formatDay(own.from)} comes from ${before} only.`,
      );
    return warnings;
  });
}
