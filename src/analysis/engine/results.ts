import type * as Bindings from '@duckdb/node-bindings';

export type DuckBindings = typeof Bindings;

/** A value as analysis code receives it from DuckDB. */
export type DuckValue = string | number | boolean | null | DuckValue[];
export type DuckRow = Record<string, DuckValue>;

/**
 * How results map to JavaScript: every number type (integers of any width,
 * decimals, floats) to a number, since counts and sums of campaign data stay
 * far below 2^53; DATE to `YYYY-MM-DD`; timestamps to ISO 8601 (UTC, ms);
 * VARCHAR and ENUM to strings; LIST to arrays. Any other type is refused
 * rather than guessed: the query should cast it.
 */
interface Column {
  /** Bytes per entry in the vector's data. */
  readonly width: number;
  readonly read: (view: DataView, offset: number) => DuckValue;
  /** For LIST: how to read the child vector. */
  readonly child?: Column;
}

const decoder = new TextDecoder();
const TWO_TO_64 = 2n ** 64n;
const TWO_TO_32 = 2 ** 32;
const DAY_MS = 86_400_000;

function isoDate(ms: number): string {
  const date = new Date(ms);
  // DuckDB's ±infinity dates and timestamps fall outside what Date holds.
  if (Number.isNaN(date.getTime())) return ms > 0 ? 'infinity' : '-infinity';
  return date.toISOString();
}

/**
 * A signed 64-bit integer as the nearest double, from its two 32-bit halves:
 * the high half times 2^32 is exact, so the one addition rounds the exact
 * value once, as `Number(bigint)` does, without allocating a BigInt.
 */
function int64At(view: DataView, offset: number): number {
  return view.getInt32(offset + 4, true) * TWO_TO_32 + view.getUint32(offset, true);
}

/** A HUGEINT as the nearest double: by its low 64 bits when the high 64 only extend their sign (every sum of campaign data). */
function hugeintAt(view: DataView, offset: number): number {
  const high = view.getInt32(offset + 12, true);
  const upper = view.getInt32(offset + 8, true);
  const sign = view.getInt32(offset + 4, true) < 0 ? -1 : 0;
  if (high === sign && upper === sign) return int64At(view, offset);
  return Number(view.getBigInt64(offset + 8, true) * TWO_TO_64 + view.getBigUint64(offset, true));
}

function columnOf(duckdb: DuckBindings, type: Bindings.LogicalType): Column {
  const T = duckdb.Type;
  const id = duckdb.get_type_id(type);
  switch (id) {
    case T.BOOLEAN:
      return { width: 1, read: (view, offset) => view.getUint8(offset) !== 0 };
    case T.TINYINT:
      return { width: 1, read: (view, offset) => view.getInt8(offset) };
    case T.UTINYINT:
      return { width: 1, read: (view, offset) => view.getUint8(offset) };
    case T.SMALLINT:
      return { width: 2, read: (view, offset) => view.getInt16(offset, true) };
    case T.USMALLINT:
      return { width: 2, read: (view, offset) => view.getUint16(offset, true) };
    case T.INTEGER:
      return { width: 4, read: (view, offset) => view.getInt32(offset, true) };
    case T.UINTEGER:
      return { width: 4, read: (view, offset) => view.getUint32(offset, true) };
    case T.BIGINT:
      return { width: 8, read: (view, offset) => int64At(view, offset) };
    case T.UBIGINT:
      return {
        width: 8,
        read: (view, offset) => view.getUint32(offset + 4, true) * TWO_TO_32 + view.getUint32(offset, true),
      };
    case T.HUGEINT:
      return { width: 16, read: hugeintAt };
    case T.UHUGEINT:
      return {
        width: 16,
        read: (view, offset) =>
          Number(view.getBigUint64(offset + 8, true) * TWO_TO_64 + view.getBigUint64(offset, true)),
      };
    case T.FLOAT:
      return { width: 4, read: (view, offset) => view.getFloat32(offset, true) };
    case T.DOUBLE:
      return { width: 8, read: (view, offset) => view.getFloat64(offset, true) };
    case T.DECIMAL: {
      const scale = 10 ** duckdb.decimal_scale(type);
      const internal = columnOf(duckdb, internalType(duckdb, duckdb.decimal_internal_type(type)));
      return { width: internal.width, read: (view, offset) => (internal.read(view, offset) as number) / scale };
    }
    case T.DATE:
      return { width: 4, read: (view, offset) => isoDate(view.getInt32(offset, true) * DAY_MS).slice(0, 10) };
    case T.TIMESTAMP:
    case T.TIMESTAMP_TZ:
      return { width: 8, read: (view, offset) => isoDate(Number(view.getBigInt64(offset, true) / 1000n)) };
    case T.TIMESTAMP_MS:
      return { width: 8, read: (view, offset) => isoDate(Number(view.getBigInt64(offset, true))) };
    case T.TIMESTAMP_S:
      return { width: 8, read: (view, offset) => isoDate(Number(view.getBigInt64(offset, true)) * 1000) };
    case T.TIMESTAMP_NS:
      return { width: 8, read: (view, offset) => isoDate(Number(view.getBigInt64(offset, true) / 1_000_000n)) };
    case T.VARCHAR:
      return { width: 16, read: (view, offset) => decoder.decode(stringBytes(duckdb, view, offset)) };
    case T.ENUM: {
      const index = columnOf(duckdb, internalType(duckdb, duckdb.enum_internal_type(type)));
      return {
        width: index.width,
        read: (view, offset) => duckdb.enum_dictionary_value(type, index.read(view, offset) as number),
      };
    }
    case T.LIST: {
      // Entries are (offset, length) pairs into the child vector, read by readVector.
      return { width: 16, read: () => null, child: columnOf(duckdb, duckdb.list_type_child_type(type)) };
    }
    default:
      throw new Error(
        `DuckDB returned a column of type ${Object.entries(T).find(([, value]) => value === id)?.[0] ?? id}, which is not read here: cast it in the query.`,
      );
  }
}

/** The logical type of a physical type id (the storage of a DECIMAL or an ENUM). */
function internalType(duckdb: DuckBindings, id: Bindings.Type): Bindings.LogicalType {
  return duckdb.create_logical_type(id);
}

/** A string_t: 4 bytes of length, then up to 12 bytes inline or a 4-byte prefix and a pointer. */
function stringBytes(duckdb: DuckBindings, view: DataView, offset: number): Uint8Array {
  const length = view.getUint32(offset, true);
  if (length <= 12) return new Uint8Array(view.buffer, view.byteOffset + offset + 4, length);
  return duckdb.get_data_from_pointer(view.buffer as ArrayBuffer, view.byteOffset + offset + 8, length);
}

function readVector(duckdb: DuckBindings, column: Column, vector: Bindings.Vector, count: number): DuckValue[] {
  const data = duckdb.vector_get_data(vector, count * column.width);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const validity = duckdb.vector_get_validity(vector, Math.ceil(count / 64) * 8);
  const children = column.child
    ? readVector(duckdb, column.child, duckdb.list_vector_get_child(vector), duckdb.list_vector_get_size(vector))
    : undefined;
  const values: DuckValue[] = new Array<DuckValue>(count);
  for (let row = 0; row < count; row++) {
    if (validity && (validity[row >> 3]! & (1 << (row & 7))) === 0) {
      values[row] = null;
    } else if (children) {
      const start = Number(view.getBigUint64(row * 16, true));
      values[row] = children.slice(start, start + Number(view.getBigUint64(row * 16 + 8, true)));
    } else {
      values[row] = column.read(view, row * column.width);
    }
  }
  return values;
}

/** Every row of a materialised result, as objects keyed by column name. */
export function rowsOfResult(duckdb: DuckBindings, result: Bindings.Result): DuckRow[] {
  const count = duckdb.column_count(result);
  const names: string[] = [];
  const columns: Column[] = [];
  for (let index = 0; index < count; index++) {
    names.push(duckdb.column_name(result, index));
    columns.push(columnOf(duckdb, duckdb.column_logical_type(result, index)));
  }
  const rows: DuckRow[] = [];
  const chunks = duckdb.result_chunk_count(result);
  for (let chunkIndex = 0; chunkIndex < chunks; chunkIndex++) {
    const chunk = duckdb.result_get_chunk(result, chunkIndex);
    const size = duckdb.data_chunk_get_size(chunk);
    const values = columns.map((column, index) =>
      readVector(duckdb, column, duckdb.data_chunk_get_vector(chunk, index), size),
    );
    for (let row = 0; row < size; row++) {
      const record: DuckRow = {};
      for (let index = 0; index < count; index++) record[names[index]!] = values[index]![row]!;
      rows.push(record);
    }
  }
  return rows;
}

/**
 * A non-numeric column as a worker receives it: each row's code into the
 * column's distinct values. Grouped rows repeat few keys (a year of days is
 * 365 dates over 75,000 rows), so the main thread decodes each distinct
 * string once and the column crosses to the worker as one Int32Array.
 */
export interface CodedColumn {
  readonly codes: Int32Array;
  readonly values: readonly DuckValue[];
}

/** A column as a worker receives it: numbers in a Float64Array (NaN where null), other values coded. */
export type DuckColumn = Float64Array | CodedColumn;

function isNumeric(duckdb: DuckBindings, type: Bindings.LogicalType): boolean {
  const T = duckdb.Type;
  return [
    T.TINYINT,
    T.UTINYINT,
    T.SMALLINT,
    T.USMALLINT,
    T.INTEGER,
    T.UINTEGER,
    T.BIGINT,
    T.UBIGINT,
    T.HUGEINT,
    T.UHUGEINT,
    T.FLOAT,
    T.DOUBLE,
    T.DECIMAL,
  ].includes(duckdb.get_type_id(type));
}

/** Rows of a vector that are null: the validity mask, or undefined when every row is valid. */
function validityOf(duckdb: DuckBindings, vector: Bindings.Vector, count: number): Uint8Array | undefined {
  return duckdb.vector_get_validity(vector, Math.ceil(count / 64) * 8) ?? undefined;
}

const isNull = (validity: Uint8Array | undefined, row: number) =>
  validity !== undefined && (validity[row >> 3]! & (1 << (row & 7))) === 0;

/** A numeric vector straight into `out` from row `at`: DOUBLE as one copy, other types value by value; null as NaN. */
function readNumbers(
  duckdb: DuckBindings,
  column: Column,
  type: Bindings.LogicalType,
  vector: Bindings.Vector,
  count: number,
  out: Float64Array,
  at: number,
): void {
  const data = duckdb.vector_get_data(vector, count * column.width);
  const validity = validityOf(duckdb, vector, count);
  if (duckdb.get_type_id(type) === duckdb.Type.DOUBLE && data.byteOffset % 8 === 0) {
    out.set(new Float64Array(data.buffer, data.byteOffset, count), at);
  } else {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let row = 0; row < count; row++) out[at + row] = column.read(view, row * column.width) as number;
  }
  if (validity) for (let row = 0; row < count; row++) if (isNull(validity, row)) out[at + row] = NaN;
}

/** Golden-ratio multiplier for hashing the four words of an inline string. */
const MIX = 0x9e3779b1;

/**
 * The distinct values of one column and their codes. A string of at most 12
 * bytes is held inline in its 16-byte `string_t`, so those bytes find its
 * code without decoding it (checked word by word; a miss decodes).
 */
class Dictionary {
  readonly values: DuckValue[] = [];
  private readonly codes = new Map<DuckValue, number>();
  private readonly inline = new Map<number, number>();
  /** Null's code once it has one: most rows of a grouping set are null in the columns it does not group. */
  private nullCode = -1;
  /** Per inline entry: its four words, then its code. */
  private readonly entries: number[] = [];

  codeOf(value: DuckValue): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }

  codeOfNull(): number {
    if (this.nullCode < 0) this.nullCode = this.codeOf(null);
    return this.nullCode;
  }

  /** The code of the inline string at `offset` of a VARCHAR vector (`words` and `view` over its data). */
  inlineCode(words: Uint32Array, view: DataView, offset: number, column: Column): number {
    const at = offset >> 2;
    const w0 = words[at]!;
    const w1 = words[at + 1]!;
    const w2 = words[at + 2]!;
    const w3 = words[at + 3]!;
    const hash = Math.imul(Math.imul(Math.imul(w0 ^ MIX, MIX) ^ w1, MIX) ^ w2, MIX) ^ w3;
    const entry = this.inline.get(hash);
    const e = this.entries;
    if (entry !== undefined && e[entry] === w0 && e[entry + 1] === w1 && e[entry + 2] === w2 && e[entry + 3] === w3)
      return e[entry + 4]!;
    const code = this.codeOf(column.read(view, offset));
    if (entry === undefined) {
      this.inline.set(hash, e.length);
      e.push(w0, w1, w2, w3, code);
    }
    return code;
  }
}

/** A non-numeric vector as codes into the column's dictionary, written to `codes` from row `at` (VARCHAR without decoding repeated inline strings). */
function readCodes(
  duckdb: DuckBindings,
  column: Column,
  type: Bindings.LogicalType,
  vector: Bindings.Vector,
  count: number,
  dictionary: Dictionary,
  codes: Int32Array,
  at: number,
): void {
  if (duckdb.get_type_id(type) !== duckdb.Type.VARCHAR) {
    const values = readVector(duckdb, column, vector, count);
    for (let row = 0; row < count; row++) codes[at + row] = dictionary.codeOf(values[row]!);
    return;
  }
  const data = duckdb.vector_get_data(vector, count * 16);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const validity = validityOf(duckdb, vector, count);
  const words =
    data.byteOffset % 4 === 0
      ? new Uint32Array(data.buffer, data.byteOffset, count * 4)
      : new Uint32Array(data.slice().buffer);
  for (let row = 0; row < count; row++) {
    const offset = row * 16;
    if (isNull(validity, row)) codes[at + row] = dictionary.codeOfNull();
    else if (view.getUint32(offset, true) <= 12) codes[at + row] = dictionary.inlineCode(words, view, offset, column);
    else codes[at + row] = dictionary.codeOf(column.read(view, offset));
  }
}

/**
 * Every column of a materialised result, one chunk at a time with a turn of
 * the event loop between chunks (a year of campaign days is some 40 chunks).
 * Numeric columns become Float64Arrays and the others codes into their
 * distinct values, so a column crosses to a worker as one copy; null reads
 * as NaN in a numeric column, so they suit sums, which are finite.
 */
export async function columnsOfResult(
  duckdb: DuckBindings,
  result: Bindings.Result,
): Promise<Record<string, DuckColumn>> {
  const count = duckdb.column_count(result);
  const names: string[] = [];
  const types: Bindings.LogicalType[] = [];
  const columns: Column[] = [];
  const numeric: boolean[] = [];
  for (let index = 0; index < count; index++) {
    const type = duckdb.column_logical_type(result, index);
    names.push(duckdb.column_name(result, index));
    types.push(type);
    columns.push(columnOf(duckdb, type));
    numeric.push(isNumeric(duckdb, type));
  }
  // Every column is allocated once at its full length and each chunk read into its place.
  const rows = duckdb.row_count(result);
  const dictionaries = names.map(() => new Dictionary());
  const outs = numeric.map((isNumber) => (isNumber ? new Float64Array(rows) : new Int32Array(rows)));
  let at = 0;
  // DuckDB copies each chunk out off the event loop (on it, that copy was about a third of this reader's
  // main-thread time), and awaiting the fetch gives the loop a turn between chunks.
  for (let chunk = await duckdb.fetch_chunk(result); chunk !== null; chunk = await duckdb.fetch_chunk(result)) {
    const size = duckdb.data_chunk_get_size(chunk);
    if (size === 0) break;
    for (let index = 0; index < count; index++) {
      const vector = duckdb.data_chunk_get_vector(chunk, index);
      const out = outs[index]!;
      if (out instanceof Float64Array) readNumbers(duckdb, columns[index]!, types[index]!, vector, size, out, at);
      else readCodes(duckdb, columns[index]!, types[index]!, vector, size, dictionaries[index]!, out, at);
    }
    at += size;
  }
  const out: Record<string, DuckColumn> = {};
  names.forEach((name, index) => {
    const column = outs[index]!;
    out[name] = column instanceof Float64Array ? column : { codes: column, values: dictionaries[index]!.values };
  });
  return out;
}

/** A column's rows as one list: numbers as they are, coded values expanded (in the worker, where it costs the server nothing). */
export function columnValues(column: DuckColumn | undefined): ArrayLike<DuckValue> {
  if (column === undefined) return [];
  if (column instanceof Float64Array) return column;
  const { codes, values } = column;
  const out = new Array<DuckValue>(codes.length);
  for (let row = 0; row < codes.length; row++) out[row] = values[codes[row]!]!;
  return out;
}

/** How many rows a column holds. */
export function columnLength(column: DuckColumn | undefined): number {
  return column === undefined ? 0 : column instanceof Float64Array ? column.length : column.codes.length;
}
