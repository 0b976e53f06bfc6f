// The shapes of budget pacing, apart from its computation: the insight input carries them without importing it.

export type BudgetScope = 'campaign' | 'platform';

export interface BudgetFlight {
  readonly id: string;
  readonly scope: BudgetScope;
  readonly name: string;
  readonly amount: number;
  readonly currency: string | null;
  /** YYYY-MM-DD, inclusive. */
  readonly startDate: string;
  readonly endDate: string;
}

export interface PacingThresholds {
  /** Below this share of the expected spend to date: under-pacing. */
  readonly under: number;
  /** Above this share: over-pacing. */
  readonly over: number;
}

/** `no_data`: the data has no row for the budget's campaign or platform (in its currency), so nothing says it under-spends. */
export type PacingStatus = 'not_started' | 'on_track' | 'under' | 'over' | 'no_data';

export interface Pacing {
  readonly budget: BudgetFlight;
  readonly asOf: string;
  readonly daysTotal: number;
  readonly daysElapsed: number;
  readonly spendToDate: number;
  /** A straight line through the flight: amount × days elapsed / days in flight. */
  readonly expectedToDate: number;
  /** Spend to date ÷ expected; null before the flight starts. */
  readonly pace: number | null;
  /** At the average daily spend so far, what the whole flight will spend. */
  readonly projectedSpend: number | null;
  readonly remaining: number;
  readonly status: PacingStatus;
}
