/**
 * Worksheet names as Excel accepts them: at most 31 characters, none of
 * []:*?/\, not empty, no apostrophe at either end, not "History" (Excel keeps
 * it for itself), and unique within the workbook regardless of case. ExcelJS
 * throws on a duplicate, and Excel refuses to open a file with a bad name.
 */
export const MAX_SHEET_NAME = 31;

const FALLBACK = 'Sheet';
const RESERVED = new Set(['history']);

/** The first `length` UTF-16 units of `text`, without splitting a surrogate pair. */
function cut(text: string, length: number): string {
  if (text.length <= length) return text;
  const end = /[\uD800-\uDBFF]/.test(text[length - 1]!) ? length - 1 : length;
  return text.slice(0, end);
}

/** Spaces and apostrophes off both ends: Excel reads a name's apostrophes as quoting. */
const trimmed = (text: string) => text.replace(/^[\s']+|[\s']+$/g, '');

/** `wanted` made valid: forbidden and control characters become spaces, then it is cut to fit. */
export function validSheetName(wanted: string): string {
  const cleaned = trimmed(wanted.replace(/[[\]:*?/\\\p{Cc}]/gu, ' ').replace(/\s+/g, ' '));
  return trimmed(cut(cleaned, MAX_SHEET_NAME)) || FALLBACK;
}

/**
 * A namer for one workbook: each name it hands out is valid and differs from every earlier one;
 * a name already taken gets " (2)", " (3)"…, its stem cut so the whole still fits.
 */
export function sheetNamer(): (wanted: string) => string {
  const taken = new Set(RESERVED);
  return (wanted) => {
    const base = validSheetName(wanted);
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      name = `${trimmed(cut(base, MAX_SHEET_NAME - suffix.length)) || FALLBACK}${suffix}`;
    }
    taken.add(name.toLowerCase());
    return name;
  };
}
