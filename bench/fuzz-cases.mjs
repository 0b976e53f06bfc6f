// Deterministic malformed uploads for the fuzz test and bench: a valid export
// (CSV or XLSX) generated from a seed, then one mutation. Same seed and index,
// same bytes, so a failing case can be replayed. Bombs are built from
// independently deflated pieces (bench/workbooks.mjs, which test/security/ shares), so a gigabyte of XML costs megabytes here.
import {
  BOMB_BLOCK,
  bombWorkbook,
  deflatedEntry as entry,
  escapeXml,
  NS,
  REL,
  repeatedEntry,
  sparseWorkbook,
  zip,
} from './workbooks.mjs';

/** mulberry32: small, fast, good enough to pick mutations. */
export function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  return { next, int, pick: (items) => items[int(0, items.length - 1)] };
}

// Past 64 MiB an entry's checksum is not worked out (it costs seconds a case): the size limits must refuse such an entry before any CRC is compared.
const CHECKSUM_LIMIT = 64 * 1024 ** 2;
const repeated = (name, head, middle, times, tail) => repeatedEntry(name, head, middle, times, tail, CHECKSUM_LIMIT);

const column = (index) =>
  (index < 26 ? '' : column(Math.floor(index / 26) - 1)) + String.fromCharCode(65 + (index % 26));

/** The parts around sheet1; `skip` leaves one out. */
function parts({ sharedStrings = '', skip } = {}) {
  const all = [
    entry(
      '[Content_Types].xml',
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    ),
    entry(
      '_rels/.rels',
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    entry(
      'xl/workbook.xml',
      `<?xml version="1.0"?><workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    entry(
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ),
    typeof sharedStrings === 'string'
      ? entry('xl/sharedStrings.xml', `<?xml version="1.0"?><sst xmlns="${NS}">${sharedStrings}</sst>`)
      : sharedStrings,
  ];
  return all.filter((part) => part.name !== skip);
}
const SHEET_HEAD = `<?xml version="1.0"?><worksheet xmlns="${NS}"><sheetData>`;
const SHEET_TAIL = '</sheetData></worksheet>';
const cellXml = (ref, value) =>
  typeof value === 'number'
    ? `<c r="${ref}"><v>${value}</v></c>`
    : `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(value)}</t></is></c>`;
const rowXml = (index, values) =>
  `<row r="${index}">${values.map((value, i) => cellXml(`${column(i)}${index}`, value)).join('')}</row>`;

const HEADER = ['Day', 'Campaign name', 'Amount spent (USD)', 'Impressions', 'Link clicks'];

/** A valid export table: header and 1-30 rows of plausible values. */
function table(r) {
  const rows = [];
  for (let i = 0, n = r.int(1, 30); i < n; i++) {
    rows.push([
      `2025-11-${String(r.int(1, 28)).padStart(2, '0')}`,
      r.pick(['Prospecting', 'Retargeting', 'Brand', 'Launch']),
      r.int(0, 50_000) / 100,
      r.int(0, 100_000),
      r.int(0, 2_000),
    ]);
  }
  return rows;
}
const csvOf = (rows, header = HEADER) =>
  `${[header, ...rows].map((row) => row.map((value) => (/[",\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : value)).join(',')).join('\n')}\n`;
const xlsxOf = (rows, header = HEADER) =>
  zip([
    ...parts(),
    entry(
      'xl/worksheets/sheet1.xml',
      SHEET_HEAD + [header, ...rows].map((row, i) => rowXml(i + 1, row)).join('') + SHEET_TAIL,
    ),
  ]);

const HOSTILE = [
  '=cmd|" /C calc"!A0',
  '<script>alert(1)</script>',
  '\u0000\u0001\u0002',
  '\u202eevil',
  '../../etc/passwd',
  "'; drop table datasets; --",
  '${7*7}',
  '\ud800',
  'x'.repeat(5000),
  '💣'.repeat(300),
  '%s%n%x',
  '\r\n\r\n',
];

function truncate(r, bytes) {
  return bytes.subarray(0, r.int(0, Math.max(0, bytes.length - 1)));
}
function flip(r, bytes) {
  const copy = Buffer.from(bytes);
  for (let i = 0, n = r.int(1, 16); i < n && copy.length > 0; i++) copy[r.int(0, copy.length - 1)] = r.int(0, 255);
  return copy;
}
function randomBytes(r, size) {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = r.int(0, 255);
  return bytes;
}

/** Hostile workbooks and files of known shape, by name (used by the memory bench too). */
export const HOSTILE_FILES = {
  /** The issue's 1.7 KB workbook: 20-column header, one value at A1048576. */
  'sparse A1048576': () => ({ name: 'sparse.xlsx', bytes: sparseWorkbook() }),
  'bomb 190 MiB of sheet XML': () => ({ name: 'bomb.xlsx', bytes: bombWorkbook(190, false, CHECKSUM_LIMIT) }),
  'bomb 1.9 GiB of sheet XML': () => ({ name: 'bomb.xlsx', bytes: bombWorkbook(1946, false, CHECKSUM_LIMIT) }),
  'bomb lying about its size': () => ({ name: 'bomb.xlsx', bytes: bombWorkbook(190, true, CHECKSUM_LIMIT) }),
  'deep XML (1M nested elements)': () => ({
    name: 'deep.xlsx',
    bytes: zip([
      ...parts(),
      repeated(
        'xl/worksheets/sheet1.xml',
        SHEET_HEAD + rowXml(1, HEADER) + '<row r="2"><c r="A2"><v>',
        '<a>'.repeat(1024),
        1024,
        `</v></c></row>${SHEET_TAIL}`,
      ),
    ]),
  }),
  'shared strings 80 MiB': () => ({
    name: 'sst.xlsx',
    bytes: zip([
      ...parts({
        sharedStrings: repeated(
          'xl/sharedStrings.xml',
          `<?xml version="1.0"?><sst xmlns="${NS}">`,
          `<si><t>${'s'.repeat(1000)}</t></si>`.repeat(1000),
          80,
          '</sst>',
        ),
      }),
      entry('xl/worksheets/sheet1.xml', SHEET_HEAD + rowXml(1, HEADER) + SHEET_TAIL),
    ]),
  }),
  'value in column 2000': () => ({
    name: 'wide.xlsx',
    bytes: zip([
      ...parts(),
      entry(
        'xl/worksheets/sheet1.xml',
        `${SHEET_HEAD + rowXml(1, HEADER)}<row r="2"><c r="${column(1999)}2"><v>1</v></c></row>${SHEET_TAIL}`,
      ),
    ]),
  }),
  'CSV with a 50 MB cell': () => ({
    name: 'giant.csv',
    bytes: Buffer.from(`${HEADER.join(',')}\n2025-11-01,"${'x'.repeat(50 * 1024 ** 2)}",1,2,3\n`),
  }),
};

const MUTATIONS = {
  'csv valid': (r) => ({ name: 'export.csv', bytes: Buffer.from(csvOf(table(r))), valid: true }),
  'csv truncated': (r) => ({ name: 'export.csv', bytes: truncate(r, Buffer.from(csvOf(table(r)))) }),
  'csv bytes flipped': (r) => ({ name: 'export.csv', bytes: flip(r, Buffer.from(csvOf(table(r)))) }),
  'csv utf-16': (r) => ({
    name: 'export.csv',
    bytes: Buffer.concat([
      r.next() < 0.5 ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0),
      Buffer.from(csvOf(table(r)), 'utf16le'),
    ]),
  }),
  'csv latin-1 / invalid utf-8': (r) => ({
    name: 'export.csv',
    bytes: Buffer.from(csvOf(table(r)).replace(/Brand/g, 'Marké\u00ff'), 'latin1'),
  }),
  'csv hostile strings': (r) => ({
    name: r.pick(['export.csv', '../../evil.csv', '<b>.csv', 'a\u0000b.csv']),
    bytes: Buffer.from(csvOf(table(r).map((row) => [row[0], r.pick(HOSTILE), ...row.slice(2)]))),
  }),
  'csv enormous cell': (r) => ({
    name: 'export.csv',
    bytes: Buffer.from(csvOf([['2025-11-01', 'x'.repeat(r.int(100_000, 3_000_000)), 1, 2, 3]])),
  }),
  'csv enormous row': (r) => {
    const width = r.int(1_000, 20_000);
    return {
      name: 'export.csv',
      bytes: Buffer.from(
        csvOf(
          [Array.from({ length: width }, (_, i) => i)],
          Array.from({ length: width }, (_, i) => `c${i}`),
        ),
      ),
    };
  },
  'csv mismatched columns': (r) => ({
    name: 'export.csv',
    bytes: Buffer.from(
      csvOf(table(r).map((row) => row.slice(0, r.int(0, 7)).concat(r.next() < 0.5 ? ['extra', 'more'] : []))),
    ),
  }),
  'csv wrong types': (r) => ({
    name: 'export.csv',
    bytes: Buffer.from(
      csvOf(
        table(r).map((row) => [
          r.pick(['yesterday', '2025-13-45', '', '1e309', '-0']),
          row[1],
          r.pick(['ten', 'NaN', '1,2,3', '--5', 'Infinity', '9'.repeat(400)]),
          r.pick(['', 'x', '-1']),
          row[4],
        ]),
      ),
    ),
  }),
  'random bytes': (r) => ({
    name: r.pick(['export.csv', 'export.xlsx', 'export.txt', 'export']),
    bytes: randomBytes(r, r.int(0, 4096)),
  }),
  'empty or header only': (r) => ({
    name: r.pick(['export.csv', 'export.xlsx']),
    bytes: Buffer.from(r.pick(['', '\n', `${HEADER.join(',')}\n`, '\ufeff', ',,,,\n,,,,\n'])),
  }),
  'wrong extension': (r) =>
    r.next() < 0.5
      ? { name: 'export.xlsx', bytes: Buffer.from(csvOf(table(r))) }
      : { name: 'export.csv', bytes: xlsxOf(table(r)) },
  'xlsx valid': (r) => ({ name: 'export.xlsx', bytes: xlsxOf(table(r)), valid: true }),
  'xlsx truncated': (r) => ({ name: 'export.xlsx', bytes: truncate(r, xlsxOf(table(r))) }),
  'xlsx bytes flipped': (r) => ({ name: 'export.xlsx', bytes: flip(r, xlsxOf(table(r))) }),
  'xlsx zip bomb': (r) => ({
    name: 'export.xlsx',
    bytes: zip([
      ...parts(),
      repeated('xl/worksheets/sheet1.xml', SHEET_HEAD + rowXml(1, HEADER), BOMB_BLOCK, r.int(2, 600), SHEET_TAIL),
    ]),
  }),
  'xlsx lying sizes': (r) => ({
    name: 'export.xlsx',
    bytes: zip([
      ...parts(),
      {
        ...entry(
          'xl/worksheets/sheet1.xml',
          SHEET_HEAD +
            table(r)
              .map((row, i) => rowXml(i + 1, row))
              .join('') +
            SHEET_TAIL,
        ),
        declaredSize: r.int(0, 100),
      },
    ]),
  }),
  'xlsx deep xml': (r) => ({
    name: 'export.xlsx',
    bytes: zip([
      ...parts(),
      repeated(
        'xl/worksheets/sheet1.xml',
        `${SHEET_HEAD + rowXml(1, HEADER)}<row r="2"><c r="A2"><v>`,
        '<x>'.repeat(1024),
        r.int(1, 500),
        `</v></c></row>${SHEET_TAIL}`,
      ),
    ]),
  }),
  'xlsx huge shared strings': (r) => ({
    name: 'export.xlsx',
    bytes: zip([
      ...parts({
        sharedStrings: repeated(
          'xl/sharedStrings.xml',
          `<?xml version="1.0"?><sst xmlns="${NS}">`,
          '<si><t>s</t></si>'.repeat(10_000),
          r.int(1, 400),
          '</sst>',
        ),
      }),
      entry(
        'xl/worksheets/sheet1.xml',
        SHEET_HEAD +
          rowXml(1, HEADER) +
          `<row r="2"><c r="A2" t="s"><v>${r.int(0, 4_000_000)}</v></c></row>` +
          SHEET_TAIL,
      ),
    ]),
  }),
  'xlsx shared string out of range': (r) => ({
    name: 'export.xlsx',
    bytes: zip([
      ...parts({ sharedStrings: '<si><t>Day</t></si>' }),
      entry(
        'xl/worksheets/sheet1.xml',
        `${SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>${r.pick(['0', '1', '-1', '99999999999', 'x'])}</v></c></row>${SHEET_TAIL}`,
      ),
    ]),
  }),
  'xlsx sparse': (r) => ({
    name: 'export.xlsx',
    bytes: zip([
      ...parts(),
      entry(
        'xl/worksheets/sheet1.xml',
        `${SHEET_HEAD + rowXml(1, HEADER)}<row r="${r.int(2, 1_048_576)}"><c r="${column(r.int(0, 16_383))}${r.int(2, 1_048_576)}"><v>1</v></c></row>${SHEET_TAIL}`,
      ),
    ]),
  }),
  'xlsx wrong cell types': (r) => ({
    name: 'export.xlsx',
    bytes: zip([
      ...parts(),
      entry(
        'xl/worksheets/sheet1.xml',
        `${SHEET_HEAD + rowXml(1, HEADER)}<row r="2"><c r="A2" t="${r.pick(['n', 'b', 'e', 'd', 'str', 'zz'])}"><v>${escapeXml(r.pick(HOSTILE))}</v></c><c r="C2" t="b"><v>7</v></c><c r="ZZZZZ2"><v>1</v></c></row>${SHEET_TAIL}`,
      ),
    ]),
  }),
  'xlsx missing part': (r) => ({
    name: 'export.xlsx',
    bytes: zip([
      ...parts({
        skip: r.pick(['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', '_rels/.rels', 'xl/sharedStrings.xml']),
      }),
      entry('xl/worksheets/sheet1.xml', SHEET_HEAD + rowXml(1, HEADER) + SHEET_TAIL),
    ]),
  }),
  'xlsx control characters': (r) => {
    const raw = r.pick(['\u0000', '&#0;', '&#1;', '\u0001', '&#xFFFE;', '&#x110000;', '\ud800']);
    const sheet = entry(
      'xl/worksheets/sheet1.xml',
      SHEET_HEAD +
        rowXml(1, HEADER).replace('Campaign name', `Campaign${raw}name`) +
        table(r)
          .map((row, i) => rowXml(i + 2, row))
          .join('') +
        SHEET_TAIL,
    );
    const workbook = entry(
      'xl/workbook.xml',
      `<?xml version="1.0"?><workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="Ex${raw}port" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    );
    return { name: 'export.xlsx', bytes: zip([...parts({ skip: 'xl/workbook.xml' }), workbook, sheet]) };
  },
  'xlsx hostile entry names': (r) => ({
    name: 'export.xlsx',
    bytes: zip([
      ...parts(),
      entry(r.pick(['../../../../tmp/evil', '/etc/passwd', 'xl/worksheets/sheet1.xml\u0000']), 'x'),
      entry('xl/worksheets/sheet1.xml', SHEET_HEAD + rowXml(1, HEADER) + SHEET_TAIL),
    ]),
  }),
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** Case `index` of the run seeded `seed`: which mutation, its file name and bytes, and whether it is a valid export. */
export function fuzzCase(seed, index) {
  const r = random((seed * 1_000_003 + index) >>> 0);
  const kind = MUTATION_NAMES[index % MUTATION_NAMES.length];
  const made = MUTATIONS[kind](r);
  return { kind, name: made.name, bytes: made.bytes, valid: made.valid === true };
}
