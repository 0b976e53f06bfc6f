import type ExcelJS from 'exceljs';

export type ExcelModule = typeof ExcelJS;

let loading: Promise<ExcelModule> | undefined;

/**
 * exceljs (with its zip and stream libraries) takes about a second to load:
 * only a process that writes a workbook pays for it, not every `pca` command
 * or server start that merely reaches a module able to write one.
 */
export function loadExcel(): Promise<ExcelModule> {
  loading ??= import('exceljs').then((module) => module.default);
  return loading;
}
