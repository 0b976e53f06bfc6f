import PptxGenJSModule from 'pptxgenjs';
import { NOT_ENOUGH_CAMPAIGNS } from '../analysis/pure.js';
import { CHART_COLORS } from '../charts/options.js';
import { CAPTION_HEIGHT, CELL_MARGIN, flowTables, layoutTable, type PlacedTable, type Section } from './deck-layout.js';
import { tileCaption, tileFontSize, type CurrencyBlock, type DeckItem, type DeckModel } from './deck.js';

/**
 * The deck as a PowerPoint file: 16:9, native charts whose embedded sheet
 * holds the analysis's numbers (editable in PowerPoint), real tables, and
 * speaker notes carrying each insight's evidence.
 */

// The package's types describe a CommonJS module while Node loads its ES build, whose default export is the class.
const PptxGenJS = PptxGenJSModule as unknown as typeof PptxGenJSModule.default;
type PptxGenJS = InstanceType<typeof PptxGenJS>;
type Slide = ReturnType<PptxGenJS['addSlide']>;
/** A run of a text box: its text and how it is set. */
type TextRun = Exclude<Parameters<Slide['addText']>[0], string>[number];

const NEUTRAL = '334155';
const WIDTH = 10;
/** Where a slide's content ends: the 16:9 slide is 5.625 in tall. */
const BOTTOM = 5.35;
const FONT = 'Calibri';
const colors = CHART_COLORS.map((color) => color.slice(1));
/** A missing point: pptxgenjs writes it as an empty cached value, a gap in the line. */
const gap = (values: readonly (number | null)[]) => values.map((value) => value ?? Number.NaN);

function accentOf(deck: DeckModel): string {
  return (deck.branding?.color ?? `#${NEUTRAL}`).slice(1);
}

function titled(pptx: PptxGenJS, deck: DeckModel, title: string): Slide {
  const slide = pptx.addSlide();
  slide.addShape(pptx.ShapeType.rect, {
    x: 0,
    y: 0,
    w: WIDTH,
    h: 0.08,
    fill: { color: accentOf(deck) },
    line: { color: accentOf(deck) },
  });
  slide.addText(title, {
    x: 0.4,
    y: 0.2,
    w: WIDTH - 0.8,
    h: 0.55,
    fontFace: FONT,
    fontSize: 22,
    bold: true,
    color: '1E293B',
  });
  return slide;
}

function table(slide: Slide, x: number, placed: PlacedTable): void {
  const { layout, from, count } = placed;
  if (placed.caption !== null)
    slide.addText(placed.caption, {
      x,
      y: placed.y,
      w: layout.width,
      h: CAPTION_HEIGHT,
      margin: 0,
      fontFace: FONT,
      fontSize: 12,
      bold: true,
      color: '1E293B',
      valign: 'middle',
    });
  const header = layout.header.map((text, index) => ({
    text,
    options: {
      bold: true,
      fill: { color: 'F1F5F9' },
      color: '1E293B',
      align: layout.align[index],
    },
  }));
  const rows = layout.rows
    .slice(from, from + count)
    .map((row) => row.map((text, index) => ({ text, options: { align: layout.align[index] } })));
  slide.addTable([header, ...rows], {
    x,
    y: placed.tableY,
    w: layout.width,
    colW: layout.colW,
    rowH: [layout.headerH, ...layout.rowH.slice(from, from + count)],
    margin: [...CELL_MARGIN],
    fontFace: FONT,
    fontSize: layout.fontSize,
    color: '1E293B',
    border: { type: 'solid', pt: 0.5, color: 'CBD5E1' },
    autoPage: false,
    valign: 'middle',
  });
}

/**
 * Tables stacked on a slide from `top`, by their real heights; what does not fit continues on
 * slides titled "… (continued)", the header repeated.
 */
function tables(
  pptx: PptxGenJS,
  deck: DeckModel,
  first: Slide,
  title: string,
  sections: readonly Section[],
  at: { x: number; top: number; w: number; alike?: boolean },
): void {
  flowTables(sections, { top: at.top, bottom: BOTTOM, width: at.w }, { alike: at.alike }).forEach((placed, index) => {
    const slide = index === 0 ? first : titled(pptx, deck, `${title} (continued)`);
    for (const part of placed) table(slide, at.x, part);
  });
}

function empty(slide: Slide, text: string): void {
  slide.addText(text, { x: 0.4, y: 1.0, w: WIDTH - 0.8, h: 0.5, fontFace: FONT, fontSize: 14, color: '64748B' });
}

function itemsSlide(
  pptx: PptxGenJS,
  deck: DeckModel,
  title: string,
  items: readonly DeckItem[],
  none: string,
  more: string | null,
): void {
  const slide = titled(pptx, deck, title);
  if (items.length === 0) return empty(slide, none);
  slide.addText(
    [
      ...items.flatMap((item): TextRun[] =>
        item.body === null
          ? [{ text: item.heading, options: { bold: true, breakLine: true, fontSize: 12, paraSpaceAfter: 6 } }]
          : [
              { text: item.heading, options: { bold: true, breakLine: true, fontSize: 12 } },
              { text: item.body, options: { breakLine: true, fontSize: 10, color: '475569', paraSpaceAfter: 6 } },
            ],
      ),
      ...(more ? [{ text: more, options: { fontSize: 10, color: '64748B' } }] : []),
    ],
    { x: 0.4, y: 0.85, w: WIDTH - 0.8, h: 4.6, fontFace: FONT, valign: 'top', fit: 'shrink' },
  );
  slide.addNotes(
    items
      .map((item) =>
        [
          `${item.number}. ${item.heading}`,
          ...(item.body ? [item.body] : []),
          ...(item.evidence.length > 0 ? ['Evidence:', ...item.evidence.map((line) => `  ${line}`)] : []),
        ].join('\n'),
      )
      .join('\n\n'),
  );
}

function lineChart(
  pptx: PptxGenJS,
  slide: Slide,
  periods: readonly string[],
  series: { name: string; values: readonly (number | null)[] }[],
  at: { x: number; y: number; w: number; h: number },
  format: string,
): void {
  slide.addChart(
    pptx.ChartType.line,
    series.map((entry) => ({ name: entry.name, labels: [...periods], values: gap(entry.values) })),
    {
      ...at,
      chartColors: colors,
      showLegend: true,
      legendPos: 't',
      lineSize: 2,
      lineDataSymbol: periods.length < 40 ? 'circle' : 'none',
      valAxisLabelFormatCode: format,
      catAxisLabelFontSize: 8,
      valAxisLabelFontSize: 8,
      legendFontSize: 9,
    },
  );
}

/** The headline figures as rows of tiles under the title; returns where the text below may start. */
function headlineTiles(pptx: PptxGenJS, slide: Slide, deck: DeckModel): number {
  const top = 0.9;
  const height = 0.95;
  const gap = 0.12;
  deck.headline.forEach((row, rowIndex) => {
    const width = (WIDTH - 0.8 - gap * (row.figures.length - 1)) / row.figures.length;
    const size = tileFontSize(row, (width - 0.16) * 72, 18);
    row.figures.forEach((figure, index) => {
      const x = 0.4 + index * (width + gap);
      const y = top + rowIndex * (height + gap);
      slide.addShape(pptx.ShapeType.rect, {
        x,
        y,
        w: width,
        h: height,
        fill: { color: 'F1F5F9' },
        line: { color: 'F1F5F9' },
      });
      const text = { x: x + 0.08, w: width - 0.16, fontFace: FONT, margin: 0 };
      slide.addText(tileCaption(deck, row, figure), { ...text, y: y + 0.06, h: 0.24, fontSize: 10, color: '64748B' });
      slide.addText(figure.text, {
        ...text,
        y: y + 0.3,
        h: 0.38,
        fontSize: size,
        bold: true,
        color: '0F172A',
      });
      if (figure.change !== null)
        slide.addText(`${figure.changeText} vs previous period`, {
          ...text,
          y: y + 0.68,
          h: 0.22,
          fontSize: 9,
          color: '64748B',
        });
    });
  });
  return top + deck.headline.length * (height + gap) + 0.05;
}

function blockSlides(pptx: PptxGenJS, deck: DeckModel, block: CurrencyBlock, suffix: string): void {
  const overviewTitle = `KPI overview${suffix}`;
  tables(
    pptx,
    deck,
    titled(pptx, deck, overviewTitle),
    overviewTitle,
    [
      {
        table: {
          header: ['Metric', 'Value', 'Change vs previous period'],
          rows: block.kpis.map((kpi) => [kpi.label, kpi.text, kpi.changeText]),
        },
        maxFont: 12,
      },
    ],
    { x: 0.4, top: 0.9, w: WIDTH - 0.8 },
  );

  const trend = titled(pptx, deck, `Spend and revenue by ${block.trend.granularity}${suffix}`);
  if (block.trend.periods.length === 0) empty(trend, 'No dated rows to draw.');
  else
    lineChart(
      pptx,
      trend,
      block.trend.periods,
      [
        { name: 'Spend', values: block.trend.spend },
        ...(block.trend.revenue ? [{ name: 'Revenue', values: block.trend.revenue }] : []),
      ],
      { x: 0.4, y: 0.85, w: 9.2, h: 4.5 },
      '#,##0',
    );

  const efficiency = titled(pptx, deck, `ROAS and CPA by ${block.trend.granularity}${suffix}`);
  if (!block.trend.roas && !block.trend.cpa)
    empty(efficiency, 'The data reports neither revenue nor conversions, so ROAS and CPA are not defined.');
  if (block.trend.roas)
    lineChart(
      pptx,
      efficiency,
      block.trend.periods,
      [{ name: 'ROAS', values: block.trend.roas }],
      { x: 0.4, y: 0.85, w: block.trend.cpa ? 4.5 : 9.2, h: 4.5 },
      '0.00',
    );
  if (block.trend.cpa)
    lineChart(
      pptx,
      efficiency,
      block.trend.periods,
      [{ name: 'CPA', values: block.trend.cpa }],
      { x: block.trend.roas ? 5.1 : 0.4, y: 0.85, w: block.trend.roas ? 4.5 : 9.2, h: 4.5 },
      '#,##0.00',
    );

  const platformsTitle = `Platform breakdown${suffix}`;
  const platforms = titled(pptx, deck, platformsTitle);
  if (block.platforms.names.length === 0) empty(platforms, 'The data names no platform.');
  else {
    // The table takes what it needs beside the chart, so its figures never break mid-number.
    const tableW = [4.9, 5.5, 6.1, 6.7].find((w) => layoutTable(block.platforms.table, w, { maxFont: 9 }).fits) ?? 6.7;
    platforms.addChart(
      pptx.ChartType.bar,
      [
        { name: 'Spend', labels: block.platforms.names, values: gap(block.platforms.spend) },
        ...(block.platforms.revenue
          ? [{ name: 'Revenue', labels: block.platforms.names, values: gap(block.platforms.revenue) }]
          : []),
      ],
      {
        x: 0.4,
        y: 0.85,
        w: WIDTH - 1.0 - tableW,
        h: 4.4,
        barDir: 'col',
        chartColors: colors,
        showLegend: true,
        legendPos: 't',
        valAxisLabelFormatCode: '#,##0',
        catAxisLabelFontSize: 8,
        valAxisLabelFontSize: 8,
        legendFontSize: 9,
      },
    );
    tables(pptx, deck, platforms, platformsTitle, [{ table: block.platforms.table, maxFont: 9 }], {
      x: WIDTH - 0.4 - tableW,
      top: 0.9,
      w: tableW,
    });
  }

  const campaignsTitle = `Top and bottom campaigns${block.campaigns.rankedBy ? ` by ${block.campaigns.rankedBy}` : ''}${suffix}`;
  const campaigns = titled(pptx, deck, campaignsTitle);
  const text = { x: 0.4, w: WIDTH - 0.8, h: 0.3, fontFace: FONT };
  campaigns.addText(block.campaigns.note, { ...text, y: 0.75, fontSize: 10, color: '475569' });
  const { lists } = block.campaigns;
  if (!lists) campaigns.addText(NOT_ENOUGH_CAMPAIGNS, { ...text, y: 1.2, h: 0.5, fontSize: 14, color: '64748B' });
  else
    tables(
      pptx,
      deck,
      campaigns,
      campaignsTitle,
      [
        { caption: 'Best', table: lists.best, maxFont: 10 },
        { caption: 'Worst', table: lists.worst, maxFont: 10 },
      ],
      { x: 0.4, top: 1.1, w: WIDTH - 0.8, alike: true },
    );
}

export async function renderPptx(deck: DeckModel): Promise<Buffer> {
  const pptx = new PptxGenJS();
  pptx.layout = 'LAYOUT_16x9';
  pptx.title = deck.title;
  pptx.company = deck.branding?.name ?? 'PCA Agent';
  pptx.theme = { headFontFace: FONT, bodyFontFace: FONT };

  const cover = pptx.addSlide();
  cover.background = { color: 'FFFFFF' };
  cover.addShape(pptx.ShapeType.rect, {
    x: 0,
    y: 0,
    w: 0.35,
    h: 5.625,
    fill: { color: accentOf(deck) },
    line: { color: accentOf(deck) },
  });
  if (deck.branding?.logoPng)
    cover.addImage({
      data: `image/png;base64,${deck.branding.logoPng}`,
      x: 0.8,
      y: 0.5,
      w: 1.6,
      h: 0.8,
      sizing: { type: 'contain', w: 1.6, h: 0.8 },
    });
  cover.addText(deck.title, {
    x: 0.8,
    y: 1.8,
    w: 8.6,
    h: 1.2,
    fontFace: FONT,
    fontSize: 32,
    bold: true,
    color: '0F172A',
    valign: 'bottom',
  });
  cover.addText(deck.subtitle, { x: 0.8, y: 3.05, w: 8.6, h: 0.5, fontFace: FONT, fontSize: 14, color: '475569' });
  cover.addText(
    `${deck.branding ? `${deck.branding.name} · ` : ''}Post-campaign analysis · generated ${deck.generatedAt.slice(0, 10)}`,
    { x: 0.8, y: 4.8, w: 8.6, h: 0.4, fontFace: FONT, fontSize: 10, color: '64748B' },
  );

  const summary = titled(pptx, deck, 'Executive summary');
  const textTop = headlineTiles(pptx, summary, deck);
  summary.addText(deck.summary, {
    x: 0.4,
    y: textTop,
    w: WIDTH - 0.8,
    h: 5.4 - textTop,
    fontFace: FONT,
    fontSize: deck.headline.length > 1 ? 12 : 14,
    color: '1E293B',
    valign: 'top',
    fit: 'shrink',
  });

  if (deck.blocks.length === 0)
    empty(titled(pptx, deck, 'KPI overview'), 'No row falls in the range of this analysis.');
  for (const block of deck.blocks) blockSlides(pptx, deck, block, deck.blocks.length > 1 ? ` — ${block.label}` : '');

  itemsSlide(pptx, deck, 'Anomalies', deck.anomalies, 'No day stands out from its usual range.', deck.more.anomalies);
  if (deck.pacing.length > 0) itemsSlide(pptx, deck, 'Budget pacing', deck.pacing, '', deck.more.pacing);
  itemsSlide(pptx, deck, 'Insights', deck.insights, 'No insight for this data.', deck.more.insights);
  itemsSlide(
    pptx,
    deck,
    'Recommendations',
    deck.recommendations,
    'No recommendation for this data.',
    deck.more.recommendations,
  );

  const appendixTitle = 'Appendix: data quality and files';
  tables(
    pptx,
    deck,
    titled(pptx, deck, appendixTitle),
    appendixTitle,
    [
      { caption: 'Data quality', table: deck.quality, maxFont: 10 },
      ...(deck.warnings.rows.length === 0 ? [] : [{ caption: 'Warnings', table: deck.warnings, maxFont: 10 }]),
      { caption: 'Files', table: deck.files, maxFont: 10 },
    ],
    { x: 0.4, top: 0.8, w: WIDTH - 0.8 },
  );
  const method = titled(pptx, deck, 'Appendix: methodology');
  method.addText(
    deck.methodology.map((line) => ({ text: line, options: { bullet: true, breakLine: true } })),
    {
      x: 0.4,
      y: 0.85,
      w: WIDTH - 0.8,
      h: 4.6,
      fontFace: FONT,
      fontSize: 11,
      color: '1E293B',
      valign: 'top',
      fit: 'shrink',
    },
  );
  return (await pptx.write({ outputType: 'nodebuffer' })) as Buffer;
}
