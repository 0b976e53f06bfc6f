import { benchmarkFor, type BenchmarkKpi } from '../benchmarks.js';
import { metricName, possessive } from '../../analysis/pure.js';
import type { Finding, InsightRule } from '../finding.js';
import { benchmarkContext, money, pct, round, row, share, sumStats } from './helpers.js';

/** A cost KPI far above what the platform usually costs. */
function costAboveBenchmark(
  kpi: Extract<BenchmarkKpi, 'cpc' | 'cpm'>,
  id: string,
  minimum: 'clicks' | 'impressions',
  floor: number,
): InsightRule {
  return {
    id,
    category: 'efficiency',
    priority: 'low',
    description: `A platform whose ${kpi.toUpperCase()} is 1.5 times its benchmark or more (with ${floor}+ ${minimum}).`,
    evaluate(input) {
      return (input.breakdowns.platform ?? [])
        .filter((group) => (group[minimum] ?? 0) >= floor && group[kpi] !== null)
        .flatMap((group): Finding[] => {
          const benchmark = benchmarkFor(kpi, group.name, input.benchmarks, benchmarkContext(input));
          if (!benchmark || group[kpi]! < benchmark.value * 1.5) return [];
          return [
            {
              ruleId: id,
              category: 'efficiency',
              priority: 'low',
              subject: group.name,
              title: `${possessive(group.name)} ${metricName(kpi)} is high`,
              sentence: `${group.name} pays ${money(group[kpi]!, input.currency)} ${kpi === 'cpc' ? 'per click' : 'per thousand impressions'}, against a benchmark of ${money(benchmark.value, input.currency)}.`,
              evidence: {
                figures: {
                  [kpi]: round(group[kpi]!, 4),
                  benchmark: benchmark.value,
                  benchmarkSource: benchmark.source,
                },
                rows: [row('platform', group, ['spend', minimum, kpi])],
              },
              weight: share(group.spend, input.totals.spend),
              recommendation: {
                type: 'bid_review',
                action: `Review ${possessive(group.name)} bids, targeting breadth and placements.`,
                expectedImpact: null,
                assumptions: ['Benchmarks are cross-industry averages; a niche audience can justify a higher price'],
              },
            },
          ];
        });
    },
  };
}

export const cpcAboveBenchmark = costAboveBenchmark('cpc', 'efficiency.cpc_above_benchmark', 'clicks', 100);
export const cpmAboveBenchmark = costAboveBenchmark('cpm', 'efficiency.cpm_above_benchmark', 'impressions', 10_000);

/** Cost per acquisition in the last week far above the weeks before. */
export const cpaSpike: InsightRule = {
  id: 'efficiency.cpa_spike',
  category: 'efficiency',
  priority: 'high',
  description: 'CPA over the last 7 days at least 50 % above the days before it (needs 14+ days).',
  evaluate(input) {
    const days = input.daily;
    if (days.length < 14) return [];
    const recent = sumStats(days.slice(-7));
    const before = sumStats(days.slice(0, -7));
    if (recent.cpa === null || before.cpa === null || recent.cpa < before.cpa * 1.5) return [];
    return [
      {
        ruleId: this.id,
        category: this.category,
        priority: this.priority,
        subject: 'all',
        title: 'CPA jumped in the last week',
        sentence: `CPA over the last 7 days is ${money(recent.cpa, input.currency)} against ${money(before.cpa, input.currency)} before, ${pct(((recent.cpa - before.cpa) / before.cpa) * 100)} higher.`,
        evidence: {
          figures: {
            recentCpa: round(recent.cpa),
            previousCpa: round(before.cpa),
            recentFrom: days.at(-7)!.date,
            recentTo: days.at(-1)!.date,
          },
          rows: [],
        },
        weight: 1,
      },
    ];
  },
};

/** More money, no more results. */
export const spendUpResultsFlat: InsightRule = {
  id: 'efficiency.spend_up_results_flat',
  category: 'efficiency',
  priority: 'medium',
  description: 'Spend up 20 % or more against the previous period while conversions grew 5 % or less.',
  evaluate(input) {
    const previous = input.previous;
    const now = input.totals;
    if (
      !previous ||
      previous.spend === null ||
      previous.spend === 0 ||
      now.spend === null ||
      previous.conversions === null ||
      previous.conversions === 0 ||
      now.conversions === null
    )
      return [];
    const spendChange = (now.spend - previous.spend) / previous.spend;
    const conversionChange = (now.conversions - previous.conversions) / previous.conversions;
    if (spendChange < 0.2 || conversionChange > 0.05) return [];
    return [
      {
        ruleId: this.id,
        category: this.category,
        priority: this.priority,
        subject: 'all',
        title: 'Spend grew, conversions did not',
        sentence: `Spend rose ${pct(spendChange * 100)} against the previous period while conversions changed ${pct(conversionChange * 100)}.`,
        evidence: {
          figures: {
            spend: round(now.spend),
            previousSpend: round(previous.spend),
            conversions: round(now.conversions),
            previousConversions: round(previous.conversions),
          },
          rows: [],
        },
        weight: 1,
      },
    ];
  },
};
