import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckEngine } from '../../src/analysis/engine/duckdb.js';
import { columnLength, columnValues } from '../../src/analysis/engine/results.js';
import { harnessForSuite } from './helpers.js';

// The engine reads DuckDB's result vectors itself: every type analysis code meets, at its edges.
describe('DuckDB engine results', () => {
  const suite = harnessForSuite({ threads: 2 });

  it('reads numbers of every width as numbers, negatives and extremes included', async () => {
    const [row] = await suite.duck
      .query(`SELECT true AS t, false AS f, (-128)::TINYINT AS i8, 255::UTINYINT AS u8, (-32768)::SMALLINT AS i16,
      65535::USMALLINT AS u16, (-2147483648)::INTEGER AS i32, 4294967295::UINTEGER AS u32, (-9007199254740991)::BIGINT AS i64,
      18446744073709551615::UBIGINT AS u64, (-5)::HUGEINT AS h, (2::HUGEINT ** 70)::HUGEINT AS big, 7::UHUGEINT AS uh,
      1.5::FLOAT AS f32, -0.1::DOUBLE AS f64, 'inf'::DOUBLE AS inf, 'nan'::DOUBLE AS nan`);
    expect(row).toEqual({
      t: true,
      f: false,
      i8: -128,
      u8: 255,
      i16: -32768,
      u16: 65535,
      i32: -2147483648,
      u32: 4294967295,
      i64: -9007199254740991,
      u64: 2 ** 64, // 2^64 - 1, as near as a double gets
      h: -5,
      big: 2 ** 70,
      uh: 7,
      f32: 1.5,
      f64: -0.1,
      inf: Number.POSITIVE_INFINITY,
      nan: Number.NaN,
    });
  });

  it('reads 64- and 128-bit integers as the double nearest their exact value, as rows and as columns', async () => {
    // Each value's exact digits come back as text; JavaScript's BigInt rounds them as the reference.
    const values: [string, string][] = [
      ['0', 'BIGINT'],
      ['-1', 'BIGINT'],
      ['9007199254740993', 'BIGINT'], // 2^53 + 1: a tie, rounds to even
      ['-9007199254740995', 'BIGINT'],
      ['9223372036854775807', 'BIGINT'],
      ['-9223372036854775808', 'BIGINT'],
      ['18446744073709551615', 'UBIGINT'],
      ['9223372036854775808', 'UBIGINT'],
      ['-1', 'HUGEINT'],
      ['4294967296', 'HUGEINT'],
      ['-4294967297', 'HUGEINT'],
      ['9223372036854775807', 'HUGEINT'],
      ['9223372036854775808', 'HUGEINT'], // 2^63: past 64 signed bits
      ['-9223372036854775809', 'HUGEINT'],
      ['18446744073709551616', 'HUGEINT'],
      ['1180591620717411303425', 'HUGEINT'], // 2^70 + 1
      ['-170141183460469231731687303715884105728', 'HUGEINT'],
      ['170141183460469231731687303715884105727', 'HUGEINT'],
    ];
    // One statement per value: a VALUES list would cast them all to one type.
    const read = await suite.duck.withConnection(async (connection) => {
      const out: unknown[][] = [];
      for (const [text, type] of values) {
        const sql = `SELECT '${text}'::${type} AS v FROM range(3)`;
        const [row] = await connection.rows(sql);
        out.push([row?.v, ...Array.from(columnValues((await connection.columns(sql)).v))]);
      }
      return out;
    });
    expect(read).toEqual(values.map(([text]) => Array.from({ length: 4 }, () => Number(BigInt(text)))));
  });

  it('reads a result without rows as empty columns', async () => {
    const columns = await suite.duck.withConnection((connection) =>
      connection.columns("SELECT 1::HUGEINT AS n, 'x' AS s FROM range(3) WHERE false"),
    );
    expect(columns).toEqual({ n: new Float64Array(0), s: { codes: new Int32Array(0), values: [] } });
  });

  it('reads decimals of every storage width with their scale', async () => {
    const [row] = await suite.duck
      .query(`SELECT 12.5::DECIMAL(4,1) AS d16, -1234.5678::DECIMAL(9,4) AS d32, 123456789.01::DECIMAL(18,2) AS d64,
      (-1.25)::DECIMAL(38,2) AS d128, sum(x) AS summed FROM (VALUES (0.10), (0.20)) v(x)`);
    expect(row).toEqual({ d16: 12.5, d32: -1234.5678, d64: 123456789.01, d128: -1.25, summed: 0.3 });
  });

  it('reads strings inline and out of line, multi-byte and empty, and NULL of any type', async () => {
    const long = 'Campagne d’été — ünïcödé 🚀 '.repeat(20);
    const [row] = await suite.duck.query(
      `SELECT '' AS empty, 'twelve chars' AS inline, 'thirteen char' AS outline, ? AS long,
      NULL::VARCHAR AS s, NULL::DOUBLE AS d, NULL::DATE AS day, NULL::INTEGER[] AS list`,
      [long],
    );
    expect(row).toEqual({
      empty: '',
      inline: 'twelve chars',
      outline: 'thirteen char',
      long,
      s: null,
      d: null,
      day: null,
      list: null,
    });
  });

  it('reads dates as YYYY-MM-DD and timestamps as ISO 8601 in UTC', async () => {
    const [row] = await suite.duck
      .query(`SELECT DATE '2025-02-28' AS day, DATE '1969-12-31' AS before_epoch, 'infinity'::DATE AS forever,
      TIMESTAMP '2025-11-01 13:45:30.123456' AS ts, TIMESTAMPTZ '2025-11-01 13:45:30+02' AS tz,
      '2025-11-01 00:00:01'::TIMESTAMP_S AS s, '2025-11-01 00:00:00.5'::TIMESTAMP_MS AS ms, '2025-11-01 00:00:00.000000001'::TIMESTAMP_NS AS ns`);
    expect(row).toEqual({
      day: '2025-02-28',
      before_epoch: '1969-12-31',
      forever: 'infinity',
      ts: '2025-11-01T13:45:30.123Z',
      tz: '2025-11-01T11:45:30.000Z',
      s: '2025-11-01T00:00:01.000Z',
      ms: '2025-11-01T00:00:00.500Z',
      ns: '2025-11-01T00:00:00.000Z',
    });
  });

  it('reads lists (with NULL entries, empty, nested) and enums', async () => {
    const [row] = await suite.duck
      .query(`SELECT ['a', NULL, 'a string longer than twelve'] AS strings, []::INTEGER[] AS none,
      [[1, 2], [], NULL] AS nested, 'Meta'::ENUM('Meta', 'TikTok') AS platform, list(DISTINCT x ORDER BY x) AS agg
      FROM (VALUES ('b'), ('a'), ('b')) v(x)`);
    expect(row).toEqual({
      strings: ['a', null, 'a string longer than twelve'],
      none: [],
      nested: [[1, 2], [], null],
      platform: 'Meta',
      agg: ['a', 'b'],
    });
  });

  it('returns every row of results larger than one chunk, in order', async () => {
    const rows = await suite.duck.query(
      'SELECT i, i::VARCHAR AS s, CASE WHEN i % 3 = 0 THEN NULL ELSE i * 0.5 END AS half FROM range(5000) t(i) ORDER BY i',
    );
    expect(rows).toHaveLength(5000);
    expect(rows[4999]).toEqual({ i: 4999, s: '4999', half: 2499.5 });
    expect(rows[2050]).toEqual({ i: 2050, s: '2050', half: 1025 });
    expect(rows[2049]).toEqual({ i: 2049, s: '2049', half: null });
    expect(rows.filter((row) => row.half === null)).toHaveLength(1667);
  });

  it('reads a result as columns equal to its rows: numbers in Float64Arrays (NaN for NULL), other values coded by their distinct values', async () => {
    // Inline (≤ 12 bytes) and out-of-line strings repeating across chunks, multi-byte text, the empty string, NULLs and dates.
    const sql = `SELECT i, i % 7 AS small, CASE WHEN i % 5 = 0 THEN NULL ELSE i * 0.25 END AS quarter,
        CASE WHEN i % 11 = 0 THEN NULL ELSE ['Meta', 'Google Ads', 'Campaign 122', 'été ü', '', 'Campaign 1234 longer'][i % 6 + 1] END AS name,
        'Campaign ' || (i % 300)::VARCHAR AS campaign, DATE '2025-01-01' + (i % 365)::INTEGER AS day, [i % 2] AS list
      FROM range(5000) t(i) ORDER BY i`;
    const [rows, columns] = await suite.duck.withConnection(
      async (connection) => [await connection.rows(sql), await connection.columns(sql)] as const,
    );
    expect(columnLength(columns.i)).toBe(5000);
    expect(columns.quarter).toBeInstanceOf(Float64Array);
    expect(columns.small).toBeInstanceOf(Float64Array);
    const name = columns.name;
    if (name === undefined || name instanceof Float64Array) throw new Error('a text column is coded');
    expect([...name.values].sort()).toEqual(
      ['', 'Campaign 122', 'Campaign 1234 longer', 'Google Ads', 'Meta', 'été ü', null].sort(),
    );
    const campaign = columns.campaign;
    if (campaign === undefined || campaign instanceof Float64Array) throw new Error('a text column is coded');
    expect(campaign.values).toHaveLength(300);
    const lists = Object.fromEntries(
      Object.entries(columns).map(([key, column]) => [key, Array.from(columnValues(column))]),
    );
    const read = rows.map((_, index) =>
      Object.fromEntries(Object.keys(rows[0]!).map((key) => [key, lists[key]![index]])),
    );
    expect(read).toEqual(rows.map((row) => ({ ...row, quarter: row.quarter ?? Number.NaN })));
  });

  it('binds parameters by their JavaScript type and never splices them into SQL', async () => {
    const [row] = await suite.duck.query(
      'SELECT typeof(?) AS small, typeof(?) AS large, typeof(?) AS fraction, typeof(?) AS text, typeof(?) AS flag, ? IS NULL AS missing, ? AS echoed, ? + 1 AS next',
      [7, 2 ** 40, 0.25, 'x', true, null, "'; DROP TABLE t; --", 2 ** 40],
    );
    expect(row).toEqual({
      small: 'INTEGER',
      large: 'BIGINT',
      fraction: 'DOUBLE',
      text: 'VARCHAR',
      flag: 'BOOLEAN',
      missing: true,
      echoed: "'; DROP TABLE t; --",
      next: 2 ** 40 + 1,
    });
  });

  it('runs several statements without parameters on one connection, and reports DuckDB errors as they are', async () => {
    const rows = await suite.duck.withConnection(async (connection) => {
      await connection.run('CREATE TEMP TABLE t AS SELECT 1 AS a; INSERT INTO t VALUES (2)');
      return connection.rows('SELECT sum(a) AS total FROM t');
    });
    expect(rows).toEqual([{ total: 3 }]);
    await expect(suite.duck.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
    await expect(suite.duck.query("SELECT CAST('x' AS INTEGER) AS n")).rejects.toThrow(/Conversion Error/);
  });

  it('refuses a result type it does not map rather than guessing', async () => {
    await expect(suite.duck.query("SELECT {'a': 1} AS s")).rejects.toThrow(/STRUCT.*cast it in the query/);
    await expect(suite.duck.query("SELECT INTERVAL '1 day' AS i")).rejects.toThrow(/INTERVAL/);
  });

  it('is unusable once closed', async () => {
    const other = await openDuckEngine({ threads: 1, memoryLimit: '64MB' }, path.join(suite.dir, 'other'), {
      allowedDirectories: [suite.dir],
    });
    await other.ping();
    other.close();
    await expect(other.ping()).rejects.toThrow(/closed/);
  });
});
