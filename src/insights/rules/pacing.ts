import type { InsightRule } from '../finding.js';
import { possessive } from '../../analysis/pure.js';
import { money, pct, round, share } from './helpers.js';

/** A budget spending well ahead of, or behind, a straight line through its flight. */
export const budgetOffTrack: InsightRule = {
  id: 'pacing.budget_off_track',
  category: 'pacing',
  priority: 'high',
  description:
    "A budget whose spend to date is outside the organisation's pacing thresholds (default 90-110 % of a straight line through the flight).",
  evaluate(input) {
    return input.pacing
      .filter(
        (pacing) =>
          (pacing.status === 'over' || pacing.status === 'under') &&
          pacing.daysElapsed < pacing.daysTotal &&
          pacing.pace !== null,
      )
      .map((pacing) => {
        const { budget } = pacing;
        const daysLeft = pacing.daysTotal - pacing.daysElapsed;
        const dailyToLand = Math.max(0, pacing.remaining) / daysLeft;
        const over = pacing.status === 'over';
        return {
          ruleId: this.id,
          category: this.category,
          priority: this.priority,
          subject: `${budget.scope}:${budget.name}:${budget.id}`,
          title: `${budget.name} is ${over ? 'over' : 'under'}-pacing its budget`,
          sentence: `${budget.name} has spent ${money(pacing.spendToDate, budget.currency)} of ${money(budget.amount, budget.currency)} after ${pacing.daysElapsed} of ${pacing.daysTotal} days (${pct(pacing.pace! * 100)} of the expected ${money(pacing.expectedToDate, budget.currency)}); at this rate it will spend ${money(pacing.projectedSpend ?? 0, budget.currency)}.`,
          evidence: {
            figures: {
              spendToDate: pacing.spendToDate,
              expectedToDate: pacing.expectedToDate,
              budget: budget.amount,
              projectedSpend: pacing.projectedSpend,
              pace: pacing.pace,
              daysElapsed: pacing.daysElapsed,
              daysTotal: pacing.daysTotal,
            },
            rows: [],
          },
          weight: share(budget.amount, input.totals.spend),
          recommendation: {
            type: over ? ('cut' as const) : ('scale' as const),
            action: `${over ? 'Lower' : 'Raise'} ${possessive(budget.name)} daily spend to about ${money(dailyToLand, budget.currency)} for the remaining ${daysLeft} days to land on budget.`,
            expectedImpact: {
              metric: 'spend' as const,
              value: round(Math.abs((pacing.projectedSpend ?? 0) - budget.amount)),
              currency: budget.currency,
            },
            assumptions: [
              'The remaining days are spent evenly',
              `Without a change the flight ends at ${money(pacing.projectedSpend ?? 0, budget.currency)}, ${over ? 'over' : 'under'} budget by this much`,
            ],
          },
        };
      });
  },
};
