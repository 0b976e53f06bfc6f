import type { InsightRule } from '../finding.js';
import { funded, money, pct, round, row, share } from './helpers.js';

/** The best campaign by ROAS among those with real spend. */
export const topCampaignRoas: InsightRule = {
  id: 'performance.top_campaign_roas',
  category: 'performance',
  priority: 'medium',
  description: 'The campaign with the highest ROAS among campaigns with at least 5 % of spend.',
  evaluate(input) {
    const candidates = funded(input.breakdowns.campaign, input).filter((group) => group.roas !== null);
    if (candidates.length < 2 || input.totals.roas === null) return [];
    const best = candidates.reduce((a, b) => (b.roas! > a.roas! ? b : a));
    if (best.roas! <= input.totals.roas * 1.2) return [];
    const extraSpend = (best.spend ?? 0) * 0.2;
    return [{
      ruleId: this.id, category: this.category, priority: this.priority, subject: best.name,
      title: `${best.name} returns the most per unit spent`,
      sentence: `${best.name} has a ROAS of ${round(best.roas!)} against ${round(input.totals.roas)} overall, on ${money(best.spend ?? 0, input.currency)} of spend.`,
      evidence: { figures: { roas: round(best.roas!), overallRoas: round(input.totals.roas), spend: round(best.spend ?? 0) }, rows: [row('campaign', best, ['spend', 'revenue', 'roas', 'conversions', 'cpa'])] },
      weight: share(best.spend, input.totals.spend),
      recommendation: {
        type: 'scale',
        action: `Raise ${best.name}'s budget by 20 % and watch its ROAS.`,
        expectedImpact: { metric: 'revenue', value: round(extraSpend * best.roas!), currency: input.currency },
        assumptions: [`ROAS stays at ${round(best.roas!)} on the extra ${money(extraSpend, input.currency)} (diminishing returns will lower it)`],
      },
    }];
  },
};

/** The worst campaign by ROAS among those with real spend. */
export const bottomCampaignRoas: InsightRule = {
  id: 'performance.bottom_campaign_roas',
  category: 'performance',
  priority: 'high',
  description: 'The campaign with the lowest ROAS (below 1, or under half the average) among campaigns with at least 5 % of spend.',
  evaluate(input) {
    const candidates = funded(input.breakdowns.campaign, input).filter((group) => group.roas !== null);
    if (candidates.length < 2 || input.totals.roas === null) return [];
    const worst = candidates.reduce((a, b) => (b.roas! < a.roas! ? b : a));
    if (worst.roas! >= 1 && worst.roas! >= input.totals.roas * 0.5) return [];
    const cut = (worst.spend ?? 0) * 0.5;
    return [{
      ruleId: this.id, category: this.category, priority: this.priority, subject: worst.name,
      title: `${worst.name} returns the least per unit spent`,
      sentence: `${worst.name} has a ROAS of ${round(worst.roas!)} against ${round(input.totals.roas)} overall, on ${money(worst.spend ?? 0, input.currency)} of spend.`,
      evidence: { figures: { roas: round(worst.roas!), overallRoas: round(input.totals.roas), spend: round(worst.spend ?? 0) }, rows: [row('campaign', worst, ['spend', 'revenue', 'roas', 'conversions', 'cpa'])] },
      weight: share(worst.spend, input.totals.spend),
      recommendation: {
        type: 'cut',
        action: `Halve ${worst.name}'s budget, or fix it before spending more.`,
        expectedImpact: { metric: 'spend', value: round(cut - cut * worst.roas!), currency: input.currency },
        assumptions: [`Saves ${money(cut, input.currency)} of spend and loses its revenue at ROAS ${round(worst.roas!)}; the figure is the net gain`],
      },
    }];
  },
};

/** A platform that loses money. */
export const unprofitablePlatform: InsightRule = {
  id: 'performance.unprofitable_platform',
  category: 'performance',
  priority: 'high',
  description: 'A platform with at least 5 % of spend whose revenue is below its spend (ROAS < 1).',
  evaluate(input) {
    return funded(input.breakdowns.platform, input)
      .filter((group) => group.roas !== null && group.roas < 1)
      .map((group) => ({
        ruleId: this.id, category: this.category, priority: this.priority, subject: group.name,
        title: `${group.name} spends more than it returns`,
        sentence: `${group.name} returned ${money(group.revenue ?? 0, input.currency)} on ${money(group.spend ?? 0, input.currency)} of spend, a ROAS of ${round(group.roas!)}.`,
        evidence: { figures: { roas: round(group.roas!), spend: round(group.spend ?? 0), revenue: round(group.revenue ?? 0) }, rows: [row('platform', group, ['spend', 'revenue', 'roas'])] },
        weight: share(group.spend, input.totals.spend),
      }));
  },
};

/** The headline KPI moving the wrong way against the previous period. */
export const kpiAgainstPrevious: InsightRule = {
  id: 'performance.kpi_against_previous_period',
  category: 'performance',
  priority: 'high',
  description: 'ROAS down, CPA up or CVR down by 15 % or more against the equal-length period before.',
  evaluate(input) {
    const previous = input.previous;
    if (!previous) return [];
    const checks = [
      { kpi: 'roas' as const, worse: (now: number, before: number) => now < before * 0.85 },
      { kpi: 'cpa' as const, worse: (now: number, before: number) => now > before * 1.15 },
      { kpi: 'cvr' as const, worse: (now: number, before: number) => now < before * 0.85 },
    ];
    return checks.flatMap(({ kpi, worse }) => {
      const now = input.totals[kpi];
      const before = previous[kpi];
      if (now === null || before === null || before === 0 || !worse(now, before)) return [];
      const change = ((now - before) / before) * 100;
      return [{
        ruleId: this.id, category: this.category, priority: this.priority, subject: kpi,
        title: `${kpi.toUpperCase()} moved against the previous period`,
        sentence: `${kpi.toUpperCase()} is ${round(now)} against ${round(before)} in the previous period (${change > 0 ? '+' : ''}${pct(change)}).`,
        evidence: { figures: { current: round(now, 4), previous: round(before, 4), changePercent: round(change) }, rows: [] },
        weight: 1,
      }];
    });
  },
};
