import { labelOf } from '../../analysis/pure.js';
import type { Finding, InsightRule } from '../finding.js';
import type { Group } from '../input.js';
import { funded, money, pct, round, row, share, sumStats } from './helpers.js';

/** A device converting far better or worse than the others. */
export const deviceGap: InsightRule = {
  id: 'audience.device_gap',
  category: 'audience',
  priority: 'medium',
  description: 'A device with 10 %+ of spend whose CVR is under half, or over 1.5 times, that of the other devices.',
  evaluate(input) {
    const devices = (input.breakdowns.device ?? []).filter((group) => group.cvr !== null && (group.clicks ?? 0) >= 100);
    if (devices.length < 2) return [];
    return devices.flatMap((device): Finding[] => {
      if (share(device.spend, input.totals.spend) < 0.1) return [];
      const othersCvr = sumStats(devices.filter((other) => other.name !== device.name)).cvr;
      if (othersCvr === null) return [];
      const ratio = othersCvr === 0 ? Infinity : device.cvr! / othersCvr;
      if (ratio > 0.5 && ratio < 1.5) return [];
      const worse = ratio <= 0.5;
      return [
        {
          ruleId: this.id,
          category: this.category,
          priority: this.priority,
          subject: device.name,
          title: `${device.name} converts ${worse ? 'far worse' : 'far better'} than other devices`,
          sentence: `${device.name} converts ${pct(device.cvr!)} of clicks against ${pct(othersCvr)} on other devices, with ${pct(share(device.spend, input.totals.spend) * 100)} of spend.`,
          evidence: {
            figures: {
              cvr: round(device.cvr!, 4),
              othersCvr: round(othersCvr, 4),
              share: round(share(device.spend, input.totals.spend), 4),
            },
            rows: devices.map((group) => row('device', group, ['spend', 'clicks', 'conversions', 'cvr'])),
          },
          weight: share(device.spend, input.totals.spend),
          ...(worse
            ? {
                recommendation: {
                  type: 'fix_landing_page' as const,
                  action: `Check the ${device.name} experience after the click, or lower ${device.name} bids.`,
                  expectedImpact: null,
                  assumptions: ['The gap comes from the page or the bids, not from who uses the device'],
                },
              }
            : {}),
        },
      ];
    });
  },
};

function segmentRule(dimension: 'age' | 'gender' | 'country'): InsightRule {
  const id = `audience.best_${dimension}_segment`;
  return {
    id,
    category: 'audience',
    priority: 'low',
    description: `The ${dimension} segment with the lowest CPA among segments with 5 %+ of spend, when it beats the average by 25 % or more.`,
    evaluate(input) {
      const segments = funded(input.breakdowns[dimension], input).filter((group) => group.cpa !== null);
      const average = input.totals.cpa;
      if (segments.length < 2 || average === null) return [];
      const best = segments.reduce((a: Group, b: Group) => (b.cpa! < a.cpa! ? b : a));
      if (best.cpa! > average * 0.75) return [];
      return [
        {
          ruleId: id,
          category: 'audience',
          priority: 'low',
          subject: best.name,
          title: `${labelOf(dimension)} ${best.name} converts most cheaply`,
          sentence: `The ${dimension} segment ${best.name} has a CPA of ${money(best.cpa!, input.currency)} against ${money(average, input.currency)} overall.`,
          evidence: {
            figures: { cpa: round(best.cpa!), averageCpa: round(average) },
            rows: segments.map((group) => row(dimension, group, ['spend', 'conversions', 'cpa'])),
          },
          weight: share(best.spend, input.totals.spend),
        },
      ];
    },
  };
}

export const bestAgeSegment = segmentRule('age');
export const bestGenderSegment = segmentRule('gender');
export const bestCountrySegment = segmentRule('country');
