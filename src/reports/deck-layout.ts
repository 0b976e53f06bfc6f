import type { Table } from './deck.js';

/**
 * How a deck table sits on a slide, decided from its text alone (no renderer):
 * column widths from content, one font size that shrinks for wide tables down
 * to a readable floor, row heights from the lines each cell wraps to, and how
 * tables stacked one under another continue on further slides. All sizes are
 * in inches; fonts in points.
 */

export const MIN_FONT = 7;
/** Cell padding, inches: top, right, bottom, left (pptxgenjs reads values below 1 as inches). */
export const CELL_MARGIN: readonly [number, number, number, number] = [0.04, 0.07, 0.04, 0.07];
/** Line height as a share of the font size; Calibri's is about 1.22, DejaVu Sans (its stand-in) 1.16. */
const LINE = 1.22;
/** A text column never gets narrower than this unless its words are. */
const MIN_WRAP = 0.9;
/** A word wider than this share of the table (a file path) is broken rather than widening its column. */
const WORD_SHARE = 0.3;
/** The most lines a name, and any other cell, should take: a smaller font is chosen before they wrap further. */
const NAME_LINES = 2;
const CELL_LINES = 3;
/** Past those, a larger font is kept only while the table has at most this many times the fewest lines. */
const LINES_SLACK = 1.15;
/** A table narrower than its space is widened by at most this factor, so short tables stay compact. */
const STRETCH = 1.35;
export const CAPTION_HEIGHT = 0.3;
export const SECTION_GAP = 0.2;

/**
 * Advance widths in hundredths of an em of printable ASCII (space to "~") in DejaVu Sans, regular
 * and bold: what LibreOffice draws where Calibri is missing. Calibri is narrower, so a width measured
 * here is never short in PowerPoint either.
 */
const ASCII_WIDTHS = {
  regular: [
    '32 40 46 84 64 95 78 27 39 39 50 84 32 36 32 34 64 64 64 64 64 64 64 64 64 64 34 34 84 84 84 53',
    '100 68 69 70 77 63 58 77 75 29 29 66 56 86 75 79 60 79 69 63 61 73 68 99 69 61 69 39 34 39 84 50',
    '50 61 63 55 63 62 35 63 63 28 28 58 28 97 63 61 63 63 41 52 39 63 59 82 59 59 52 64 34 64 84',
  ],
  bold: [
    '35 46 52 84 70 100 87 31 46 46 52 84 38 42 38 37 70 70 70 70 70 70 70 70 70 70 40 40 84 84 84 58',
    '100 77 76 73 83 68 68 82 84 37 37 77 64 100 84 85 73 85 77 72 68 81 77 110 77 72 73 46 37 46 84 50',
    '50 67 72 59 72 68 44 72 71 34 34 67 34 104 71 69 72 72 49 60 48 71 65 92 65 65 58 71 37 71 84',
  ],
};
const widthsTable = (lines: readonly string[]) =>
  lines
    .join(' ')
    .split(' ')
    .map((value) => Number(value) / 100);
const REGULAR = widthsTable(ASCII_WIDTHS.regular);
const BOLD = widthsTable(ASCII_WIDTHS.bold);

/** Advance of a character in ems; outside ASCII, a wide letter's ("—", "…", "€" and CJK read as one em). */
function charEm(char: string, bold: boolean): number {
  const code = char.codePointAt(0)!;
  if (code >= 32 && code < 127) return (bold ? BOLD : REGULAR)[code - 32]!;
  return code >= 0x2000 ? 1 : bold ? 0.72 : 0.66;
}

/** Width in inches of a text on one line at a font size, with a little room for rounding in the renderer. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let ems = 0;
  for (const char of text) ems += charEm(char, bold);
  return (ems * fontSize * 1.03) / 72;
}

const pad = CELL_MARGIN[1] + CELL_MARGIN[3];
export const lineHeight = (fontSize: number): number => (fontSize * LINE) / 72;
const rowHeight = (lines: number, fontSize: number) => lines * lineHeight(fontSize) + CELL_MARGIN[0] + CELL_MARGIN[2];

/** The lines a text wraps to in a width: at spaces, and inside a word only when the word alone is wider. */
export function wrap(text: string, width: number, fontSize: number, bold = false): string[] {
  const fits = (line: string) => textWidth(line, fontSize, bold) <= width;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const joined = line ? `${line} ${word}` : word;
    if (fits(joined)) {
      line = joined;
      continue;
    }
    if (line) lines.push(line);
    line = '';
    let rest = word;
    while (!fits(rest)) {
      let cut = 1;
      while (cut < rest.length && fits(rest.slice(0, cut + 1))) cut++;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

export interface TableLayout {
  readonly fontSize: number;
  /** Column widths; their sum is the table's width. */
  readonly colW: number[];
  readonly width: number;
  /** False when even 7 pt could not give each column its least width: figures may break. */
  readonly fits: boolean;
  readonly align: ('left' | 'right')[];
  readonly header: string[];
  readonly headerH: number;
  /** The rows' text, a cell cut with "…" only where it would not fit a whole page. */
  readonly rows: string[][];
  readonly rowH: number[];
}

export interface LayoutOptions {
  /** The font size used when the table fits at it. */
  readonly maxFont: number;
  /** The most a table may take on one page, header included: a row taller than that less the header is cut with "…". */
  readonly pageHeight?: number;
}

/** A formatted figure: "1,234.50 EUR", "−4.0%", "2.35", "2025-10-01". */
const FIGURE = /^[−+-]?\d[\d.,:/-]*(%| [A-Z]{3})?$/;

/**
 * Whether each column holds figures (right-aligned, never broken) or text (left-aligned, wrapped):
 * figures are the columns past the first whose cells are figures or short words ("—", "not defined").
 */
export function figureColumns(table: Table): boolean[] {
  return table.header.map((_, index) => {
    const cells = table.rows.map((row) => (row[index] ?? '').trim());
    return (
      index > 0 &&
      cells.some((cell) => FIGURE.test(cell)) &&
      cells.every((cell) => FIGURE.test(cell) || (!/\d/.test(cell) && cell.length <= 20))
    );
  });
}

interface Column {
  /** Widest text on one line (the header at its full length). */
  readonly natural: number;
  /** The least width it takes: its widest word when it wraps, its widest text when it does not. */
  readonly least: number;
  readonly wraps: boolean;
}

function columnsAt(table: Table, figures: readonly boolean[], fontSize: number, width: number): Column[] {
  return table.header.map((title, index) => {
    const cells = table.rows.map((row) => row[index] ?? '');
    const wraps = !figures[index];
    const words = (text: string, bold: boolean) =>
      Math.max(0, ...text.split(/\s+/).map((word) => textWidth(word, fontSize, bold)));
    const widest = Math.max(0, ...cells.map((cell) => textWidth(cell, fontSize)));
    const natural = Math.max(widest, textWidth(title, fontSize, true)) + pad;
    const headerLeast = words(title, true);
    const least = wraps
      ? Math.max(
          headerLeast,
          Math.min(Math.max(0, ...cells.map((cell) => words(cell, false))), WORD_SHARE * width),
          Math.min(natural - pad, MIN_WRAP),
        )
      : Math.max(headerLeast, widest);
    return { natural, least: least + pad, wraps };
  });
}

/** Widths for the columns in `width`: each its least, then wrapping columns grow toward their natural width. */
function widthsOf(columns: readonly Column[], width: number): number[] {
  const least = columns.reduce((sum, column) => sum + column.least, 0);
  if (least >= width) return columns.map((column) => (column.least * width) / least);
  const widths = columns.map((column) => column.least);
  const wants = columns.map((column) => (column.wraps ? column.natural - column.least : 0));
  const wanted = wants.reduce((sum, want) => sum + want, 0);
  const extra = width - least;
  const share = wanted > extra ? extra / wanted : 1;
  wants.forEach((want, index) => (widths[index]! += want * share));
  const used = widths.reduce((sum, value) => sum + value, 0);
  const stretch = Math.min(width / used, STRETCH);
  return widths.map((value) => value * stretch);
}

const linesOf = (row: readonly string[], colW: readonly number[], fontSize: number, bold = false) =>
  row.map((cell, index) => wrap(cell, colW[index]! - pad, fontSize, bold));

/** The first `count` lines of a wrapped text, the last ending in "…" inside the width. */
function cut(lines: readonly string[], count: number, width: number, fontSize: number): string {
  let last = lines[count - 1]!;
  while (last && textWidth(`${last}…`, fontSize) > width) last = last.slice(0, -1);
  return `${[...lines.slice(0, count - 1), last.trimEnd()].join(' ')}…`;
}

/**
 * The layout of a table in a width: the largest font up to `maxFont` at which every column gets at
 * least its least width and names take at most two lines (other cells three); else, where long text
 * wraps at any size, the largest that fits without making the table much taller in lines than the
 * smallest would; else the floor of 7 pt with columns scaled to the width.
 */
export function layoutTable(table: Table, width: number, options: LayoutOptions): TableLayout {
  const sizes: number[] = [];
  for (let size = Math.max(options.maxFont, MIN_FONT); size >= MIN_FONT; size--) sizes.push(size);
  const figures = figureColumns(table);
  const candidates = sizes.map((fontSize) => {
    const columns = columnsAt(table, figures, fontSize, width);
    const colW = widthsOf(columns, width);
    const fits = columns.reduce((sum, column) => sum + column.least, 0) <= width + 1e-9;
    const lines = table.rows.map((row) => linesOf(row, colW, fontSize).map((cell) => cell.length));
    const tidy = lines.every((row) => (row[0] ?? 1) <= NAME_LINES && Math.max(1, ...row) <= CELL_LINES);
    const total = lines.reduce((sum, row) => sum + Math.max(1, ...row), 0);
    return { fontSize, colW, fits, tidy: fits && tidy, total };
  });
  const fitting = candidates.filter((candidate) => candidate.fits);
  const fewest = Math.min(...fitting.map((candidate) => candidate.total));
  const chosen =
    candidates.find((candidate) => candidate.tidy) ??
    fitting.find((candidate) => candidate.total <= fewest * LINES_SLACK) ??
    candidates.at(-1)!;
  const { fontSize, colW, fits } = chosen;
  const headerH = rowHeight(
    Math.max(1, ...linesOf(table.header, colW, fontSize, true).map((lines) => lines.length)),
    fontSize,
  );
  const room = (options.pageHeight ?? Number.POSITIVE_INFINITY) - headerH - CELL_MARGIN[0] - CELL_MARGIN[2];
  const maxLines = Math.max(1, Math.floor(room / lineHeight(fontSize) + 1e-9));
  const cells = table.rows.map((row) =>
    linesOf(row, colW, fontSize).map((lines, index) =>
      lines.length <= maxLines
        ? { text: row[index]!, lines: lines.length }
        : { text: cut(lines, maxLines, colW[index]! - pad, fontSize), lines: maxLines },
    ),
  );
  return {
    fontSize,
    colW,
    width: colW.reduce((sum, value) => sum + value, 0),
    fits,
    align: figures.map((figure) => (figure ? 'right' : 'left')),
    header: [...table.header],
    headerH,
    rows: cells.map((row) => row.map((cell) => cell.text)),
    rowH: cells.map((row) => rowHeight(Math.max(1, ...row.map((cell) => cell.lines)), fontSize)),
  };
}

/** How many rows, from `from`, fit under the header in `height`. */
export function rowsThatFit(layout: TableLayout, from: number, height: number): number {
  let used = layout.headerH;
  let count = 0;
  while (from + count < layout.rows.length && used + layout.rowH[from + count]! <= height + 1e-9) {
    used += layout.rowH[from + count]!;
    count++;
  }
  return count;
}

export interface Section {
  /** A short line above the table; none where the slide's title says it all. */
  readonly caption?: string;
  readonly table: Table;
  readonly maxFont: number;
}

export interface Region {
  readonly top: number;
  readonly bottom: number;
  readonly width: number;
}

/** One part of a table on one slide: its caption at `y`, the table under it with the header repeated. */
export interface PlacedTable {
  readonly caption: string | null;
  readonly y: number;
  readonly tableY: number;
  readonly layout: TableLayout;
  /** Index of the first row shown here, and how many. */
  readonly from: number;
  readonly count: number;
  readonly height: number;
}

/**
 * Tables stacked one under another by their real heights, each under its caption; a table that does
 * not fit continues on the next slide ("… (continued)") with its header repeated. Every row is placed
 * once; the first slide is the one already holding the title. Returns the tables of each slide.
 */
export function flowTables(
  sections: readonly Section[],
  region: Region,
  options: { readonly alike?: boolean } = {},
): PlacedTable[][] {
  const page = region.bottom - region.top;
  // Every row fits a slide on its own under its caption: a taller one is cut, never dropped.
  const pageHeight = page - (sections.some((section) => section.caption !== undefined) ? CAPTION_HEIGHT : 0);
  const layouts = options.alike
    ? alikeLayouts(sections, region.width, pageHeight)
    : sections.map((section) => layoutTable(section.table, region.width, { maxFont: section.maxFont, pageHeight }));
  const slides: PlacedTable[][] = [[]];
  let y = region.top;
  sections.forEach((section, index) => {
    const layout = layouts[index]!;
    const above = section.caption === undefined ? 0 : CAPTION_HEIGHT;
    let from = 0;
    let continued = false;
    do {
      const wanted = Math.min(1, layout.rows.length - from);
      let room = region.bottom - y - above;
      if (y > region.top && (rowsThatFit(layout, from, room) < wanted || layout.headerH > room)) {
        slides.push([]);
        y = region.top;
        room = page - above;
      }
      const count = Math.max(wanted, rowsThatFit(layout, from, room));
      const height = layout.headerH + layout.rowH.slice(from, from + count).reduce((sum, h) => sum + h, 0);
      slides.at(-1)!.push({
        caption: section.caption === undefined ? null : `${section.caption}${continued ? ' (continued)' : ''}`,
        y,
        tableY: y + above,
        layout,
        from,
        count,
        height,
      });
      y += above + height + SECTION_GAP;
      from += count;
      continued = true;
    } while (from < layout.rows.length);
  });
  return slides;
}

/** Tables of the same columns laid out as one (font, widths), so they line up one under another. */
function alikeLayouts(sections: readonly Section[], width: number, pageHeight: number): TableLayout[] {
  const joined = layoutTable(
    { header: sections[0]?.table.header ?? [], rows: sections.flatMap((section) => section.table.rows) },
    width,
    { maxFont: Math.min(...sections.map((section) => section.maxFont)), pageHeight },
  );
  let start = 0;
  return sections.map((section) => {
    const end = start + section.table.rows.length;
    const part = { ...joined, rows: joined.rows.slice(start, end), rowH: joined.rowH.slice(start, end) };
    start = end;
    return part;
  });
}
