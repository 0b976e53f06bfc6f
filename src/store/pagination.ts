import { sql, type RawBuilder } from 'kysely';
import { AppError } from '../errors.js';

/** An opaque cursor: the sort key of the last row a page returned. */
export interface PageCursor {
  readonly at: string;
  readonly id: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string | undefined): PageCursor | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((part) => typeof part === 'string')) {
      return { at: parsed[0] as string, id: parsed[1] as string };
    }
  } catch {
    // fall through to the validation error
  }
  throw new AppError('validation', 'The cursor is not one this API returned.', {}, [
    { field: '/querystring/cursor', message: 'is not a valid cursor' },
  ]);
}

/** Rows after the cursor in (created_at, id) order; a row-value comparison both SQLite and PostgreSQL run. */
export function pastCursor(cursor: PageCursor, direction: 'asc' | 'desc'): RawBuilder<boolean> {
  return direction === 'asc'
    ? sql<boolean>`(created_at, id) > (${cursor.at}, ${cursor.id})`
    : sql<boolean>`(created_at, id) < (${cursor.at}, ${cursor.id})`;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** Given limit+1 rows, returns a page and the cursor of its last row when more remain. */
export function toPage<Row extends { id: string }, T>(
  rows: Row[],
  limit: number,
  sortKey: (row: Row) => string,
  present: (row: Row) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(present),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: sortKey(last), id: last.id }) : null,
  };
}
