import { sameWord } from './text.js';

/** A span of days named in a question, resolved against the data's last day. */
export interface DateMention {
  readonly from: string;
  readonly to: string;
  /** How the question said it, for the interpretation. */
  readonly label: string;
  /** Where it sits in the question's words. */
  readonly start: number;
  readonly length: number;
}

/** A comparison the question asks for by name ("week over week"). */
export interface PeriodMarker {
  readonly unit: 'week' | 'month' | 'quarter' | 'year';
  readonly start: number;
  readonly length: number;
}

const DAY_MS = 86_400_000;
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH_SHORT = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
};
const ORDINAL_WORDS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5 };

export const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const dayMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);
export const addDays = (day: string, days: number): string => iso(dayMs(day) + days * DAY_MS);

function addMonths(day: string, months: number): string {
  const date = new Date(dayMs(day));
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return iso(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(date.getUTCDate(), last)));
}

function monthRange(year: number, month: number): { from: string; to: string } {
  return { from: iso(Date.UTC(year, month, 1)), to: iso(Date.UTC(year, month + 1, 0)) };
}

function validDay(year: number, month: number, day: number): string | undefined {
  const ms = Date.UTC(year, month, day);
  const date = new Date(ms);
  return date.getUTCMonth() === month && date.getUTCDate() === day ? iso(ms) : undefined;
}

/** Monday of the ISO week a day falls in. */
export function mondayOf(day: string): string {
  const weekday = (new Date(dayMs(day)).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

/** A number written as digits or a word ("14", "fourteen"); "17th" only when ordinals are allowed. */
export function numberOf(word: string | undefined, ordinal = false): number | undefined {
  if (word === undefined) return undefined;
  if (/^\d+$/.test(word)) return Number(word);
  if (ordinal && /^\d+(st|nd|rd|th)$/.test(word)) return Number(word.replace(/\D/g, ''));
  return NUMBER_WORDS[word];
}

const known = () => false;

function monthOf(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  const short = MONTH_SHORT.indexOf(word === 'sept' ? 'sep' : word);
  if (short >= 0) return short;
  const exact = MONTHS.indexOf(word);
  if (exact >= 0) return exact;
  const index = MONTHS.findIndex((month) => month.length >= 5 && word.length >= 4 && sameWord(word, month, known));
  return index >= 0 ? index : undefined;
}

/** The year a month (or day) with no year means: the latest one not after the data's last day. */
function yearFor(month: number, day: number, anchor: string): number {
  const year = Number(anchor.slice(0, 4));
  return validDay(year, month, Math.min(day, 28)) !== undefined && iso(Date.UTC(year, month, day)) > anchor
    ? year - 1
    : year;
}

function yearOf(word: string | undefined): number | undefined {
  return word !== undefined && /^(19|20)\d\d$/.test(word) ? Number(word) : undefined;
}

interface DayHit {
  readonly day: string;
  readonly length: number;
  /** The month it named (so "from the 1st to 15 November" reads the first day in November too). */
  readonly month?: number;
}

/**
 * A single day at position i: an ISO date, "17 November (2025)", "17th of Nov",
 * "November 17(th)", or "the 17th" (in the month of the data's last day, or
 * the month before when that day is still to come).
 */
function dayAt(w: readonly string[], i: number, anchor: string, monthHint?: number): DayHit | undefined {
  const word = w[i];
  if (word === undefined) return undefined;
  const isoMatch = /^iso(\d{4})(\d{2})(\d{2})$/.exec(word);
  if (isoMatch) {
    const day = validDay(Number(isoMatch[1]), Number(isoMatch[2]) - 1, Number(isoMatch[3]));
    return day ? { day, length: 1 } : undefined;
  }
  let j = i;
  const the = w[j] === 'the';
  if (the) j++;
  const dayNumber = numberOf(w[j], true);
  if (dayNumber !== undefined && dayNumber >= 1 && dayNumber <= 31 && !/^\d{4}$/.test(w[j]!)) {
    let k = j + 1;
    if (w[k] === 'of') k++;
    const month = monthOf(w[k]);
    if (month !== undefined) {
      const year = yearOf(w[k + 1]);
      const resolved = validDay(year ?? yearFor(month, dayNumber, anchor), month, dayNumber);
      return resolved ? { day: resolved, length: k + (year ? 2 : 1) - i, month } : undefined;
    }
    const ordinal = /(st|nd|rd|th)$/.test(w[j]!);
    if (ordinal || (the && monthHint !== undefined) || monthHint !== undefined) {
      if (!ordinal && !the && monthHint === undefined) return undefined;
      if (monthHint !== undefined) {
        const resolved = validDay(yearFor(monthHint, dayNumber, anchor), monthHint, dayNumber);
        return resolved ? { day: resolved, length: j + 1 - i, month: monthHint } : undefined;
      }
      const year = Number(anchor.slice(0, 4));
      const month = Number(anchor.slice(5, 7)) - 1;
      const inMonth = dayNumber <= Number(anchor.slice(8, 10)) ? validDay(year, month, dayNumber) : undefined;
      const resolved = inMonth ?? validDay(month === 0 ? year - 1 : year, (month + 11) % 12, dayNumber);
      return resolved ? { day: resolved, length: j + 1 - i } : undefined;
    }
    return undefined;
  }
  if (the) return undefined;
  const month = monthOf(word);
  if (month !== undefined) {
    let k = i + 1;
    if (w[k] === 'the') k++;
    const number = numberOf(w[k], true);
    if (number !== undefined && number >= 1 && number <= 31) {
      const year = yearOf(w[k + 1]);
      const resolved = validDay(year ?? yearFor(month, number, anchor), month, number);
      return resolved ? { day: resolved, length: k + (year ? 2 : 1) - i, month } : undefined;
    }
  }
  return undefined;
}

type Hit = { from: string; to: string; length: number };

/**
 * The span starting at position i, if any. The data's last day stands for
 * yesterday (exports run to the day before): "last 7 days" end on it, "this
 * week/month" is the period holding it and "last week/month" the one before.
 */
function spanAt(w: readonly string[], i: number, anchor: string): Hit | undefined {
  const today = addDays(anchor, 1);
  const word = w[i]!;
  const next = w[i + 1];
  const year = Number(anchor.slice(0, 4));
  const month = Number(anchor.slice(5, 7)) - 1;
  const quarter = Math.floor(month / 3);

  // from X to Y, between X and Y
  if (word === 'from' || word === 'between') {
    const first = dayAt(w, i + 1, anchor);
    const firstNumber = numberOf(w[i + 1], true);
    const joinAt = first ? i + 1 + first.length : firstNumber !== undefined ? i + 2 : -1;
    if (joinAt > 0 && ['to', 'and', 'until', 'till', 'through', 'thru'].includes(w[joinAt] ?? '')) {
      const second = dayAt(w, joinAt + 1, anchor, first?.month);
      if (second) {
        const start = first ?? dayAt(w, i + 1, anchor, second.month);
        if (start && start.day <= second.day)
          return { from: start.day, to: second.day, length: joinAt + 1 + second.length - i };
      }
    }
    if (word === 'from' && first) return { from: first.day, to: anchor, length: 1 + first.length };
  }
  if (word === 'since' || (word === 'starting' && next === 'from')) {
    const offset = word === 'since' ? 1 : 2;
    const first = dayAt(w, i + offset, anchor);
    if (first) return { from: first.day, to: anchor, length: offset + first.length };
    const named = monthOf(w[i + offset]);
    if (named !== undefined)
      return { from: monthRange(yearFor(named, 1, anchor), named).from, to: anchor, length: offset + 1 };
  }
  if (word === 'yesterday') return { from: anchor, to: anchor, length: 1 };
  if (word === 'ytd' || (word === 'year' && next === 'to' && w[i + 2] === 'date'))
    return { from: `${year}-01-01`, to: anchor, length: word === 'ytd' ? 1 : 3 };
  if (word === 'mtd' || (word === 'month' && next === 'to' && w[i + 2] === 'date'))
    return { from: monthRange(year, month).from, to: anchor, length: word === 'mtd' ? 1 : 3 };
  if (word === 'weekend' || (word === 'the' && next === 'weekend') || (word === 'last' && next === 'weekend')) {
    const sunday = addDays(mondayOf(today), -1);
    return { from: addDays(sunday, -1), to: sunday, length: word === 'weekend' ? 1 : 2 };
  }
  if (['last', 'past', 'previous', 'prior', 'trailing'].includes(word)) {
    const count = numberOf(next);
    const unitAt = count !== undefined ? i + 2 : i + 1;
    const unit = w[unitAt];
    const n = count ?? 1;
    if (unit === 'day' || unit === 'days') return { from: addDays(today, -n), to: anchor, length: unitAt + 1 - i };
    if (unit === 'fortnight') return { from: addDays(today, -14), to: anchor, length: unitAt + 1 - i };
    if (unit === 'week' || unit === 'weeks') {
      if (count === undefined && word !== 'past') {
        const monday = addDays(mondayOf(anchor), -7);
        return { from: monday, to: addDays(monday, 6), length: 2 };
      }
      return { from: addDays(today, -7 * n), to: anchor, length: unitAt + 1 - i };
    }
    if (unit === 'month' || unit === 'months') {
      if (count === undefined && word !== 'past') {
        const previous = month === 0 ? monthRange(year - 1, 11) : monthRange(year, month - 1);
        return { ...previous, length: 2 };
      }
      return { from: addMonths(today, -n), to: anchor, length: unitAt + 1 - i };
    }
    if ((unit === 'quarter' || unit === 'quarters') && count === undefined) {
      const start = new Date(Date.UTC(year, quarter * 3 - 3, 1));
      return { from: iso(start.getTime()), to: iso(Date.UTC(year, quarter * 3, 0)), length: 2 };
    }
    if ((unit === 'year' || unit === 'years') && count === undefined)
      return { from: `${year - 1}-01-01`, to: `${year - 1}-12-31`, length: 2 };
  }
  if (word === 'this' || word === 'current') {
    if (next === 'week') return { from: mondayOf(anchor), to: anchor, length: 2 };
    if (next === 'month') return { from: monthRange(year, month).from, to: anchor, length: 2 };
    if (next === 'quarter') return { from: iso(Date.UTC(year, quarter * 3, 1)), to: anchor, length: 2 };
    if (next === 'year') return { from: `${year}-01-01`, to: anchor, length: 2 };
  }
  const q = /^q([1-4])$/.exec(word);
  const ordinalQuarter = ORDINAL_WORDS[word] !== undefined && next === 'quarter' ? ORDINAL_WORDS[word] : undefined;
  if (q || (ordinalQuarter !== undefined && ordinalQuarter <= 4)) {
    const index = (q ? Number(q[1]) : ordinalQuarter!) - 1;
    const length = q ? 1 : 2;
    const explicit = yearOf(w[i + length]);
    const resolvedYear = explicit ?? (iso(Date.UTC(year, index * 3, 1)) > anchor ? year - 1 : year);
    return {
      from: iso(Date.UTC(resolvedYear, index * 3, 1)),
      to: iso(Date.UTC(resolvedYear, index * 3 + 3, 0)),
      length: length + (explicit ? 1 : 0),
    };
  }
  const day = dayAt(w, i, anchor);
  if (day) return { from: day.day, to: day.day, length: day.length };
  const named = monthOf(word);
  // "may" is a month only next to a year or after in/during/for/of.
  if (
    named !== undefined &&
    (word !== 'may' || yearOf(next) !== undefined || ['in', 'during', 'for', 'of'].includes(w[i - 1] ?? ''))
  ) {
    const explicit = yearOf(next);
    return { ...monthRange(explicit ?? yearFor(named, 1, anchor), named), length: explicit ? 2 : 1 };
  }
  const explicitYear = yearOf(word);
  if (explicitYear !== undefined && ['in', 'during', 'for', 'of'].includes(w[i - 1] ?? ''))
    return { from: `${explicitYear}-01-01`, to: `${explicitYear}-12-31`, length: 1 };
  return undefined;
}

const MARKERS: readonly { words: readonly string[]; unit: PeriodMarker['unit'] }[] = [
  { words: ['week', 'over', 'week'], unit: 'week' },
  { words: ['week', 'on', 'week'], unit: 'week' },
  { words: ['wow'], unit: 'week' },
  { words: ['month', 'over', 'month'], unit: 'month' },
  { words: ['month', 'on', 'month'], unit: 'month' },
  { words: ['mom'], unit: 'month' },
  { words: ['quarter', 'over', 'quarter'], unit: 'quarter' },
  { words: ['quarter', 'on', 'quarter'], unit: 'quarter' },
  { words: ['qoq'], unit: 'quarter' },
  { words: ['year', 'over', 'year'], unit: 'year' },
  { words: ['year', 'on', 'year'], unit: 'year' },
  { words: ['yoy'], unit: 'year' },
];

/** Periods-over-periods named in the question. */
export function periodMarkers(w: readonly string[], used: readonly boolean[]): PeriodMarker[] {
  const found: PeriodMarker[] = [];
  for (let i = 0; i < w.length; i++) {
    for (const marker of MARKERS) {
      if (marker.words.every((word, k) => w[i + k] === word && !used[i + k])) {
        found.push({ unit: marker.unit, start: i, length: marker.words.length });
        i += marker.words.length - 1;
        break;
      }
    }
  }
  return found;
}

const STARTS = new Set([
  'from',
  'between',
  'since',
  'starting',
  'yesterday',
  'ytd',
  'mtd',
  'year',
  'month',
  'weekend',
  'the',
  'last',
  'past',
  'previous',
  'prior',
  'trailing',
  'this',
  'current',
  ...Object.keys(ORDINAL_WORDS),
]);

/** Whether a span of days may start at a word: the rest of the question is not read for dates. */
function mayStart(word: string, isKnown: (word: string) => boolean): boolean {
  return (
    STARTS.has(word) ||
    /^(\d|iso|q[1-4]$)/.test(word) ||
    MONTHS.includes(word) ||
    MONTH_SHORT.includes(word) ||
    word === 'sept' ||
    (word.length >= 4 && !isKnown(word) && monthOf(word) !== undefined)
  );
}

/** Every span of days the question names, in order. */
export function dateMentions(
  w: readonly string[],
  used: readonly boolean[],
  anchor: string,
  isKnown: (word: string) => boolean,
): DateMention[] {
  const found: DateMention[] = [];
  for (let i = 0; i < w.length; i++) {
    if (used[i] || !mayStart(w[i]!, isKnown)) continue;
    const hit = spanAt(w, i, anchor);
    if (!hit || w.slice(i, i + hit.length).some((_, k) => used[i + k])) continue;
    found.push({
      from: hit.from,
      to: hit.to,
      label: w
        .slice(i, i + hit.length)
        .join(' ')
        .replace(/iso(\d{4})(\d{2})(\d{2})/g, '$1-$2-$3'),
      start: i,
      length: hit.length,
    });
    i += hit.length - 1;
  }
  return found;
}

/** The period of the same length just before a range, or the same unit before it. */
export function periodBefore(
  range: { from: string; to: string },
  unit?: PeriodMarker['unit'],
): { from: string; to: string } {
  if (unit === 'month' || unit === 'quarter' || unit === 'year') {
    const months = unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12;
    const from = addMonths(range.from, -months);
    const isWholeMonths = range.from.endsWith('-01') && addDays(range.to, 1).endsWith('-01');
    return {
      from,
      to: isWholeMonths ? addDays(addMonths(addDays(range.to, 1), -months), -1) : addMonths(range.to, -months),
    };
  }
  const days = Math.round((dayMs(range.to) - dayMs(range.from)) / DAY_MS) + 1;
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}
