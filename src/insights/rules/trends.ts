import type { Finding, InsightRule } from '../finding.js';
import { formatDay, formatDays, plural, possessive } from '../../analysis/pure.js';
import { daysOf, type DaySeries } from '../day-series.js';
import { money, pct, round, share, sumStats } from './helpers.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** Some weekdays convert much better than others. */
export const weekdayEffect: InsightRule = {
  id: 'pacing.weekday_effect',
  category: 'pacing',
  priority: 'low',
  description: 'With 3+ weeks of data, the best weekday by CVR beats the worst by 30 % or more.',
  evaluate(input) {
    if (input.daily.length < 21) return [];
    const byDay = WEEKDAYS.map((name, index) => ({
      name,
      stat: sumStats(input.daily.filter((day) => new Date(`${day.date}T00:00:00Z`).getUTCDay() === index)),
    }));
    const rated = byDay.filter((day) => day.stat.cvr !== null && (day.stat.clicks ?? 0) >= 50);
    if (rated.length < 5) return [];
    const best = rated.reduce((a, b) => (b.stat.cvr! > a.stat.cvr! ? b : a));
    const worst = rated.reduce((a, b) => (b.stat.cvr! < a.stat.cvr! ? b : a));
    if (worst.stat.cvr === 0 || best.stat.cvr! < worst.stat.cvr! * 1.3) return [];
    return [
      {
        ruleId: this.id,
        category: this.category,
        priority: this.priority,
        subject: `${best.name}/${worst.name}`,
        title: `${best.name}s convert best, ${worst.name}s worst`,
        sentence: `CVR on ${best.name}s is ${pct(best.stat.cvr!)} against ${pct(worst.stat.cvr!)} on ${worst.name}s.`,
        evidence: {
          figures: {
            bestDay: best.name,
            bestCvr: round(best.stat.cvr!, 4),
            worstDay: worst.name,
            worstCvr: round(worst.stat.cvr!, 4),
          },
          rows: rated.map((day) => ({
            dimension: 'weekday',
            key: day.name,
            values: {
              spend: day.stat.spend,
              clicks: day.stat.clicks,
              conversions: day.stat.conversions,
              cvr: day.stat.cvr === null ? null : round(day.stat.cvr, 4),
            },
          })),
        },
        weight: 0.5,
        recommendation: {
          type: 'rebalance_schedule',
          action: `Weight budget towards ${best.name}s and away from ${worst.name}s (dayparting).`,
          expectedImpact: null,
          assumptions: ['The weekday pattern holds in the coming weeks'],
        },
      },
    ];
  },
};

/** Where the longest run of days at the end of a series with spend and no conversions starts. */
function trailingRunWithoutConversions(series: DaySeries): number {
  const spend = series.figure('spend');
  const conversions = series.figure('conversions');
  let start = series.length;
  while (start > 0 && spend[start - 1]! > 0 && conversions[start - 1] === 0) start--;
  return start;
}

/** Some day before `end` converted. */
function convertedBefore(series: DaySeries, end: number): boolean {
  const conversions = series.figure('conversions');
  for (let index = 0; index < end; index++) if (conversions[index]! > 0) return true;
  return false;
}

/** Spend keeps flowing while conversions stop: tracking has probably broken. */
export const trackingGap: InsightRule = {
  id: 'data_quality.tracking_gap',
  category: 'data_quality',
  priority: 'high',
  description: 'A platform with 3+ consecutive final days of spend and zero conversions after days that converted.',
  evaluate(input) {
    return Object.entries(input.dailyByPlatform).flatMap(([name, series]): Finding[] => {
      const start = trailingRunWithoutConversions(series);
      if (series.length - start < 3 || !convertedBefore(series, start)) return [];
      // Only a platform the rule fires on has its days built whole.
      const days = daysOf(series);
      const gap = days.slice(start);
      const earlier = days.slice(0, start);
      const spent = gap.reduce((sum, day) => sum + (day.spend ?? 0), 0);
      const before = sumStats(earlier);
      return [
        {
          ruleId: this.id,
          category: this.category,
          priority: this.priority,
          subject: name,
          title: `${name} recorded no conversions for ${plural(gap.length, 'day')}`,
          sentence: `${name} spent ${money(spent, input.currency)} over the last ${plural(gap.length, 'day')} (${formatDays(gap[0]!.date, gap.at(-1)!.date)}) with no conversion recorded, after converting before.`,
          evidence: {
            figures: {
              days: gap.length,
              spend: round(spent),
              from: gap[0]!.date,
              to: gap.at(-1)!.date,
              earlierCvr: before.cvr === null ? null : round(before.cvr, 4),
            },
            rows: gap.map((day) => ({
              dimension: 'date',
              key: day.date,
              values: { spend: day.spend, clicks: day.clicks, conversions: day.conversions },
            })),
          },
          weight: share(spent, input.totals.spend) + 0.3,
          recommendation: {
            type: 'fix_tracking',
            action: `Check ${possessive(name)} conversion tracking (pixel, tag, conversion API, attribution settings) for the days from ${formatDay(gap[0]!.date)}.`,
            expectedImpact:
              before.cvr !== null
                ? {
                    metric: 'conversions',
                    value: round((gap.reduce((sum, day) => sum + (day.clicks ?? 0), 0) * before.cvr) / 100, 1),
                    currency: null,
                  }
                : null,
            assumptions: [
              'The missing conversions happened and were not recorded; at the earlier CVR this many are unaccounted for',
            ],
          },
        },
      ];
    });
  },
};
