const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * A small RFC 4180 reader for the head and tail of a file, where sniffing
 * happens; the bulk of the data is read by DuckDB. It copies runs of text with
 * `slice` rather than character by character: it runs on every file, cold,
 * before DuckDB starts reading.
 */
export function parseCsvRecords(text: string, delimiter: string, maxRecords = Number.POSITIVE_INFINITY): string[][] {
  const separator = delimiter.charCodeAt(0);
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length && records.length < maxRecords) {
    if (field === '' && text.charCodeAt(i) === QUOTE) {
      // A quoted section runs to the next lone quote; "" inside it is a literal quote.
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) {
          field += text.slice(i);
          i = text.length;
          break;
        }
        field += text.slice(i, close);
        i = close + 1;
        if (text.charCodeAt(i) !== QUOTE) break;
        field += '"';
        i++;
      }
      continue;
    }
    let end = i;
    let char = 0;
    while (end < text.length) {
      char = text.charCodeAt(end);
      if (char === separator || char === LF || char === CR) break;
      end++;
    }
    field += text.slice(i, end);
    if (end === text.length) {
      i = end;
      break;
    }
    record.push(field);
    field = '';
    i = end + 1;
    if (char !== separator) {
      records.push(record);
      record = [];
      if (char === CR && text.charCodeAt(i) === LF) i++;
    }
  }
  if ((field !== '' || record.length > 0) && records.length < maxRecords) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Escapes one value for a CSV cell, quoting when needed. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
