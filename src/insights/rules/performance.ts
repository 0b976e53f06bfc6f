import type { Finding, InsightRule, RecommendationDraft } from '../finding.js';
import { formatMetric, formatRatio, metricName, possessive } from '../../analysis/pure.js';
import type { Group, InsightInput } from '../input.js';
import { funded, money, pct, round, row, share } from './helpers.js';

type RoasGroup = Group & { readonly roas: number };

/** The campaign at one end of the ROAS ranking (among those with real spend), and the overall ROAS; none with fewer than two. */
function campaignRoasExtreme(
  input: InsightInput,
  end: 'best' | 'worst',
): { campaign: RoasGroup; overall: number } | undefined {
  const candidates = funded(input.breakdowns.campaign, input).filter(
    (group): group is RoasGroup => group.roas !== null,
  );
  if (candidates.length < 2 || input.totals.roas === null) return undefined;
  const campaign = candidates.reduce((a, b) => ((end === 'best' ? b.roas > a.roas : b.roas < a.roas) ? b : a));
  return { campaign, overall: input.totals.roas };
}

/** A finding about a campaign's ROAS against the overall one, with the same sentence and evidence at both ends. */
function campaignRoasFinding(
  rule: InsightRule,
  input: InsightInput,
  campaign: RoasGroup,
  overall: number,
  title: string,
  recommendation: RecommendationDraft,
): Finding {
  return {
    ruleId: rule.id,
    category: rule.category,
    priority: rule.priority,
    subject: campaign.name,
    title,
    sentence: `${campaign.name} has a ROAS of ${formatRatio(campaign.roas)} against ${formatRatio(overall)} overall, on ${money(campaign.spend ?? 0, input.currency)} of spend.`,
    evidence: {
      figures: { roas: round(campaign.roas), overallRoas: round(overall), spend: round(campaign.spend ?? 0) },
      rows: [row('campaign', campaign, ['spend', 'revenue', 'roas', 'conversions', 'cpa'])],
    },
    weight: share(campaign.spend, input.totals.spend),
    recommendation,
  };
}

/** The best campaign by ROAS among those with real spend. */
export const topCampaignRoas: InsightRule = {
  id: 'performance.top_campaign_roas',
  category: 'performance',
  priority: 'medium',
  description: 'The campaign with the highest ROAS among campaigns with at least 5 % of spend.',
  evaluate(input) {
    const extreme = campaignRoasExtreme(input, 'best');
    if (!extreme || extreme.campaign.roas <= extreme.overall * 1.2) return [];
    const best = extreme.campaign;
    const extraSpend = (best.spend ?? 0) * 0.2;
    return [
      campaignRoasFinding(this, input, best, extreme.overall, `${best.name} returns the most per unit spent`, {
        type: 'scale',
        action: `Raise ${possessive(best.name)} budget by 20% and watch its ROAS.`,
        expectedImpact: { metric: 'revenue', value: round(extraSpend * (best.roas - 1)), currency: input.currency },
        assumptions: [
          `ROAS stays at ${formatRatio(best.roas)} on the extra ${money(extraSpend, input.currency)} (diminishing returns will lower it); the figure is the revenue gained less the extra spend`,
        ],
      }),
    ];
  },
};

/**
 * The worst campaign by ROAS among those with real spend. Below a ROAS of 1
 * every unit it spends returns less than a unit, so halving it gains money.
 * At a ROAS of 1 or more, halving it would lose money: its spend still returns
 * more than it costs, only less than elsewhere, so half of it moves instead.
 */
export const bottomCampaignRoas: InsightRule = {
  id: 'performance.bottom_campaign_roas',
  category: 'performance',
  priority: 'high',
  description:
    'The campaign with the lowest ROAS (below 1, or under half the average) among campaigns with at least 5 % of spend.',
  evaluate(input) {
    const extreme = campaignRoasExtreme(input, 'worst');
    if (!extreme || (extreme.campaign.roas >= 1 && extreme.campaign.roas >= extreme.overall * 0.5)) return [];
    const { campaign: worst, overall } = extreme;
    const half = (worst.spend ?? 0) * 0.5;
    const title = `${worst.name} returns the least per unit spent`;
    if (worst.roas < 1)
      return [
        campaignRoasFinding(this, input, worst, overall, title, {
          type: 'cut',
          action: `Halve ${possessive(worst.name)} budget, or fix it before spending more.`,
          expectedImpact: { metric: 'revenue', value: round(half * (1 - worst.roas)), currency: input.currency },
          assumptions: [
            `Saves ${money(half, input.currency)} of spend and loses the ${money(half * worst.roas, input.currency)} of revenue it returns at ROAS ${formatRatio(worst.roas)}; the figure is the net gain`,
          ],
        }),
      ];
    const best = campaignRoasExtreme(input, 'best')?.campaign;
    const to = best
      ? `campaigns that return more, such as ${best.name} (ROAS ${formatRatio(best.roas)})`
      : 'campaigns that return more';
    return [
      campaignRoasFinding(this, input, worst, overall, title, {
        type: 'shift_budget',
        action: `Move half of ${possessive(worst.name)} budget (${money(half, input.currency)}) to ${to}.`,
        expectedImpact: { metric: 'revenue', value: round(half * (overall - worst.roas)), currency: input.currency },
        assumptions: [
          `The moved ${money(half, input.currency)} returns the overall ROAS of ${formatRatio(overall)} instead of ${possessive(worst.name)} ${formatRatio(worst.roas)}; the figure is the net gain at the same spend`,
        ],
      }),
    ];
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
        ruleId: this.id,
        category: this.category,
        priority: this.priority,
        subject: group.name,
        title: `${group.name} spends more than it returns`,
        sentence: `${group.name} returned ${money(group.revenue ?? 0, input.currency)} on ${money(group.spend ?? 0, input.currency)} of spend, a ROAS of ${formatRatio(group.roas!)}.`,
        evidence: {
          figures: { roas: round(group.roas!), spend: round(group.spend ?? 0), revenue: round(group.revenue ?? 0) },
          rows: [row('platform', group, ['spend', 'revenue', 'roas'])],
        },
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
      return [
        {
          ruleId: this.id,
          category: this.category,
          priority: this.priority,
          subject: kpi,
          title: `${metricName(kpi)} moved against the previous period`,
          sentence: `${metricName(kpi)} is ${formatMetric(kpi, now, input.currency)} against ${formatMetric(kpi, before, input.currency)} in the previous period (${change > 0 ? '+' : ''}${pct(change)}).`,
          evidence: {
            figures: { current: round(now, 4), previous: round(before, 4), changePercent: round(change) },
            rows: [],
          },
          weight: 1,
        },
      ];
    });
  },
};
