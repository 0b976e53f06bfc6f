import { describe, expect, it } from 'vitest';
import { MAX_SHEET_NAME, sheetNamer, validSheetName } from '../../src/export/sheet-names.js';

describe('worksheet names', () => {
  it('keeps a name Excel accepts as it is', () => {
    expect(validSheetName('By ad group')).toBe('By ad group');
    expect(validSheetName('x'.repeat(MAX_SHEET_NAME))).toBe('x'.repeat(MAX_SHEET_NAME));
  });

  it('replaces the characters Excel forbids and squeezes the spaces they leave', () => {
    expect(validSheetName('By [a]:b*c?d/e\\f')).toBe('By a b c d e f');
    expect(validSheetName('Tab\there\nnow')).toBe('Tab here now');
  });

  it('cuts a long name to 31 characters, without a space or apostrophe at the cut or half a character', () => {
    expect(validSheetName('y'.repeat(40))).toHaveLength(MAX_SHEET_NAME);
    expect(validSheetName(`${'a'.repeat(30)} b`)).toBe('a'.repeat(30));
    expect(validSheetName(`${'a'.repeat(30)}'bc`)).toBe('a'.repeat(30));
    // "😀" is two UTF-16 units: the 31st unit would split it.
    expect(validSheetName(`${'a'.repeat(30)}😀`)).toBe('a'.repeat(30));
    expect(validSheetName(`${'a'.repeat(29)}😀`)).toBe(`${'a'.repeat(29)}😀`);
  });

  it('drops apostrophes at either end and names an empty result "Sheet"', () => {
    expect(validSheetName("'Quoted'")).toBe('Quoted');
    expect(validSheetName("  ''  ")).toBe('Sheet');
    expect(validSheetName('')).toBe('Sheet');
    expect(validSheetName('[]:*?/\\')).toBe('Sheet');
  });

  it('hands out each name once, regardless of case, with a suffix that still fits', () => {
    const nameOf = sheetNamer();
    expect(nameOf('Daily')).toBe('Daily');
    expect(nameOf('daily')).toBe('daily (2)');
    expect(nameOf('DAILY')).toBe('DAILY (3)');
    // Two names that only differ past the 31st character are one name once cut.
    const long = `By ${'campaign '.repeat(5)}`;
    expect(nameOf(long)).toBe('By campaign campaign campaign c');
    expect(nameOf(`${long}and more`)).toBe('By campaign campaign campai (2)');
    // A suffixed name is taken too: the next duplicate of the same stem counts on.
    expect(nameOf('By campaign campaign campaign x')).toBe('By campaign campaign campaign x');
    expect(nameOf('By campaign campaign campaign x')).toBe('By campaign campaign campai (3)');
    // No space is left between a cut stem and its suffix.
    expect(nameOf(`${'b'.repeat(26)} cdef`)).toBe(`${'b'.repeat(26)} cdef`);
    expect(nameOf(`${'b'.repeat(26)} cdef`)).toBe(`${'b'.repeat(26)} (2)`);
  });

  it('never hands out "History", which Excel keeps for itself', () => {
    const nameOf = sheetNamer();
    expect(nameOf('History')).toBe('History (2)');
    expect(nameOf('history')).toBe('history (3)');
  });

  it('keeps separate workbooks apart', () => {
    expect(sheetNamer()('Totals')).toBe('Totals');
    expect(sheetNamer()('Totals')).toBe('Totals');
  });
});
