import type { CoveredSum } from '../analysis/pure.js';

/** The measures and KPIs of one group, as the rules read them (null: not in the data or not defined). */
export interface Stat {
  readonly impressions: number | null;
  readonly reach: number | null;
  readonly clicks: number | null;
  readonly spend: number | null;
  readonly conversions: number | null;
  readonly revenue: number | null;
  readonly ctr: number | null;
  readonly cpc: number | null;
  readonly cpm: number | null;
  readonly cvr: number | null;
  readonly cpa: number | null;
  readonly roas: number | null;
  readonly frequency: number | null;
  /** Measures summed over only the rows that report revenue or conversions, where that differs from the whole. */
  readonly covered?: Partial<Record<CoveredSum, number | null>>;
}

export interface Group extends Stat {
  readonly name: string;
}

export interface Day extends Stat {
  readonly date: string;
}
