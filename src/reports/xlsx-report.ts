import type ExcelJS from 'exceljs';
import { loadExcel } from '../export/excel.js';
import { neutraliseFormula } from '../export/safe-cell.js';
import { sheetNamer } from '../export/sheet-names.js';
import {
  columnKind,
  columnLabel,
  evidenceText,
  formatByKind,
  formatDays,
  formatShare,
  labelOf,
  metricName,
  totalRows,
  type AnalysisReport,
  type ColumnKind,
  type ReportRow,
} from '../analysis/pure.js';
import type { AnalysisContent } from './content.js';
import { itemCurrency, itemSections } from './sections.js';
import { numberFormat } from './xlsx-columns.js';

type Cell = string | number | null;

/** A column of a table sheet: the row's key it reads, its header, and how its numbers show (none: General). */
interface Column {
  readonly key: string;
  readonly label: string;
  readonly kind?: ColumnKind;
}

/** Columns are sized to their longest text within these bounds (in characters); longer text wraps. */
const MIN_WIDTH = 8;
const MAX_WIDTH = 60;
/** The executive summary's one column: a landscape page wide. */
const SUMMARY_WIDTH = 90;
// A font without a name falls back to the viewer's default (a serif in LibreOffice): name the workbook's own.
const FONT = { name: 'Calibri', size: 11 };
const HEADER_FONT: Partial<ExcelJS.Font> = { ...FONT, bold: true };
const TITLE_FONT: Partial<ExcelJS.Font> = { ...FONT, bold: true, size: 14 };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8ECF2' } };

/** Printed or saved as PDF, a sheet is as wide as one landscape page, as long as it needs, its header on every page. */
const PAGE_SETUP: Partial<ExcelJS.PageSetup> = {
  orientation: 'landscape',
  fitToPage: true,
  fitToWidth: 1,
  fitToHeight: 0,
};

const SERIES_SHEETS: Record<string, string> = { day: 'Daily', week: 'Weekly', month: 'Monthly', quarter: 'Quarterly' };

function safe(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return neutraliseFormula(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Every key of the rows, in first-seen order, labelled and kinded as report figures. */
function reportColumns(rows: ReportRow[]): Column[] {
  return [...new Set(rows.flatMap((row) => Object.keys(row)))].map((key) => {
    const kind = columnKind(key);
    return kind ? { key, label: columnLabel(key), kind } : { key, label: columnLabel(key) };
  });
}

/** A table as a sheet a client can filter and sum: a bold frozen header, an autofilter, numbers formatted by kind. */
function addTable(workbook: ExcelJS.Workbook, name: string, columns: readonly Column[], rows: readonly ReportRow[]) {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: { ...PAGE_SETUP, printTitlesRow: '1:1' },
  });
  if (columns.length === 0) return;
  const header = sheet.addRow(columns.map((column) => column.label));
  header.font = HEADER_FONT;
  header.fill = HEADER_FILL;
  const widths = columns.map((column) => column.label.length);
  for (const row of rows) {
    const currency = typeof row.currency === 'string' ? row.currency : null;
    const values = columns.map((column) => safe(row[column.key]));
    const added = sheet.addRow(values);
    columns.forEach((column, index) => {
      const value = values[index]!;
      let text = value === null ? '' : String(value);
      if (typeof value === 'number' && column.kind) {
        added.getCell(index + 1).numFmt = numberFormat(column.kind, value, currency);
        // About the text Excel shows: what the column is sized by.
        text = formatByKind(column.kind, value, currency);
      }
      widths[index] = Math.max(widths[index]!, text.length);
    });
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows.length + 1, column: columns.length } };
  fitColumns(sheet, columns, widths);
}

/** Points per line of 11 pt text: the height of a default row. */
const LINE_HEIGHT = 15;

/** The height of a row whose text wraps in a column `width` characters wide (about that many letters to a line). */
function wrappedHeight(text: string, width: number): number {
  return Math.max(1, Math.ceil(text.length / width)) * LINE_HEIGHT;
}

/** A wrapped cell's text: the tables write text, numbers and blanks only. */
const textOf = (value: ExcelJS.CellValue) => (typeof value === 'string' ? value : '');

/**
 * Each column as wide as its longest text, within bounds; text wider than the bound wraps, and its
 * rows are made tall enough to show it (viewers keep a row's stored height rather than fit it).
 */
function fitColumns(sheet: ExcelJS.Worksheet, columns: readonly Column[], widths: readonly number[]): void {
  const wrapped: number[] = [];
  columns.forEach((_, index) => {
    const width = widths[index]! + 2;
    sheet.getColumn(index + 1).width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width));
    if (width > MAX_WIDTH) wrapped.push(index + 1);
  });
  if (wrapped.length > 0) {
    for (const column of wrapped) sheet.getColumn(column).alignment = { wrapText: true, vertical: 'top' };
    // The other cells of a tall row read from its top too.
    columns.forEach((_, index) => {
      if (!wrapped.includes(index + 1)) sheet.getColumn(index + 1).alignment = { vertical: 'top' };
    });
    sheet.eachRow((row, number) => {
      if (number === 1) return;
      const height = Math.max(...wrapped.map((column) => wrappedHeight(textOf(row.getCell(column).value), MAX_WIDTH)));
      if (height > LINE_HEIGHT) row.height = height;
    });
  }
  // Figures read right-aligned: so do their headers.
  columns.forEach((column, index) => {
    if (column.kind) sheet.getRow(1).getCell(index + 1).alignment = { horizontal: 'right' };
  });
}

const QUALITY_COLUMNS: readonly Column[] = [
  { key: 'file', label: 'File' },
  { key: 'rowsRead', label: 'Rows read', kind: 'count' },
  { key: 'rowsKept', label: 'Rows kept', kind: 'count' },
  { key: 'totalsDropped', label: 'Totals rows dropped', kind: 'count' },
  { key: 'blankDropped', label: 'Blank rows dropped', kind: 'count' },
  { key: 'noMeasuresDropped', label: 'Rows without figures dropped', kind: 'count' },
  { key: 'duplicates', label: 'Duplicate rows', kind: 'count' },
  { key: 'clicksOverImpressions', label: 'Rows with more clicks than impressions', kind: 'count' },
  { key: 'conversionsOverClicks', label: 'Rows with more conversions than clicks', kind: 'count' },
  { key: 'unparseableValues', label: 'Unreadable values', kind: 'count' },
  { key: 'rowsWithoutDate', label: 'Rows without a date', kind: 'count' },
];

function qualityRows(report: AnalysisReport): ReportRow[] {
  return report.datasets.map(({ file, quality }) => ({
    file,
    rowsRead: quality.rowsRead,
    rowsKept: quality.rowsKept,
    totalsDropped: quality.dropped.totals,
    blankDropped: quality.dropped.blank,
    noMeasuresDropped: quality.dropped.noMeasures,
    duplicates: quality.duplicates,
    clicksOverImpressions: quality.clicksOverImpressions,
    conversionsOverClicks: quality.conversionsOverClicks,
    unparseableValues: quality.unparseableValues,
    rowsWithoutDate: quality.rowsWithoutDate,
  }));
}

/** What a workbook shows besides the report: the analysis's words, and its name when it has one. */
type WorkbookContent = Pick<AnalysisContent, 'summary' | 'items'> & { readonly title?: string };

const ITEM_COLUMNS: readonly Column[] = [
  { key: 'rank', label: 'Rank', kind: 'count' },
  { key: 'priority', label: 'Priority' },
  { key: 'category', label: 'Category' },
  { key: 'title', label: 'Title' },
  { key: 'sentence', label: 'Details' },
  { key: 'evidence', label: 'Evidence' },
];

/** The words of an analysis as sheets: its executive summary, then one sheet per kind of item with the evidence's figures. */
function addWords(
  workbook: ExcelJS.Workbook,
  nameOf: (wanted: string) => string,
  report: AnalysisReport,
  content: WorkbookContent,
): void {
  const summary = workbook.addWorksheet(nameOf('Executive summary'), { pageSetup: PAGE_SETUP });
  summary.addRow(['Executive summary']).font = TITLE_FONT;
  const text = content.summary?.text ?? 'No executive summary is stored for this analysis.';
  const row = summary.addRow([safe(text)]);
  summary.getColumn(1).width = SUMMARY_WIDTH;
  row.alignment = { wrapText: true, vertical: 'top' };
  row.height = wrappedHeight(text, SUMMARY_WIDTH);
  const sections = itemSections(content, { pacing: false });
  const currency = itemCurrency({ summary: content.summary, result: report });
  for (const [items, name] of [
    [sections.insights, 'Insights'],
    [sections.recommendations, 'Recommendations'],
    [sections.anomalies, 'Anomalies'],
  ] as const) {
    addTable(
      workbook,
      nameOf(name),
      ITEM_COLUMNS,
      items.map((item) => ({
        rank: item.rank,
        priority: item.priority,
        category: item.category.replace(/_/g, ' '),
        title: item.title,
        sentence: item.sentence,
        evidence: evidenceText(item, currency),
      })),
    );
  }
}

/** A workbook without an analysis's name (the CLI's, of files in hand) is titled by what it is. */
const GENERIC_TITLE = 'PCA Agent — campaign analysis';

/** The first sheet's title: the analysis's name and its period ("November campaigns · Nov 1 – 28, 2025"). */
export function workbookTitle(report: AnalysisReport, name: string | undefined): string {
  const { from, to } = report.dateRange;
  const period = from && to ? formatDays(from, to) : null;
  if (!name?.trim()) return period ? `${GENERIC_TITLE} · ${period}` : GENERIC_TITLE;
  return period ? `${name.trim()} · ${period}` : name.trim();
}

/** The first sheet: what was analysed, from which files, mapped how, and what to watch for. */
function addSummary(workbook: ExcelJS.Workbook, name: string, report: AnalysisReport, title: string | undefined): void {
  const summary = workbook.addWorksheet(name, { pageSetup: PAGE_SETUP });
  summary.addRow([safe(workbookTitle(report, title))]).font = TITLE_FONT;
  summary.addRow(['Rows', report.rows]).getCell(2).numFmt = '#,##0';
  summary.addRow(['From', safe(report.dateRange.from)]);
  summary.addRow(['To', safe(report.dateRange.to)]);
  summary.addRow(['Currencies', safe(report.currencies.map((currency) => currency ?? 'not stated').join(', '))]);
  if (report.conversion) summary.addRow(['Converted to', safe(report.conversion.to)]);
  for (const warning of report.warnings ?? []) summary.addRow(['Warning', safe(warning)]);
  for (const dataset of report.datasets) {
    summary.addRow([]);
    summary.addRow(['Dataset', safe(dataset.file)]).font = HEADER_FONT;
    summary.addRow(['Platform', safe(dataset.platform), safe(`${formatShare(dataset.platformConfidence)} confidence`)]);
    for (const column of dataset.mapping)
      summary
        .addRow(['Mapped', safe(column.source), safe(labelOf(column.field)), column.confidence])
        .getCell(4).numFmt = '0%';
    for (const warning of dataset.quality.warnings) summary.addRow(['Warning', safe(warning)]);
  }
  summary.getColumn(1).width = 14;
  summary.getColumn(2).width = 40;
  summary.getColumn(3).width = 20;
}

/** The analysis as a workbook: summary, one sheet per breakdown, the time series and the quality report; its words when given. */
export async function reportWorkbook(report: AnalysisReport, content?: WorkbookContent): Promise<Buffer> {
  const workbook = new (await loadExcel()).Workbook();
  workbook.created = new Date(report.generatedAt);
  const nameOf = sheetNamer();
  addSummary(workbook, nameOf('Summary'), report, content?.title);
  const totals = totalRows(report);
  addTable(workbook, nameOf('Totals'), reportColumns(totals), totals);
  for (const [name, rows] of Object.entries(report.breakdowns))
    addTable(workbook, nameOf(`By ${metricName(name.replace('×', ' × '))}`), reportColumns(rows), rows);
  for (const [granularity, points] of Object.entries(report.timeSeries))
    addTable(
      workbook,
      nameOf(SERIES_SHEETS[granularity] ?? `By ${metricName(granularity)}`),
      reportColumns(points),
      points,
    );
  addTable(workbook, nameOf('Quality'), QUALITY_COLUMNS, qualityRows(report));
  if (content) addWords(workbook, nameOf, report, content);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
