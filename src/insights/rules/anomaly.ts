import { detectAnomalies } from '../anomalies.js';
import type { InsightRule } from '../finding.js';

/** The most extreme daily outliers, one finding each. */
export const dailyOutliers: InsightRule = {
  id: 'anomaly.daily_kpi_outlier',
  category: 'anomaly',
  priority: 'medium',
  description: 'A day whose spend, CTR, CPA, ROAS or conversions lies 3.5+ robust deviations (median/MAD over the 14 days before) from the usual.',
  evaluate(input) {
    return detectAnomalies(input)
      .slice(0, 5)
      .map((anomaly) => ({
        ruleId: this.id,
        category: this.category,
        priority: anomaly.severity === 'high' ? ('high' as const) : ('medium' as const),
        subject: `${anomaly.scope}:${anomaly.key}:${anomaly.metric}:${anomaly.date}`,
        title: `${anomaly.metric.toUpperCase()} ${anomaly.direction} its usual range on ${anomaly.date}${anomaly.scope === 'total' ? '' : ` (${anomaly.key})`}`,
        sentence: `On ${anomaly.date}, ${anomaly.scope === 'total' ? 'the account' : anomaly.key} had ${anomaly.metric} of ${anomaly.value}, against a usual range of ${anomaly.expected.low} to ${anomaly.expected.high}.`,
        evidence: { figures: { value: anomaly.value, median: anomaly.expected.median, low: anomaly.expected.low, high: anomaly.expected.high, deviation: anomaly.deviation, date: anomaly.date }, rows: [] },
        weight: Math.min(1, Math.abs(anomaly.deviation) / 10),
      }));
  },
};
