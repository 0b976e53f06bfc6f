import type { Download } from '../export/download.js';
import { loadExcel } from '../export/excel.js';
import { csvField, neutraliseFormula } from '../export/safe-cell.js';
import type { FeedbackView } from './service.js';

export const FEEDBACK_EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type FeedbackExportFormat = (typeof FEEDBACK_EXPORT_FORMATS)[number];

const COLUMNS = [
  'id',
  'targetType',
  'targetId',
  'analysisId',
  'userId',
  'ruleId',
  'category',
  'priority',
  'recommendationType',
  'rating',
  'implemented',
  'effectivenessRating',
  'actualImpact',
  'measuredValue',
  'scores',
  'notes',
  'createdAt',
  'updatedAt',
] as const;

function cells(item: FeedbackView): (string | number | boolean | null)[] {
  return COLUMNS.map((column) => {
    const value = item[column];
    return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
  });
}

/** Every feedback row of the organisation; spreadsheet cells are neutralised against formula injection. */
export async function exportFeedback(items: readonly FeedbackView[], format: FeedbackExportFormat): Promise<Download> {
  if (format === 'json') return { format, body: JSON.stringify(items, null, 2) };
  if (format === 'csv') {
    return {
      format,
      body: [COLUMNS.join(','), ...items.map((item) => cells(item).map(csvField).join(','))].join('\r\n') + '\r\n',
    };
  }
  const ExcelJS = await loadExcel();
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Feedback');
  sheet.addRow([...COLUMNS]).font = { bold: true };
  for (const item of items)
    sheet.addRow(cells(item).map((cell) => (typeof cell === 'string' ? neutraliseFormula(cell) : cell)));
  return { format, body: Buffer.from(await workbook.xlsx.writeBuffer()) };
}
