import { AppError } from '../errors.js';
import type { BudgetInput } from './budgets.js';

/** Splits CSV text into rows of fields: commas, double-quoted fields with "" escapes and newlines. */
function rowsOf(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (quoted) throw new AppError('unprocessable', 'The CSV has an unterminated quoted field.');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((fields) => fields.some((value) => value.trim() !== ''));
}

const HEADERS = {
  scope: 'scope',
  name: 'name',
  amount: 'amount',
  currency: 'currency',
  start: 'startDate',
  start_date: 'startDate',
  startdate: 'startDate',
  end: 'endDate',
  end_date: 'endDate',
  enddate: 'endDate',
} as const;

/**
 * Budgets from a CSV with the columns scope, name, amount, start, end and
 * optionally currency (any order, any case). Values are read as written;
 * every problem is reported with its row, and nothing is stored if any.
 */
export function parseBudgetCsv(text: string): BudgetInput[] {
  const [header, ...body] = rowsOf(text.replace(/^\uFEFF/, ''));
  if (!header) throw new AppError('unprocessable', 'The CSV is empty.');
  const columns = header.map(
    (name) =>
      HEADERS[
        name
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_') as keyof typeof HEADERS
      ],
  );
  const missing = ['scope', 'name', 'amount', 'startDate', 'endDate'].filter(
    (needed) => !columns.includes(needed as (typeof columns)[number]),
  );
  if (missing.length > 0)
    throw new AppError('unprocessable', `The CSV lacks the column(s): ${missing.join(', ')}.`, { missing });
  if (body.length === 0) throw new AppError('unprocessable', 'The CSV has a header but no budgets.');
  if (body.length > 1000) throw new AppError('unprocessable', 'At most 1,000 budgets per file.');
  return body.map((fields) => {
    const value = (key: string) => {
      const index = columns.indexOf(key as (typeof columns)[number]);
      return index === -1 ? '' : (fields[index] ?? '').trim();
    };
    const amount = value('amount').replace(/[,\s]/g, '');
    const currency = value('currency').toUpperCase();
    return {
      scope: value('scope').toLowerCase() as BudgetInput['scope'],
      name: value('name'),
      amount: /^\d+(\.\d+)?$/.test(amount) ? Number(amount) : NaN,
      currency: currency === '' ? null : currency,
      startDate: value('startDate'),
      endDate: value('endDate'),
    };
  });
}
