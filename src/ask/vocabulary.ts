import {
  type DuckConnection,
  readProfile,
  profileSql,
  ident,
  type Dimension,
  type Measure,
} from '../analysis/index.js';
import { VALUE_DIMENSIONS, type ValueDimension } from './lexicon.js';

/** What the data in scope holds, as far as reading a question needs: its names, fields and days. */
export interface Vocabulary {
  readonly values: Partial<Record<ValueDimension, readonly string[]>>;
  readonly dimensions: readonly Dimension[];
  readonly measures: readonly Measure[];
  readonly dateRange: { readonly from: string | null; readonly to: string | null };
}

/** Names beyond this many per dimension are not offered for matching (a question names a campaign, not one of 50,000 ads). */
const MAX_VALUES = 2000;

/** The vocabulary of a relation: one scan for the profile, one for the distinct names. */
export async function readVocabulary(connection: DuckConnection, source: string): Promise<Vocabulary> {
  const [profileRow] = await connection.rows(profileSql(source, ''));
  const shape = readProfile(profileRow);
  const lists = VALUE_DIMENSIONS.map(
    (dimension) =>
      `(SELECT list(v) FROM (SELECT DISTINCT ${ident(dimension)} AS v FROM ${source} WHERE ${ident(dimension)} IS NOT NULL ORDER BY v LIMIT ${MAX_VALUES})) AS ${ident(dimension)}`,
  );
  const [row] = await connection.rows(`SELECT ${lists.join(', ')}`);
  const values: Partial<Record<ValueDimension, readonly string[]>> = {};
  for (const dimension of VALUE_DIMENSIONS) {
    const list = row?.[dimension];
    if (Array.isArray(list) && list.length > 0) values[dimension] = list.map(String);
  }
  return { values, dimensions: shape.dimensions, measures: shape.measures, dateRange: shape.dateRange };
}
