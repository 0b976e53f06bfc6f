/** A dataset's first and last day and its platforms: which sources can report a day. */
export interface SourceSpan {
  readonly file: string;
  readonly platforms: readonly string[];
  readonly from: string;
  readonly to: string;
}

/**
 * The runs of a series' days reported by the same sources, as [start, end)
 * positions: a sum over Google Ads and Meta is not the same quantity as a sum
 * over Google Ads alone, so the days of one run may not be judged against
 * those of another. Spans are those of the files: a day without rows inside a
 * file's span is a day it reports nothing (a paused campaign), after its last
 * day nothing is known.
 */
export function sameSourceRuns(dates: readonly string[], spans: readonly SourceSpan[]): [number, number][] {
  const runs: [number, number][] = [];
  let previous: string | undefined;
  dates.forEach((date, index) => {
    const sources = spans.map((span) => (span.from <= date && date <= span.to ? '1' : '0')).join('');
    if (sources !== previous) runs.push([index, index]);
    runs.at(-1)![1] = index + 1;
    previous = sources;
  });
  return runs;
}
