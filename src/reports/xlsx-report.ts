import type ExcelJS from 'exceljs';
import { loadExcel } from '../export/excel.js';
import { neutraliseFormula } from '../export/safe-cell.js';
import { totalRows, type AnalysisReport, type ReportRow } from '../analysis/pure.js';
import { itemsOf, type AnalysisContent } from './content.js';

type Cell = string | number | null;

function safe(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return neutraliseFormula(typeof value === 'string' ? value : JSON.stringify(value));
}

function addTable(workbook: ExcelJS.Workbook, name: string, rows: ReportRow[]): void {
  // Sheet names: at most 31 characters, none of []:*?/\
  const sheet = workbook.addWorksheet(name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31));
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  sheet.addRow(columns);
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(columns.map((column) => safe(row[column])));
  // A sheet with no rows has no columns to size (ExcelJS gives null then).
  if (columns.length > 0) sheet.columns.forEach((column) => (column.width = 16));
}

/** The words of an analysis as sheets: its executive summary, then one sheet per kind of item with the evidence's figures. */
function addWords(workbook: ExcelJS.Workbook, content: Pick<AnalysisContent, 'summary' | 'items'>): void {
  const summary = workbook.addWorksheet('Executive summary');
  summary.addRow(['Executive summary']).font = { bold: true, size: 14 };
  summary.addRow([safe(content.summary?.text ?? 'No executive summary is stored for this analysis.')]);
  summary.getColumn(1).width = 120;
  summary.getRow(2).alignment = { wrapText: true, vertical: 'top' };
  for (const [kind, name] of [
    ['insight', 'Insights'],
    ['recommendation', 'Recommendations'],
    ['anomaly', 'Anomalies'],
  ] as const) {
    addTable(
      workbook,
      name,
      itemsOf(content, kind).map((item) => ({
        rank: item.rank,
        priority: item.priority,
        category: item.category,
        title: item.title,
        sentence: item.sentence,
        evidence: JSON.stringify(item.evidence.figures),
      })),
    );
  }
}

/** The analysis as a workbook: summary, one sheet per breakdown, the daily series and the quality report; its words when given. */
export async function reportWorkbook(
  report: AnalysisReport,
  content?: Pick<AnalysisContent, 'summary' | 'items'>,
): Promise<Buffer> {
  const workbook = new (await loadExcel()).Workbook();
  workbook.created = new Date(report.generatedAt);
  const summary = workbook.addWorksheet('Summary');
  summary.addRow(['PCA Agent — campaign analysis']).font = { bold: true, size: 14 };
  summary.addRow(['Rows', report.rows]);
  summary.addRow(['From', safe(report.dateRange.from)]);
  summary.addRow(['To', safe(report.dateRange.to)]);
  summary.addRow(['Currencies', safe(report.currencies.map((currency) => currency ?? 'not stated').join(', '))]);
  for (const dataset of report.datasets) {
    summary.addRow([]);
    summary.addRow(['Dataset', safe(dataset.file)]).font = { bold: true };
    summary.addRow(['Platform', safe(dataset.platform), safe(`confidence ${dataset.platformConfidence}`)]);
    for (const column of dataset.mapping)
      summary.addRow(['Mapped', safe(column.source), safe(column.field), column.confidence]);
    for (const warning of dataset.quality.warnings) summary.addRow(['Warning', safe(warning)]);
  }
  summary.getColumn(1).width = 14;
  summary.getColumn(2).width = 40;
  addTable(workbook, 'Totals', totalRows(report));
  for (const [name, rows] of Object.entries(report.breakdowns)) addTable(workbook, `By ${name}`, rows);
  for (const [granularity, points] of Object.entries(report.timeSeries))
    addTable(workbook, `By ${granularity}`, points);
  addTable(
    workbook,
    'Quality',
    report.datasets.map((dataset) => ({
      file: dataset.file,
      rowsRead: dataset.quality.rowsRead,
      rowsKept: dataset.quality.rowsKept,
      totalsDropped: dataset.quality.dropped.totals,
      blankDropped: dataset.quality.dropped.blank,
      noMeasuresDropped: dataset.quality.dropped.noMeasures,
      duplicates: dataset.quality.duplicates,
      clicksOverImpressions: dataset.quality.clicksOverImpressions,
      conversionsOverClicks: dataset.quality.conversionsOverClicks,
      unparseableValues: dataset.quality.unparseableValues,
      rowsWithoutDate: dataset.quality.rowsWithoutDate,
    })),
  );
  if (content) addWords(workbook, content);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
