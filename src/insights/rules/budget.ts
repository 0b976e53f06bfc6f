import type { InsightRule } from '../finding.js';
import { formatRatio, plural, possessive } from '../../analysis/pure.js';
import { funded, money, pct, round, row, share } from './helpers.js';

/** Most of the money in one platform. */
export const spendConcentration: InsightRule = {
  id: 'budget.spend_concentration',
  category: 'budget',
  priority: 'medium',
  description: 'One platform takes 70 % or more of spend while others run.',
  evaluate(input) {
    const platforms = (input.breakdowns.platform ?? []).filter((group) => (group.spend ?? 0) > 0);
    if (platforms.length < 2) return [];
    const top = platforms.reduce((a, b) => ((b.spend ?? 0) > (a.spend ?? 0) ? b : a));
    const topShare = share(top.spend, input.totals.spend);
    if (topShare < 0.7) return [];
    return [
      {
        ruleId: this.id,
        category: this.category,
        priority: this.priority,
        subject: top.name,
        title: `${pct(topShare * 100)} of spend is on ${top.name}`,
        sentence: `${top.name} took ${money(top.spend ?? 0, input.currency)} of ${money(input.totals.spend ?? 0, input.currency)}, ${pct(topShare * 100)} of spend, across ${plural(platforms.length, 'platform')}.`,
        evidence: {
          figures: {
            share: round(topShare, 4),
            spend: round(top.spend ?? 0),
            totalSpend: round(input.totals.spend ?? 0),
          },
          rows: platforms.map((group) => row('platform', group, ['spend', 'roas', 'cpa'])),
        },
        weight: topShare,
      },
    ];
  },
};

/** A platform that earns more than the rest on a small share of the money. */
export const underfundedWinner: InsightRule = {
  id: 'budget.underfunded_high_roas_platform',
  category: 'budget',
  priority: 'high',
  description:
    'A platform with ROAS at least 30 % above the average but under 20 % of spend; budget could move to it from the lowest-ROAS platform.',
  evaluate(input) {
    const platforms = (input.breakdowns.platform ?? []).filter(
      (group) => (group.spend ?? 0) > 0 && group.roas !== null,
    );
    const overall = input.totals.roas;
    if (platforms.length < 2 || overall === null) return [];
    const funded_ = funded(platforms, input);
    const worst = funded_.length > 0 ? funded_.reduce((a, b) => (b.roas! < a.roas! ? b : a)) : undefined;
    return platforms
      .filter(
        (group) =>
          group.roas! >= overall * 1.3 && share(group.spend, input.totals.spend) < 0.2 && (group.spend ?? 0) > 0,
      )
      .filter((group) => worst !== undefined && worst.name !== group.name)
      .map((group) => {
        const moved = (worst!.spend ?? 0) * 0.1;
        const gain = moved * (group.roas! - worst!.roas!);
        return {
          ruleId: this.id,
          category: this.category,
          priority: this.priority,
          subject: group.name,
          title: `${group.name} earns the most but gets little budget`,
          sentence: `${group.name} has a ROAS of ${formatRatio(group.roas!)} (overall ${formatRatio(overall)}) on only ${pct(share(group.spend, input.totals.spend) * 100)} of spend.`,
          evidence: {
            figures: {
              roas: round(group.roas!),
              overallRoas: round(overall),
              share: round(share(group.spend, input.totals.spend), 4),
              lowestRoasPlatform: worst!.name,
              lowestRoas: round(worst!.roas!),
            },
            rows: [row('platform', group, ['spend', 'roas']), row('platform', worst!, ['spend', 'roas'])],
          },
          weight: share(group.spend, input.totals.spend) + 0.2,
          recommendation: {
            type: 'shift_budget' as const,
            action: `Move 10 % of ${possessive(worst!.name)} spend (${money(moved, input.currency)}) to ${group.name}.`,
            expectedImpact: { metric: 'revenue' as const, value: round(gain), currency: input.currency },
            assumptions: [
              `Both platforms keep their current ROAS (${formatRatio(group.roas!)} and ${formatRatio(worst!.roas!)}) on the moved budget`,
            ],
          },
        };
      });
  },
};

/** Campaigns that spend without converting. */
export const spendWithoutConversions: InsightRule = {
  id: 'budget.spend_without_conversions',
  category: 'budget',
  priority: 'high',
  description: 'A campaign with at least 5 % of spend and no conversions at all, while the account converts.',
  evaluate(input) {
    if ((input.totals.conversions ?? 0) <= 0) return [];
    return funded(input.breakdowns.campaign, input)
      .filter((group) => group.conversions === 0)
      .map((group) => ({
        ruleId: this.id,
        category: this.category,
        priority: this.priority,
        subject: group.name,
        title: `${group.name} spent without a conversion`,
        sentence: `${group.name} spent ${money(group.spend ?? 0, input.currency)} with no conversion, while the account recorded ${plural(input.totals.conversions ?? 0, 'conversion')}.`,
        evidence: {
          figures: {
            spend: round(group.spend ?? 0),
            conversions: 0,
            accountConversions: round(input.totals.conversions ?? 0, 0),
          },
          rows: [row('campaign', group, ['spend', 'clicks', 'conversions'])],
        },
        weight: share(group.spend, input.totals.spend),
        recommendation: {
          type: 'cut' as const,
          action: `Pause ${group.name} or check its conversion tracking.`,
          expectedImpact: { metric: 'spend' as const, value: round(group.spend ?? 0), currency: input.currency },
          assumptions: ['The campaign keeps converting at zero, so its whole spend is saved'],
        },
      }));
  },
};
