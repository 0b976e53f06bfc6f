import { MEASURES } from '../schema.js';
import { formatMetric, formatShare, plural } from '../format.js';
import { keptRowsText } from '../kept-rows.js';
import { labelOf, nameInSentence } from '../labels.js';
import { COVERAGE_COLUMNS, totalRows, type AnalysisReport, type ReportRow } from './report.js';

type Style = 'text' | 'md';

/** A cell: figures as format.ts writes them for people (the table states the currency), an empty one as a dash. */
function formatValue(column: string, value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return formatMetric(column, value);
}

/** Text from a file as Markdown that shows as itself: no raw HTML, links, images, emphasis or table breaks. */
export function mdText(value: string): string {
  return value
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]()!#|~]/g, '\\$&');
}

function table(style: Style, headers: string[], rows: string[][]): string {
  if (style === 'md') {
    const escape = mdText;
    return [
      `| ${headers.map(escape).join(' | ')} |`,
      `| ${headers.map((_, index) => (index === 0 ? '---' : '---:')).join(' | ')} |`,
      ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
    ].join('\n');
  }
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => row[index]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join('  ');
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

function heading(style: Style, level: number, text: string): string {
  return style === 'md'
    ? `${'#'.repeat(level)} ${text}`
    : level === 1
      ? `${text}\n${'='.repeat(text.length)}`
      : `${text}\n${'-'.repeat(text.length)}`;
}

function metricColumns(report: AnalysisReport): string[] {
  const sample = totalRows(report)[0];
  const measures = MEASURES.filter((measure) => sample !== undefined && measure in sample);
  const kpis = (['ctr', 'cpc', 'cpm', 'cpa', 'roas', 'cvr'] as const).filter(
    (kpi) => sample !== undefined && sample[kpi] !== null,
  );
  return [...measures, ...kpis];
}

function rowsTable(
  style: Style,
  keyColumns: string[],
  rows: ReportRow[],
  columns: string[],
  multiCurrency: boolean,
): string {
  const headers = [...keyColumns, ...(multiCurrency ? ['currency'] : []), ...columns].map(labelOf);
  const body = rows.map((row) => [
    ...keyColumns.map((column) => formatValue(column, row[column] ?? '(none)')),
    ...(multiCurrency ? [String(row.currency ?? '—')] : []),
    ...columns.map((column) => formatValue(column, row[column])),
  ]);
  return table(style, headers, body);
}

/** "ROAS, AOV and revenue − spend cover 62% of spend (the rows that report revenue)." when a KPI covers part of it. */
function coverageLines(row: ReportRow, withCurrency: boolean): string[] {
  const kpis = { revenue: `ROAS, AOV and ${nameInSentence('profit')}`, conversions: 'CPA and CVR' } as const;
  return (Object.entries(COVERAGE_COLUMNS) as [keyof typeof COVERAGE_COLUMNS, string][]).flatMap(
    ([measure, column]) => {
      const share = row[column];
      if (typeof share !== 'number' || share >= 1 || share <= 0) return [];
      return [
        `${withCurrency ? `${row.currency ?? 'no stated currency'}: ` : ''}${kpis[measure]} cover ${formatShare(share)} of spend (the rows that report ${measure}).`,
      ];
    },
  );
}

const MAX_BREAKDOWN_ROWS = 15;

/** The readable report of `pca analyze`: plain text for a terminal, or Markdown. */
export function renderReport(report: AnalysisReport, style: Style): string {
  const out: string[] = [heading(style, 1, 'PCA Agent — campaign analysis')];
  const multiCurrency = report.currencies.length > 1;
  const text = (value: string) => (style === 'md' ? mdText(value) : value);
  out.push(
    `${report.rows.toLocaleString('en-US')} rows · ${report.dateRange.from ?? '?'} to ${report.dateRange.to ?? '?'} · currency: ${report.currencies.map((currency) => text(currency ?? 'not stated')).join(', ') || 'not stated'}${report.conversion ? ` (converted to ${report.conversion.to})` : ''}`,
  );
  for (const dataset of report.datasets) {
    out.push('', heading(style, 2, `Dataset: ${text(dataset.file)}`));
    out.push(
      `Platform: ${text(dataset.platform)} (${dataset.platformSource}, confidence ${dataset.platformConfidence}) · ${keptRowsText(dataset.quality)}`,
    );
    out.push(
      `Mapping: ${dataset.mapping.map((column) => `${text(column.source)} → ${labelOf(column.field)}${column.confidence < 1 ? ` (${column.confidence})` : ''}`).join(', ')}`,
    );
    if (dataset.unmapped.length > 0)
      out.push(`Not used: ${dataset.unmapped.map((column) => `${text(column.source)} (${column.reason})`).join(', ')}`);
    for (const warning of dataset.quality.warnings) out.push(`${style === 'md' ? '- ' : '  ! '}${text(warning)}`);
  }
  const columns = metricColumns(report);
  out.push('', heading(style, 2, 'Totals'));
  out.push(rowsTable(style, [], totalRows(report), columns, multiCurrency || totalRows(report).length > 1));
  for (const row of totalRows(report)) out.push(...coverageLines(row, multiCurrency || totalRows(report).length > 1));
  for (const warning of report.warnings ?? []) out.push(`${style === 'md' ? '- ' : '  ! '}${warning}`);
  for (const [name, rows] of Object.entries(report.breakdowns)) {
    out.push(
      '',
      heading(
        style,
        2,
        `By ${name.split('×').map(nameInSentence).join(' × ')}${rows.length > MAX_BREAKDOWN_ROWS ? ` (top ${MAX_BREAKDOWN_ROWS} of ${rows.length} by spend)` : ''}`,
      ),
    );
    out.push(rowsTable(style, name.split('×'), rows.slice(0, MAX_BREAKDOWN_ROWS), columns, multiCurrency));
  }
  const series = report.timeSeries.week ?? report.timeSeries.day ?? report.timeSeries.month;
  const granularity = report.timeSeries.week ? 'week' : report.timeSeries.day ? 'day' : 'month';
  if (series && series.length > 0) {
    const byCurrency = new Map<string, ReportRow[]>();
    for (const point of series)
      byCurrency.set(String(point.currency), [...(byCurrency.get(String(point.currency)) ?? []), point]);
    out.push('', heading(style, 2, `Time series by ${granularity}`));
    for (const [currency, points] of byCurrency) {
      const spend = points.map((point) => Number(point.spend ?? 0));
      const peak = points[spend.indexOf(Math.max(...spend))];
      const low = points[spend.indexOf(Math.min(...spend))];
      out.push(
        `${multiCurrency ? `${currency}: ` : ''}${plural(points.length, granularity)} · highest spend ${peak?.period} (${formatValue('spend', peak?.spend)}) · lowest ${low?.period} (${formatValue('spend', low?.spend)})`,
      );
      const shown = points.length > 12 ? points.slice(-12) : points;
      out.push(
        rowsTable(
          style,
          ['period'],
          shown,
          columns.filter((column) =>
            ['impressions', 'clicks', 'spend', 'conversions', 'revenue', 'ctr', 'cpa', 'roas'].includes(column),
          ),
          false,
        ),
      );
    }
  }
  return `${out.join('\n')}\n`;
}
