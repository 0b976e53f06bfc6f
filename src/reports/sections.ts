import { bySpend, totalRows } from '../analysis/pure.js';
import { itemsOf, type AnalysisContent, type ReportItem } from './content.js';

/**
 * Which heading of a document each item goes under, each item under one only,
 * and how its words read there: the PDF, the PPTX, the workbook and the
 * Markdown report all place and word items this way.
 */

/** The rule whose findings are budgets off their pace: the decks give them their own page. */
const PACING_RULE = 'pacing.budget_off_track';

export interface ItemSections {
  readonly anomalies: ReportItem[];
  /** Empty unless asked for: the insights keep them otherwise. */
  readonly pacing: ReportItem[];
  readonly insights: ReportItem[];
  readonly recommendations: ReportItem[];
}

/** Numbers a section's items 1, 2, 3… as shown: items left to another section leave no gap. */
const numbered = (items: readonly ReportItem[]): ReportItem[] =>
  items.map((item, index) => ({ ...item, rank: index + 1 }));

/**
 * The items under each heading, in rank order. The anomaly rule's insights
 * restate the analysis's anomalies (the same days, the same words), so they
 * are left out: an anomaly is shown once, under Anomalies. With `pacing`,
 * budgets off their pace leave the insights for a section of their own.
 */
export function itemSections(content: Pick<AnalysisContent, 'items'>, options: { pacing: boolean }): ItemSections {
  const insights = itemsOf(content, 'insight').filter((item) => item.category !== 'anomaly');
  const isPacing = (item: ReportItem) => options.pacing && item.ruleId === PACING_RULE;
  return {
    anomalies: numbered(itemsOf(content, 'anomaly')),
    pacing: numbered(insights.filter(isPacing)),
    insights: numbered(insights.filter((item) => !isPacing(item))),
    recommendations: numbered(itemsOf(content, 'recommendation')),
  };
}

/**
 * An item's heading and the sentence under it; no sentence when it would
 * repeat the heading (a recommendation's title is its action, word for word),
 * the longer of the two said once.
 */
export function itemWords(item: Pick<ReportItem, 'title' | 'sentence'>): { heading: string; body: string | null } {
  const title = item.title.trim();
  const sentence = item.sentence.trim();
  const [short, long] = title.length <= sentence.length ? [title, sentence] : [sentence, title];
  if (long.toLowerCase().includes(short.toLowerCase())) return { heading: long, body: null };
  return { heading: title, body: sentence };
}

/**
 * The currency the items' money is in: the one the executive summary states
 * (the rules read the currency with the most spend), else that currency from the totals.
 */
export function itemCurrency(content: Pick<AnalysisContent, 'summary' | 'result'>): string | null {
  const stated = content.summary?.facts.currency;
  if (typeof stated === 'string') return stated;
  const [top] = bySpend(totalRows(content.result));
  return typeof top?.currency === 'string' ? top.currency : null;
}
