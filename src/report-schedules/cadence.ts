/**
 * How often a report goes out, always in UTC (so daylight saving never moves
 * or repeats a run). A small closed set rather than cron: what people ask for,
 * and nothing that can be written wrongly.
 */
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `HH:MM`, 24-hour, UTC. */
export const TIME_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

export type Cadence =
  | { readonly kind: 'daily'; readonly time: string }
  | { readonly kind: 'weekly'; readonly weekday: Weekday; readonly time: string }
  /** Day 29–31 in a shorter month means that month's last day. */
  | { readonly kind: 'monthly'; readonly day: number; readonly time: string };

const DAY_MS = 86_400_000;

function clock(time: string): { hours: number; minutes: number } {
  const [hours, minutes] = time.split(':').map(Number);
  return { hours: hours!, minutes: minutes! };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

function monthly(year: number, month: number, day: number, time: string): Date {
  const { hours, minutes } = clock(time);
  return new Date(Date.UTC(year, month, Math.min(day, daysInMonth(year, month)), hours, minutes));
}

/** The first moment of the cadence strictly after `after`. */
export function nextOccurrence(cadence: Cadence, after: Date): Date {
  const { hours, minutes } = clock(cadence.time);
  const midnight = Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate());
  switch (cadence.kind) {
    case 'daily': {
      const today = midnight + (hours * 60 + minutes) * 60_000;
      return new Date(today > after.getTime() ? today : today + DAY_MS);
    }
    case 'weekly': {
      const ahead = (WEEKDAYS.indexOf(cadence.weekday) - after.getUTCDay() + 7) % 7;
      const candidate = midnight + ahead * DAY_MS + (hours * 60 + minutes) * 60_000;
      return new Date(candidate > after.getTime() ? candidate : candidate + 7 * DAY_MS);
    }
    case 'monthly': {
      const thisMonth = monthly(after.getUTCFullYear(), after.getUTCMonth(), cadence.day, cadence.time);
      return thisMonth.getTime() > after.getTime()
        ? thisMonth
        : monthly(after.getUTCFullYear(), after.getUTCMonth() + 1, cadence.day, cadence.time);
    }
  }
}
