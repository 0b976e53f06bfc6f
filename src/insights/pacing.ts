import { seriesOfDays, type DaySeries } from './day-series.js';
import type { DailyBreakdowns } from './input.js';
import { round } from './rules/helpers.js';
import type { BudgetFlight, Pacing, PacingStatus, PacingThresholds } from './pacing-types.js';

export type { BudgetFlight, BudgetScope, Pacing, PacingStatus, PacingThresholds } from './pacing-types.js';

export const DEFAULT_PACING: PacingThresholds = { under: 0.9, over: 1.1 };

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);

/** A budget's pacing on `asOf` from the daily spend of its campaign or platform. */
export function pace(
  budget: BudgetFlight,
  days: DaySeries,
  asOf: string,
  thresholds: PacingThresholds = DEFAULT_PACING,
): Pacing {
  const start = dayNumber(budget.startDate);
  const end = dayNumber(budget.endDate);
  const today = Math.min(dayNumber(asOf), end);
  const daysTotal = end - start + 1;
  const daysElapsed = Math.max(0, today - start + 1);
  let spendToDate = 0;
  const daySpend = days.figure('spend');
  for (let index = 0; index < days.length; index++) {
    const n = dayNumber(days.dates[index]!);
    const spend = daySpend[index]!;
    if (n >= start && n <= today) spendToDate += Number.isNaN(spend) ? 0 : spend;
  }
  const expectedToDate = (budget.amount * daysElapsed) / daysTotal;
  const ratio = daysElapsed === 0 || expectedToDate === 0 ? null : spendToDate / expectedToDate;
  const status: PacingStatus =
    ratio === null
      ? 'not_started'
      : days.length === 0
        ? 'no_data'
        : ratio < thresholds.under
          ? 'under'
          : ratio > thresholds.over
            ? 'over'
            : 'on_track';
  return {
    budget,
    asOf,
    daysTotal,
    daysElapsed,
    spendToDate: round(spendToDate),
    expectedToDate: round(expectedToDate),
    pace: ratio === null || status === 'no_data' ? null : round(ratio, 3),
    projectedSpend: daysElapsed === 0 || status === 'no_data' ? null : round((spendToDate / daysElapsed) * daysTotal),
    remaining: round(budget.amount - spendToDate),
    status,
  };
}

/**
 * Every budget's pacing from the daily platform and campaign series. A budget in a
 * currency reads that currency's spend; one without a currency reads the
 * data's only currency (with several, nothing is summed across them).
 */
export function paceBudgets(
  budgets: readonly BudgetFlight[],
  daily: DailyBreakdowns,
  asOf: string,
  thresholds: PacingThresholds = DEFAULT_PACING,
): Pacing[] {
  return budgets.map((budget) => {
    const series = budget.scope === 'campaign' ? daily.campaign : daily.platform;
    const currencies = [...series.keys()];
    const currency = budget.currency ?? (currencies.length === 1 ? currencies[0]! : undefined);
    const groups = currency === undefined ? undefined : series.get(currency);
    // A budget named `constructor` must not read Object.prototype's.
    const days = groups && Object.hasOwn(groups, budget.name) ? groups[budget.name]! : seriesOfDays([]);
    return pace(budget, days, asOf, thresholds);
  });
}

/** The organisation's `settings.pacing` thresholds, when sensible; the defaults otherwise. */
export function pacingThresholds(settings: Record<string, unknown>): PacingThresholds {
  const raw = settings.pacing;
  if (typeof raw !== 'object' || raw === null) return DEFAULT_PACING;
  const { under, over } = raw as Record<string, unknown>;
  const valid =
    typeof under === 'number' && typeof over === 'number' && under > 0 && under <= 1 && over >= 1 && over < 10;
  return valid ? { under, over } : DEFAULT_PACING;
}
