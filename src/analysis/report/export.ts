import { csvField } from '../../export/safe-cell.js';
import { renderReport } from './render.js';
import { totalRows, type AnalysisReport, type ReportRow } from './report.js';

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx', 'md'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportFile {
  readonly contentType: string;
  readonly extension: string;
  readonly body: string | Buffer;
}

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

export async function exportReport(report: AnalysisReport, format: ExportFormat): Promise<ExportFile> {
  switch (format) {
    case 'json':
      return { contentType: 'application/json; charset=utf-8', extension: 'json', body: JSON.stringify(report, null, 2) };
    case 'csv':
      return { contentType: 'text/csv; charset=utf-8', extension: 'csv', body: csvOf(report) };
    case 'md':
      return { contentType: 'text/markdown; charset=utf-8', extension: 'md', body: renderReport(report, 'md') };
    case 'xlsx': {
      const { reportWorkbook } = await import('./xlsx-report.js');
      return {
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        extension: 'xlsx',
        body: await reportWorkbook(report),
      };
    }
  }
}
