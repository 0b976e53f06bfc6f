import { plural } from '../../analysis/pure.js';
import { anomalyFace, detectAnomalies, linkedNames } from '../anomalies.js';
import type { Finding, InsightRule } from '../finding.js';
import { share } from './helpers.js';

/** Daily outliers shown as findings; the rest are counted in one line. */
const SHOWN = 5;

/** The daily outliers with the most money at stake, one finding each, and how many more there are. */
export const dailyOutliers: InsightRule = {
  id: 'anomaly.daily_kpi_outlier',
  category: 'anomaly',
  priority: 'medium',
  description:
    'A day whose spend, CTR, CPA, ROAS or conversions lies 3.5+ robust deviations (median/MAD over the 14 days before, at least 10 of them) from the usual, with enough clicks or conversions behind a rate; one per event, ranked by money at stake.',
  evaluate(input) {
    const anomalies = detectAnomalies(input);
    const shown = anomalies.listed.slice(0, SHOWN).map((anomaly): Finding => {
      const { figures, ...words } = anomalyFace(anomaly, input.currency);
      return {
        ruleId: this.id,
        category: this.category,
        ...words,
        evidence: {
          figures: {
            ...figures,
            date: anomaly.date,
            stake: anomaly.stake,
            // A day no other series shared says nothing here: no empty line in the evidence.
            ...(anomaly.linked.length > 0 ? { alsoSeenIn: linkedNames(anomaly) } : {}),
          },
          rows: [],
        },
        weight: Math.min(1, Math.max(share(anomaly.stake, input.totals.spend) * 10, Math.abs(anomaly.deviation) / 20)),
      };
    });
    const rest = anomalies.count - shown.length;
    if (rest === 0) return shown;
    return [
      ...shown,
      {
        ruleId: this.id,
        category: this.category,
        priority: 'low',
        subject: 'more',
        title: `${plural(rest, 'more daily outlier')}`,
        sentence: `${plural(rest, 'more daily outlier')} with less money at stake ${rest === 1 ? 'is' : 'are'} listed with the analysis's anomalies.`,
        evidence: {
          figures: { more: rest, stake: anomalies.stakeFrom(shown.length) },
          rows: [],
        },
        weight: 0,
      },
    ];
  },
};
