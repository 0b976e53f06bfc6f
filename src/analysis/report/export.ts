import type { Download } from '../../export/download.js';
import { csvField } from '../../export/safe-cell.js';
import { renderReport } from './render.js';
import { totalRows, type AnalysisReport, type ReportRow } from './report.js';

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx', 'md'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Every table of a report as one long sheet: a section column, then the group's keys and figures. */
function csvOf(report: AnalysisReport): string {
  const sections: { section: string; rows: ReportRow[] }[] = [
    { section: 'totals', rows: totalRows(report) },
    ...Object.entries(report.breakdowns).map(([name, rows]) => ({ section: `by ${name}`, rows })),
    ...Object.entries(report.timeSeries).map(([granularity, rows]) => ({ section: `by ${granularity}`, rows })),
  ];
  const columns = ['section', ...new Set(sections.flatMap(({ rows }) => rows.flatMap((row) => Object.keys(row))))];
  const lines = [columns.map(csvField).join(',')];
  for (const { section, rows } of sections) {
    for (const row of rows) lines.push(columns.map((column) => csvField(column === 'section' ? section : row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export async function exportReport(report: AnalysisReport, format: ExportFormat): Promise<Download> {
  switch (format) {
    case 'json':
      return { format, body: JSON.stringify(report, null, 2) };
    case 'csv':
      return { format, body: csvOf(report) };
    case 'md':
      return { format, body: renderReport(report, 'md') };
    case 'xlsx': {
      const { reportWorkbook } = await import('./xlsx-report.js');
      return { format, body: await reportWorkbook(report) };
    }
  }
}
