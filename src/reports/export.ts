import type { Download } from '../export/download.js';
import { csvField } from '../export/safe-cell.js';
import { itemsOf, type AnalysisContent, type ReportItem } from './content.js';
import { itemSections, itemWords } from './sections.js';
import type { DeckFormat } from './render.js';
import { mdText, renderReport, totalRows, type ReportRow } from '../analysis/index.js';

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx', 'md', 'pdf', 'pptx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type { DeckFormat } from './render.js';

/** Renders a deck; the server hands this to a worker thread, the CLI renders in its own thread. */
export type DeckRenderer = (content: AnalysisContent, format: DeckFormat) => Promise<Buffer>;

const NO_SUMMARY = 'No executive summary is stored for this analysis.';

const ITEM_SECTIONS = [
  ['insight', 'insights'],
  ['recommendation', 'recommendations'],
  ['anomaly', 'anomalies'],
] as const;

function itemRow(item: ReportItem): ReportRow {
  return {
    rank: item.rank,
    priority: item.priority,
    category: item.category,
    title: item.title,
    sentence: item.sentence,
    evidence: JSON.stringify(item.evidence.figures),
  };
}

/** Every table of a report as one long sheet: a section column, then the group's keys and figures; the words last. */
function csvOf(content: AnalysisContent): string {
  const report = content.result;
  const sections: { section: string; rows: ReportRow[] }[] = [
    { section: 'totals', rows: totalRows(report) },
    ...Object.entries(report.breakdowns).map(([name, rows]) => ({ section: `by ${name}`, rows })),
    ...Object.entries(report.timeSeries).map(([granularity, rows]) => ({ section: `by ${granularity}`, rows })),
    { section: 'executive summary', rows: [{ sentence: content.summary?.text ?? NO_SUMMARY }] },
    ...ITEM_SECTIONS.map(([kind, section]) => ({ section, rows: itemsOf(content, kind).map(itemRow) })),
  ];
  const columns = ['section', ...new Set(sections.flatMap(({ rows }) => rows.flatMap((row) => Object.keys(row))))];
  const lines = [columns.map(csvField).join(',')];
  for (const { section, rows } of sections) {
    for (const row of rows)
      lines.push(columns.map((column) => csvField(column === 'section' ? section : row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The Markdown report with the executive summary after its headline and the words after the tables, each item once. */
function markdownOf(content: AnalysisContent): string {
  const [title, headline, ...rest] = renderReport(content.result, 'md').split('\n');
  const summary = ['', '## Executive summary', '', mdText(content.summary?.text ?? NO_SUMMARY)];
  const sections = itemSections(content, { pacing: false });
  const words = (
    [
      [sections.insights, 'insights'],
      [sections.recommendations, 'recommendations'],
      [sections.anomalies, 'anomalies'],
    ] as const
  ).flatMap(([items, section]) => {
    const heading = `## ${section[0]!.toUpperCase()}${section.slice(1)}`;
    if (items.length === 0) return ['', heading, '', `No ${section} for this analysis.`];
    return [
      '',
      heading,
      '',
      ...items.map((item) => {
        const { heading: title, body } = itemWords(item);
        return `${item.rank}. **${mdText(title)}** (${item.priority}, ${item.category.replace('_', ' ')})${body === null ? '' : `: ${mdText(body)}`}`;
      }),
    ];
  });
  return `${[title, headline, ...summary, ...rest.slice(0, -1), ...words].join('\n')}\n`;
}

function jsonOf(content: AnalysisContent): string {
  const pick = (kind: ReportItem['kind']) => itemsOf(content, kind);
  return JSON.stringify(
    {
      ...content.result,
      summary: content.summary,
      insights: pick('insight'),
      recommendations: pick('recommendation'),
      anomalies: pick('anomaly'),
    },
    null,
    2,
  );
}

/** The report of an analysis as a file; a deck goes to the renderer given (a worker on the server). */
export async function exportReport(
  content: AnalysisContent,
  format: ExportFormat,
  renderDeck?: DeckRenderer,
): Promise<Download> {
  switch (format) {
    case 'json':
      return { format, body: jsonOf(content) };
    case 'csv':
      return { format, body: csvOf(content) };
    case 'md':
      return { format, body: markdownOf(content) };
    case 'xlsx': {
      const { reportWorkbook } = await import('./xlsx-report.js');
      return { format, body: await reportWorkbook(content.result, content) };
    }
    case 'pdf':
    case 'pptx': {
      const render = renderDeck ?? (await import('./render.js')).renderDeck;
      return { format, body: await render(content, format) };
    }
  }
}
