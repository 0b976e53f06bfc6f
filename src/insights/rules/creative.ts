import { benchmarkFor } from '../benchmarks.js';
import { formatRatio, plural, possessive } from '../../analysis/pure.js';
import type { Finding, InsightRule } from '../finding.js';
import type { Day } from '../input.js';
import { benchmarkContext, pct, round, row, share, sumStats } from './helpers.js';

/** Impressions enough for a CTR to mean something. */
const MIN_IMPRESSIONS = 10_000;

/** Many impressions, few clicks: the ads are not compelling. */
export const ctrBelowBenchmark: InsightRule = {
  id: 'creative.ctr_below_benchmark',
  category: 'creative',
  priority: 'medium',
  description:
    'A platform with 10,000+ impressions whose CTR is under 70 % of its channel benchmark: refresh the creative.',
  evaluate(input) {
    return (input.breakdowns.platform ?? [])
      .filter((group) => (group.impressions ?? 0) >= MIN_IMPRESSIONS && group.ctr !== null)
      .flatMap((group): Finding[] => {
        const benchmark = benchmarkFor('ctr', group.name, input.benchmarks, benchmarkContext(input));
        if (!benchmark || group.ctr! >= benchmark.value * 0.7) return [];
        const clicksAtBenchmark = ((group.impressions ?? 0) * benchmark.value) / 100;
        const extraConversions =
          group.cvr !== null ? ((clicksAtBenchmark - (group.clicks ?? 0)) * group.cvr) / 100 : null;
        return [
          {
            ruleId: this.id,
            category: this.category,
            priority: this.priority,
            subject: group.name,
            title: `${possessive(group.name)} CTR is well under benchmark`,
            sentence: `${group.name} has a CTR of ${pct(group.ctr!)} on ${plural(group.impressions ?? 0, 'impression')}, against a benchmark of ${pct(benchmark.value)}.`,
            evidence: {
              figures: {
                ctr: round(group.ctr!, 4),
                benchmark: benchmark.value,
                benchmarkSource: benchmark.source,
                impressions: group.impressions,
              },
              rows: [row('platform', group, ['impressions', 'clicks', 'ctr'])],
            },
            weight: share(group.spend, input.totals.spend),
            recommendation: {
              type: 'refresh_creative',
              action: `Refresh ${possessive(group.name)} creative (new hooks, formats, messages) and test it against the current ads.`,
              expectedImpact:
                extraConversions !== null
                  ? { metric: 'conversions', value: round(extraConversions, 1), currency: null }
                  : null,
              assumptions: [
                `CTR reaches the benchmark of ${pct(benchmark.value)} on the same impressions`,
                'Conversion rate after the click stays the same',
              ],
            },
          },
        ];
      });
  },
};

/** Clicks come, conversions do not: the page after the click is the problem. */
export const landingPageGap: InsightRule = {
  id: 'efficiency.landing_page_gap',
  category: 'efficiency',
  priority: 'high',
  description:
    'A platform whose CTR is at or above benchmark but whose CVR is under 60 % of benchmark: fix the landing page.',
  evaluate(input) {
    return (input.breakdowns.platform ?? [])
      .filter((group) => group.ctr !== null && group.cvr !== null && (group.clicks ?? 0) >= 200)
      .flatMap((group): Finding[] => {
        const ctr = benchmarkFor('ctr', group.name, input.benchmarks, benchmarkContext(input));
        const cvr = benchmarkFor('cvr', group.name, input.benchmarks, benchmarkContext(input));
        if (!ctr || !cvr || group.ctr! < ctr.value || group.cvr! >= cvr.value * 0.6) return [];
        const extra = ((group.clicks ?? 0) * (cvr.value - group.cvr!)) / 100;
        return [
          {
            ruleId: this.id,
            category: this.category,
            priority: this.priority,
            subject: group.name,
            title: `${group.name} gets the clicks but not the conversions`,
            sentence: `${group.name} has a CTR of ${pct(group.ctr!)} (benchmark ${pct(ctr.value)}) but a CVR of ${pct(group.cvr!)} (benchmark ${pct(cvr.value)}).`,
            evidence: {
              figures: {
                ctr: round(group.ctr!, 4),
                ctrBenchmark: ctr.value,
                cvr: round(group.cvr!, 4),
                cvrBenchmark: cvr.value,
              },
              rows: [row('platform', group, ['clicks', 'conversions', 'ctr', 'cvr'])],
            },
            weight: share(group.spend, input.totals.spend),
            recommendation: {
              type: 'fix_landing_page',
              action: `Check ${possessive(group.name)} landing pages: speed, message match with the ads, the form or checkout.`,
              expectedImpact: { metric: 'conversions', value: round(extra, 1), currency: null },
              assumptions: [`CVR rises to the benchmark of ${pct(cvr.value)} on the same clicks`],
            },
          },
        ];
      });
  },
};

/** CTR falling while frequency climbs: the same people see the same ads too often. */
export const creativeFatigue: InsightRule = {
  id: 'creative.fatigue',
  category: 'creative',
  priority: 'medium',
  description:
    'A campaign whose CTR in the last third of its days is 20 % below the first third while its frequency rose 20 % (needs reach).',
  evaluate(input) {
    return Object.entries(input.dailyByCampaign).flatMap(([name, series]): Finding[] => {
      const reach = series.figure('reach');
      const impressions = series.figure('impressions');
      const reached: number[] = [];
      for (let index = 0; index < series.length; index++)
        if (reach[index]! > 0 && !Number.isNaN(impressions[index]!)) reached.push(index);
      if (reached.length < 9) return [];
      // Only the days the thirds sum are built whole.
      const third = Math.floor(reached.length / 3);
      const firstDays = reached.slice(0, third).map((index) => series.day(index));
      const lastDays = reached.slice(-third).map((index) => series.day(index));
      const first = sumStats(firstDays);
      const last = sumStats(lastDays);
      const frequency = (list: Day[]) => {
        const values = list.map((day) => (day.impressions ?? 0) / day.reach!);
        return values.reduce((a, b) => a + b, 0) / values.length;
      };
      const firstFrequency = frequency(firstDays);
      const lastFrequency = frequency(lastDays);
      if (first.ctr === null || last.ctr === null || first.ctr === 0) return [];
      if (last.ctr > first.ctr * 0.8 || lastFrequency < firstFrequency * 1.2) return [];
      let spend = 0;
      const daySpend = series.figure('spend');
      for (let index = 0; index < series.length; index++)
        spend += Number.isNaN(daySpend[index]!) ? 0 : daySpend[index]!;
      return [
        {
          ruleId: this.id,
          category: this.category,
          priority: this.priority,
          subject: name,
          title: `${name} shows creative fatigue`,
          sentence: `${possessive(name)} CTR fell from ${pct(first.ctr)} to ${pct(last.ctr)} while daily frequency rose from ${formatRatio(firstFrequency)} to ${formatRatio(lastFrequency)}.`,
          evidence: {
            figures: {
              ctrFirst: round(first.ctr, 4),
              ctrLast: round(last.ctr, 4),
              frequencyFirst: round(firstFrequency),
              frequencyLast: round(lastFrequency),
              days: reached.length,
            },
            rows: [],
          },
          weight: share(spend, input.totals.spend),
          recommendation: {
            type: 'refresh_creative',
            action: `Rotate new creative into ${name} or widen its audience to bring frequency down.`,
            expectedImpact: null,
            assumptions: ['Fatigue is the cause of the falling CTR; the data cannot rule out seasonality'],
          },
        },
      ];
    });
  },
};
