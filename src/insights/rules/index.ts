import type { InsightRule } from '../finding.js';
import { dailyOutliers } from './anomaly.js';
import { bestAgeSegment, bestCountrySegment, bestGenderSegment, deviceGap } from './audience.js';
import { spendConcentration, spendWithoutConversions, underfundedWinner } from './budget.js';
import { creativeFatigue, ctrBelowBenchmark, landingPageGap } from './creative.js';
import {
  clicksOverImpressions,
  conversionsOverClicks,
  duplicateRows,
  missingMeasures,
  negativeValues,
  unconvertedCurrencies,
} from './data-quality.js';
import { cpaSpike, cpcAboveBenchmark, cpmAboveBenchmark, spendUpResultsFlat } from './efficiency.js';
import { bottomCampaignRoas, kpiAgainstPrevious, topCampaignRoas, unprofitablePlatform } from './performance.js';
import { budgetOffTrack } from './pacing.js';
import { trackingGap, weekdayEffect } from './trends.js';

/** Every rule, in catalog order. Rule ids are stable: feedback and suppression hang on them. */
export const INSIGHT_RULES: readonly InsightRule[] = [
  topCampaignRoas,
  bottomCampaignRoas,
  unprofitablePlatform,
  kpiAgainstPrevious,
  spendConcentration,
  underfundedWinner,
  spendWithoutConversions,
  ctrBelowBenchmark,
  creativeFatigue,
  landingPageGap,
  cpcAboveBenchmark,
  cpmAboveBenchmark,
  cpaSpike,
  spendUpResultsFlat,
  deviceGap,
  bestAgeSegment,
  bestGenderSegment,
  bestCountrySegment,
  weekdayEffect,
  budgetOffTrack,
  trackingGap,
  dailyOutliers,
  duplicateRows,
  clicksOverImpressions,
  conversionsOverClicks,
  negativeValues,
  missingMeasures,
  unconvertedCurrencies,
];

export function ruleById(id: string): InsightRule | undefined {
  return INSIGHT_RULES.find((rule) => rule.id === id);
}
