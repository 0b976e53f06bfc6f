import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pdfmake, { type PdfContent as Content, type PdfDocument } from 'pdfmake';
import { NOT_ENOUGH_CAMPAIGNS } from '../analysis/pure.js';
import { barChartOption, trendChartOption } from '../charts/options.js';
import { chartSvg } from './charts-svg.js';
import { figureColumns } from './deck-layout.js';
import {
  tileCaption,
  tileFontSize,
  type CurrencyBlock,
  type DeckItem,
  type DeckModel,
  type HeadlineRow,
  type Table,
} from './deck.js';

/**
 * The deck as a PDF drawn by pdfmake (no browser): A4 landscape, charts as
 * SVG from the same ECharts definitions the web app draws, the repository's
 * own TTF so every machine writes the same file, numbered pages, table
 * headers repeated on each page a table runs onto.
 */

const FONTS_DIR = fileURLToPath(new URL('../../assets/fonts/', import.meta.url));
const FONT = 'DejaVuSans';
const CHART = { width: 760, height: 210 };

pdfmake.setFonts({
  [FONT]: {
    normal: path.join(FONTS_DIR, 'DejaVuSans.ttf'),
    bold: path.join(FONTS_DIR, 'DejaVuSans-Bold.ttf'),
    italics: path.join(FONTS_DIR, 'DejaVuSans.ttf'),
    bolditalics: path.join(FONTS_DIR, 'DejaVuSans-Bold.ttf'),
  },
});
// A document is built from the analysis only: no URL is fetched, no file but the fonts is read.
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((file) => path.resolve(file).startsWith(FONTS_DIR));

/** A table whose figure columns sit right at their own width and whose text columns share the rest, wrapped. */
function tableOf(data: Table, fontSize = 8): Content {
  const figures = figureColumns(data);
  const header: Content[] = data.header.map((text) => ({ text, bold: true, fillColor: '#f1f5f9' }));
  const body: Content[][] = data.rows.map((row) =>
    row.map((text, index) => ({ text, alignment: figures[index] ? 'right' : 'left' })),
  );
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: figures.map((figure) => (figure ? 'auto' : '*')),
      body: [header, ...body],
    },
    layout: 'lightHorizontalLines',
    fontSize,
    margin: [0, 4, 0, 10],
  };
}

const heading = (text: string, pageBreak = true): Content => ({
  text,
  style: 'h1',
  ...(pageBreak ? { pageBreak: 'before' as const } : {}),
});

function items(title: string, list: readonly DeckItem[], none: string, more: string | null): Content[] {
  if (list.length === 0) return [heading(title), { text: none, color: '#64748b' }];
  return [
    heading(title),
    ...list.map((item): Content => ({
      stack: [
        { text: `${item.number}. ${item.heading}`, bold: true, fontSize: 11, margin: [0, 0, 0, 2] },
        ...(item.body ? [{ text: item.body, margin: [0, 0, 0, 2] as [number, number, number, number] }] : []),
        ...(item.evidence.length > 0
          ? [{ text: `Evidence: ${item.evidence.join(' · ')}`, fontSize: 7, color: '#64748b' }]
          : []),
      ],
      margin: [0, 0, 0, 8],
      unbreakable: true,
    })),
    ...(more ? [{ text: more, color: '#64748b' }] : []),
  ];
}

/** The headline figures as rows of tiles, each with its change when there is a previous period. */
function headline(deck: DeckModel): Content[] {
  // A4 landscape less the margins, shared by the tiles and their gaps, less each tile's padding.
  const widthOf = (row: HeadlineRow) => (762 - 8 * (row.figures.length - 1)) / row.figures.length - 12;
  return deck.headline.map((row): Content => ({
    columns: row.figures.map((figure): Content => ({
      table: {
        widths: ['*'],
        body: [
          [
            {
              stack: [
                { text: tileCaption(deck, row, figure), fontSize: 9, color: '#64748b' },
                {
                  text: figure.text,
                  fontSize: tileFontSize(row, widthOf(row), 16),
                  bold: true,
                  color: '#0f172a',
                  margin: [0, 3, 0, 3],
                },
                {
                  text: figure.change === null ? ' ' : `${figure.changeText} vs previous period`,
                  fontSize: 8,
                  color: '#64748b',
                },
              ],
              fillColor: '#f1f5f9',
              margin: [6, 6, 6, 6],
            },
          ],
        ],
      },
      layout: 'noBorders',
    })),
    columnGap: 8,
    margin: [0, 0, 0, 10],
  }));
}

function block(deck: DeckModel, data: CurrencyBlock, suffix: string): Content[] {
  const { trend, platforms } = data;
  const out: Content[] = [
    heading(`KPI overview${suffix}`),
    tableOf(
      {
        header: ['Metric', 'Value', 'Change vs previous period'],
        rows: data.kpis.map((kpi) => [kpi.label, kpi.text, kpi.changeText]),
      },
      10,
    ),
  ];
  out.push(heading(`Trends by ${trend.granularity}${suffix}`));
  if (trend.periods.length === 0) out.push({ text: 'No dated rows to draw.', color: '#64748b' });
  else {
    out.push({ text: 'Spend and revenue', style: 'h2' });
    out.push({
      svg: chartSvg(
        trendChartOption(trend.periods, [
          { name: 'Spend', values: trend.spend },
          ...(trend.revenue ? [{ name: 'Revenue', values: trend.revenue }] : []),
        ]),
        CHART.width,
        CHART.height,
      ),
      width: CHART.width,
    });
    if (trend.roas || trend.cpa) {
      const series = [
        ...(trend.roas ? [{ name: 'ROAS', values: trend.roas }] : []),
        ...(trend.cpa
          ? [
              {
                name: data.currency ? `CPA (${data.currency})` : 'CPA',
                values: trend.cpa,
                axis: trend.roas ? (1 as const) : (0 as const),
              },
            ]
          : []),
      ];
      out.push({
        stack: [
          { text: 'ROAS and CPA', style: 'h2' },
          { svg: chartSvg(trendChartOption(trend.periods, series), CHART.width, CHART.height), width: CHART.width },
        ],
        unbreakable: true,
      });
    }
  }
  out.push(heading(`Platform breakdown${suffix}`));
  if (platforms.names.length === 0) out.push({ text: 'The data names no platform.', color: '#64748b' });
  else {
    const unit = data.currency ? ` (${data.currency})` : '';
    const series = [
      { name: `Spend${unit}`, values: platforms.spend },
      ...(platforms.revenue ? [{ name: `Revenue${unit}`, values: platforms.revenue }] : []),
    ];
    out.push(
      { svg: chartSvg(barChartOption(platforms.names, series), CHART.width, 240), width: CHART.width },
      tableOf(platforms.table),
    );
  }
  const { rankedBy, note, lists } = data.campaigns;
  out.push(heading(`Top and bottom campaigns${rankedBy ? ` by ${rankedBy}` : ''}${suffix}`), {
    text: note,
    color: '#475569',
    margin: [0, 0, 0, 6],
  });
  if (!lists) out.push({ text: NOT_ENOUGH_CAMPAIGNS, color: '#64748b' });
  else
    out.push({ text: 'Best', style: 'h2' }, tableOf(lists.best), { text: 'Worst', style: 'h2' }, tableOf(lists.worst));
  return deck.blocks.length === 0 ? [] : out;
}

export async function renderPdf(deck: DeckModel): Promise<Buffer> {
  const accent = deck.branding?.color ?? '#334155';
  const cover: Content[] = [
    ...(deck.branding?.logoPng
      ? [
          {
            image: `data:image/png;base64,${deck.branding.logoPng}`,
            fit: [160, 80] as [number, number],
            margin: [0, 0, 0, 30] as [number, number, number, number],
          },
        ]
      : []),
    { canvas: [{ type: 'rect', x: 0, y: 0, w: 120, h: 6, color: accent }], margin: [0, 80, 0, 16] },
    { text: deck.title, fontSize: 28, bold: true, color: '#0f172a' },
    { text: deck.subtitle, fontSize: 13, color: '#475569', margin: [0, 8, 0, 0] },
    {
      text: `${deck.branding ? `${deck.branding.name} · ` : ''}Post-campaign analysis · generated ${deck.generatedAt.slice(0, 10)}`,
      fontSize: 9,
      color: '#64748b',
      margin: [0, 40, 0, 0],
    },
  ];
  const content: Content[] = [
    ...cover,
    heading('Executive summary'),
    ...headline(deck),
    { text: deck.summary, fontSize: 12, lineHeight: 1.3, margin: [0, 6, 0, 0] },
    ...(deck.blocks.length === 0
      ? [heading('KPI overview'), { text: 'No row falls in the range of this analysis.', color: '#64748b' }]
      : []),
    ...deck.blocks.flatMap((data) => block(deck, data, deck.blocks.length > 1 ? ` — ${data.label}` : '')),
    ...items('Anomalies', deck.anomalies, 'No day stands out from its usual range.', deck.more.anomalies),
    ...(deck.pacing.length > 0 ? items('Budget pacing', deck.pacing, '', deck.more.pacing) : []),
    ...items('Insights', deck.insights, 'No insight for this data.', deck.more.insights),
    ...items('Recommendations', deck.recommendations, 'No recommendation for this data.', deck.more.recommendations),
    heading('Appendix: data quality'),
    tableOf(deck.quality),
    ...(deck.warnings.rows.length === 0 ? [] : [{ text: 'Warnings', style: 'h2' }, tableOf(deck.warnings)]),
    { text: 'Files used', style: 'h2' },
    tableOf(deck.files),
    heading('Appendix: methodology'),
    { ul: deck.methodology, fontSize: 10, lineHeight: 1.3 },
  ];
  const definition: PdfDocument = {
    pageSize: 'A4',
    pageOrientation: 'landscape',
    pageMargins: [40, 40, 40, 40],
    info: { title: deck.title, creator: 'PCA Agent', producer: 'PCA Agent' },
    defaultStyle: { font: FONT, fontSize: 10, color: '#1e293b' },
    styles: {
      h1: { fontSize: 18, bold: true, margin: [0, 0, 0, 10], color: '#0f172a' },
      h2: { fontSize: 12, bold: true, margin: [0, 8, 0, 4] },
    },
    header: (page: number) =>
      page === 1 ? '' : { canvas: [{ type: 'rect', x: 0, y: 0, w: 842, h: 4, color: accent }] },
    footer: (page: number, pages: number) => ({
      text: `${deck.title} · page ${page} of ${pages}`,
      alignment: 'center',
      fontSize: 8,
      color: '#64748b',
      margin: [0, 12, 0, 0],
    }),
    content,
  };
  return pdfmake.createPdf(definition).getBuffer();
}
