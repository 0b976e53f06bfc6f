import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type ExcelJS from 'exceljs';
import { AppError } from '../../errors.js';
import { csvCell } from './csv-text.js';

export interface SheetInfo {
  readonly name: string;
  readonly rows: number;
}

type CellValue = ExcelJS.CellValue;

/** A cell as text the CSV reader understands: dates as ISO, formulas as their result. */
function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: CellValue }).result ?? null);
  if ('text' in value) return String(value.text);
  if ('error' in value) return '';
  return '';
}

/**
 * Writes one sheet of a workbook as UTF-8 CSV: the sheet asked for, or the
 * first with data. Returns every sheet with its row count.
 */
export async function xlsxToCsv(file: string, target: string, sheetName?: string): Promise<{ sheets: SheetInfo[]; sheet: string }> {
  // exceljs is large; it is loaded only when a workbook arrives.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch {
    throw new AppError('unprocessable', 'The file is not a readable XLSX workbook.');
  }
  const sheets = workbook.worksheets.map((worksheet) => ({ name: worksheet.name, rows: worksheet.actualRowCount }));
  const chosen =
    sheetName === undefined
      ? workbook.worksheets.find((worksheet) => worksheet.actualRowCount > 0)
      : workbook.worksheets.find((worksheet) => worksheet.name === sheetName);
  if (!chosen) {
    throw new AppError(
      'unprocessable',
      sheetName === undefined
        ? 'The workbook has no sheet with data.'
        : `The workbook has no sheet "${sheetName}"; it has ${sheets.map((sheet) => `"${sheet.name}"`).join(', ')}.`,
    );
  }
  const out = createWriteStream(target, { encoding: 'utf8', mode: 0o600 });
  const width = chosen.actualColumnCount;
  for (let r = 1; r <= chosen.rowCount; r++) {
    const row = chosen.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(csvCell(cellText(row.getCell(c).value)));
    if (!out.write(`${cells.join(',')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { sheets, sheet: chosen.name };
}
