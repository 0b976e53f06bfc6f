/** Numbers, money and dates in the reader's locale; money in the data's own currency. */
const locale = typeof navigator === 'undefined' ? 'en' : navigator.language;

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(key, format);
  }
  return format;
}

export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return numberFormat(`n${digits}`, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

/** `null`: the data states no currency, so the amount is shown without a symbol. */
export function formatMoney(value: number | null | undefined, currency: string | null, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (currency === null || !/^[A-Z]{3}$/.test(currency)) return formatNumber(value, digits);
  return numberFormat(`m${currency}${digits}`, {
    style: 'currency',
    currency,
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(value);
}

/** Rates arrive as percentages (6.43 = 6.43 %). */
export function formatPercent(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return numberFormat(`p${digits}`, {
    style: 'percent',
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(value / 100);
}

/** How a figure reads in the app's tables and tiles: money in its currency, a percentage, a ratio ("1.39×") or a count. */
export type FigureKind = 'money' | 'count' | 'percent' | 'ratio';

export function formatFigure(value: number | null | undefined, kind: FigureKind, currency: string | null): string {
  if (kind === 'money') return formatMoney(value, currency);
  if (kind === 'percent') return formatPercent(value);
  if (kind === 'ratio') return value === null || value === undefined ? '–' : `${formatNumber(value, 2)}×`;
  return formatNumber(value);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    ...(iso.length === 10 ? { timeZone: 'UTC' } : {}),
  }).format(date);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A cell of a row typed loosely by the API: text and numbers as they are, anything else blank. */
export function cellText(value: unknown, blank = ''): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : blank;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${formatNumber(value, unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** How a currency is named in text; data without one is common (a sheet with a Spend column only). */
export function currencyLabel(currency: string | null): string {
  return currency ?? 'no stated currency';
}
