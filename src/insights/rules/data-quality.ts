import { formatCount, plural } from '../../analysis/pure.js';
import type { Finding, InsightRule } from '../finding.js';
import { leftOutPhrase, pct, round } from './helpers.js';

function qualityRule(options: {
  id: string;
  description: string;
  priority: Finding['priority'];
  count: (input: Parameters<InsightRule['evaluate']>[0]) => number;
  minimumShare: number;
  title: (count: number) => string;
  sentence: (count: number, rows: number) => string;
  action: string;
}): InsightRule {
  return {
    id: options.id,
    category: 'data_quality',
    priority: options.priority,
    description: options.description,
    evaluate(input) {
      const count = options.count(input);
      const rows = input.quality.rows;
      if (count === 0 || rows === 0 || count / rows < options.minimumShare) return [];
      return [
        {
          ruleId: options.id,
          category: 'data_quality',
          priority: options.priority,
          subject: 'data',
          title: options.title(count),
          sentence: options.sentence(count, rows),
          evidence: { figures: { rows: count, of: rows, share: round(count / rows, 4) }, rows: [] },
          weight: Math.min(1, count / rows + 0.2),
          recommendation: {
            type: 'fix_data',
            action: options.action,
            expectedImpact: null,
            assumptions: ['Totals and KPIs are computed as the file states them until it is corrected'],
          },
        },
      ];
    },
  };
}

export const duplicateRows = qualityRule({
  id: 'data_quality.duplicate_rows',
  description: 'At least 1 % of rows are exact duplicates, which double-count spend and results.',
  priority: 'high',
  count: (input) => input.quality.duplicates,
  minimumShare: 0.01,
  title: (count) => plural(count, 'duplicated row'),
  sentence: (count, rows) =>
    `${formatCount(count)} of ${plural(rows, 'row')} (${pct((count / rows) * 100)}) ${count === 1 ? 'is an exact duplicate' : 'are exact duplicates'}, so their spend and results may be counted twice.`,
  action: 'Export again without overlapping date ranges or duplicated sheets, or remove the duplicates.',
});

export const clicksOverImpressions = qualityRule({
  id: 'data_quality.clicks_over_impressions',
  description: 'Rows with more clicks than impressions: a column is probably mapped wrongly.',
  priority: 'high',
  count: (input) => input.quality.clicksOverImpressions,
  minimumShare: 0,
  title: (count) => `${plural(count, 'row')} with more clicks than impressions`,
  sentence: (count, rows) =>
    `${formatCount(count)} of ${plural(rows, 'row')} ${count === 1 ? 'reports' : 'report'} more clicks than impressions, so CTR cannot be trusted for them.`,
  action: 'Check the column mapping of clicks and impressions, and override it if it is wrong.',
});

export const conversionsOverClicks = qualityRule({
  id: 'data_quality.conversions_over_clicks',
  description: 'At least 5 % of rows with more conversions than clicks (view-through or a mis-mapped column).',
  priority: 'medium',
  count: (input) => input.quality.conversionsOverClicks,
  minimumShare: 0.05,
  title: (count) => `${plural(count, 'row')} with more conversions than clicks`,
  sentence: (count, rows) =>
    `${formatCount(count)} of ${plural(rows, 'row')} ${count === 1 ? 'reports' : 'report'} more conversions than clicks, which inflates CVR (view-through conversions or a mapping error).`,
  action: 'Check whether conversions include view-through ones, and the column mapping.',
});

export const negativeValues = qualityRule({
  id: 'data_quality.negative_values',
  description: 'Negative measures (refunds, corrections) in the data.',
  priority: 'medium',
  count: (input) => input.quality.negativeValues,
  minimumShare: 0,
  title: (count) => plural(count, 'negative value'),
  sentence: (count, rows) =>
    `The data holds ${plural(count, 'negative measure value')} across ${plural(rows, 'row')}, which ${count === 1 ? 'lowers' : 'lower'} the totals ${count === 1 ? 'it is' : 'they are'} in.`,
  action: 'Confirm the negative values are real corrections or refunds.',
});

/** A measure that a headline KPI needs is missing. */
export const missingMeasures: InsightRule = {
  id: 'data_quality.missing_measures',
  category: 'data_quality',
  priority: 'medium',
  description: 'Spend is present but revenue or conversions are not, so ROAS or CPA cannot be computed.',
  evaluate(input) {
    if (!input.measures.has('spend')) return [];
    const missing = ['revenue', 'conversions'].filter((measure) => !input.measures.has(measure));
    if (missing.length === 0) return [];
    return [
      {
        ruleId: this.id,
        category: this.category,
        priority: this.priority,
        subject: missing.join('+'),
        title: `No ${missing.join(' or ')} in the data`,
        sentence: `The data has no ${missing.join(' or ')} column, so ${missing.map((measure) => (measure === 'revenue' ? 'ROAS' : 'CPA and CVR')).join(' and ')} cannot be computed.`,
        evidence: { figures: { missing: missing.join(', ') }, rows: [] },
        weight: 0.4,
        recommendation: {
          type: 'fix_data',
          action: `Add the ${missing.join(' and ')} columns to the export (conversion value for revenue).`,
          expectedImpact: null,
          assumptions: [],
        },
      },
    ];
  },
};

/** Money in several currencies, not converted: part of the data is left out of cross-platform comparisons. */
export const unconvertedCurrencies: InsightRule = {
  id: 'data_quality.unconverted_currencies',
  category: 'data_quality',
  priority: 'medium',
  description: 'Money in more than one currency without exchange rates: insights compare one currency only.',
  evaluate(input) {
    if (input.otherCurrencies.length === 0) return [];
    return [
      {
        ruleId: this.id,
        category: this.category,
        priority: this.priority,
        subject: 'currencies',
        title: 'Several currencies, not converted',
        sentence: `Insights compare the ${input.currency === null ? 'figures with no stated currency' : `${input.currency} figures`} only; ${leftOutPhrase(input.otherCurrencies)} are reported apart and not compared.`,
        evidence: { figures: { compared: input.currency, leftOut: input.otherCurrencies.join(', ') }, rows: [] },
        weight: 0.5,
        recommendation: {
          type: 'fix_data',
          action: 'Give the analysis exchange rates to one currency so every platform is compared.',
          expectedImpact: null,
          assumptions: [],
        },
      },
    ];
  },
};
