/** The levels a daily series is judged at, broadest first. */
export type AnomalyScope = 'total' | 'platform' | 'campaign';

const SPECIFICITY: Record<AnomalyScope, number> = { campaign: 2, platform: 1, total: 0 };

/**
 * The days found out of range, as parallel columns in the order they were
 * found (series by series, metric by metric, day by day): what groups and
 * ranks them. A year of 200 campaigns finds about 9,000 such days and shows
 * 50, so a day becomes an object only once it is known to be shown.
 */
export interface FoundDays {
  /** Its series, as an index into `levels` and the keys. */
  readonly series: readonly number[];
  readonly levels: readonly AnomalyScope[];
  /** Its metric, as a position in the metric list. */
  readonly metric: readonly number[];
  readonly date: readonly string[];
  /** Its stake and deviation as the anomaly carries them (rounded): what ranks it. */
  readonly stake: readonly number[];
  readonly deviation: readonly number[];
}

/** The events of found days, ranked. */
export interface RankedEvents {
  readonly count: number;
  /** The records of the first events, in rank order. */
  readonly leading: readonly number[];
  /** The records an event absorbed at broader levels, narrowest first. */
  linked(record: number): number[];
  /** The stakes of the events from rank `from` (0-based) on, added in rank order. */
  stakeFrom(from: number): number;
}

/** Each record's move (date, metric, direction) as a small integer id, and the records of each move in record order. */
interface Moves {
  readonly of: Int32Array;
  /** Move `m`'s records are `members[start[m]]` up to `members[start[m + 1]]`. */
  readonly start: Int32Array;
  readonly members: Int32Array;
}

function movesOf(found: FoundDays, metrics: number): Moves {
  const count = found.date.length;
  const dates = new Map<string, number>();
  const of = new Int32Array(count);
  for (let record = 0; record < count; record++) {
    const date = found.date[record]!;
    let id = dates.get(date);
    if (id === undefined) {
      id = dates.size;
      dates.set(date, id);
    }
    of[record] = (id * metrics + found.metric[record]!) * 2 + (found.deviation[record]! > 0 ? 1 : 0);
  }
  const start = new Int32Array(dates.size * metrics * 2 + 1);
  for (let record = 0; record < count; record++) start[of[record]! + 1]!++;
  for (let move = 1; move < start.length; move++) start[move]! += start[move - 1]!;
  const next = start.slice(0, -1);
  const members = new Int32Array(count);
  for (let record = 0; record < count; record++) members[next[of[record]!]!++] = record;
  return { of, start, members };
}

/**
 * Whether each record is an event of its own: the same metric moving the
 * same way on the same day at the account, a platform and a campaign is
 * reported at the most specific level whose stake explains at least half of
 * the broader one's (narrower stakes summed in record order).
 */
function keptOf(found: FoundDays, { start, members }: Moves): Uint8Array {
  const kept = new Uint8Array(members.length).fill(1);
  const level = (record: number) => SPECIFICITY[found.levels[found.series[record]!]!];
  for (let move = 0; move + 1 < start.length; move++) {
    const from = start[move]!;
    const to = start[move + 1]!;
    // Most moves are seen once: nothing to weigh.
    if (to - from < 2) continue;
    for (let at = from; at < to; at++) {
      const record = members[at]!;
      let narrower = 0;
      let sum = 0;
      for (let other = from; other < to; other++) {
        if (level(members[other]!) <= level(record)) continue;
        narrower++;
        sum += found.stake[members[other]!]!;
      }
      if (narrower > 0 && !(sum < found.stake[record]! * 0.5)) kept[record] = 0;
    }
  }
  return kept;
}

/**
 * One event per move, most money at stake first (then the larger deviation,
 * the earlier day, the order found). Only the first `listed` are put in
 * order: the rest are needed only as a count and a sum of stakes, and the
 * stakes in rank order are the stakes sorted.
 */
export function rankEvents(found: FoundDays, metrics: number, listed: number): RankedEvents {
  const moves = movesOf(found, metrics);
  const kept = keptOf(found, moves);
  const events: number[] = [];
  for (let record = 0; record < kept.length; record++) if (kept[record] === 1) events.push(record);
  const count = events.length;
  const stakes = Float64Array.from(events, (record) => found.stake[record]!).sort();
  // The listed-th largest stake: no event below it is listed.
  const floor = count > listed ? stakes[count - listed]! : -Infinity;
  const first = (record: number) => moves.members[moves.start[moves.of[record]!]!]!;
  const { stake, deviation, date } = found;
  const leading = events
    .filter((record) => stake[record]! >= floor)
    .sort(
      (a, b) =>
        stake[b]! - stake[a]! ||
        Math.abs(deviation[b]!) - Math.abs(deviation[a]!) ||
        date[a]!.localeCompare(date[b]!) ||
        first(a) - first(b) ||
        a - b,
    )
    .slice(0, listed);
  const level = (record: number) => SPECIFICITY[found.levels[found.series[record]!]!];
  return {
    count,
    leading,
    linked(record) {
      const move = moves.of[record]!;
      const absorbed: number[] = [];
      for (let at = moves.start[move]!; at < moves.start[move + 1]!; at++) {
        const other = moves.members[at]!;
        if (kept[other] === 0 && level(other) < level(record)) absorbed.push(other);
      }
      return absorbed.sort((x, y) => level(y) - level(x));
    },
    stakeFrom(from) {
      let sum = 0;
      for (let at = count - 1 - from; at >= 0; at--) sum += stakes[at]!;
      return sum;
    },
  };
}
