import {
  evidenceLines,
  extremesNote,
  formatCount,
  formatDays,
  formatMetric,
  labelOf,
  metricName,
  plural,
  rankExtremes,
  KPI_DEFINITIONS,
  totalRows,
  type AnalysisReport,
  type DatasetSummary,
  type ReportRow,
} from '../analysis/pure.js';
import type { AnalysisContent, Branding, ReportItem } from './content.js';
import { itemCurrency, itemSections, itemWords } from './sections.js';

/**
 * What a deck shows, computed once from an analysis and drawn by both the
 * PPTX and the PDF renderers: figures stay numbers (charts read them), and
 * every table cell is already text formatted for people. Money is never
 * added across currencies: each currency has its own block.
 */

export type Table = { readonly header: string[]; readonly rows: string[][] };

export interface KpiFigure {
  readonly metric: string;
  readonly label: string;
  readonly value: number | null;
  readonly text: string;
  /** Relative change against the previous period (0.12 = +12 %); null when there is none. */
  readonly change: number | null;
  readonly changeText: string;
}

export interface HeadlineRow {
  /** "USD", or "no stated currency". */
  readonly label: string;
  readonly figures: KpiFigure[];
}

export interface TrendData {
  readonly granularity: 'day' | 'week' | 'month';
  readonly periods: string[];
  readonly spend: (number | null)[];
  /** Null when the data has no revenue. */
  readonly revenue: (number | null)[] | null;
  readonly roas: (number | null)[] | null;
  readonly cpa: (number | null)[] | null;
}

export interface CurrencyBlock {
  /** "USD", or "no stated currency". */
  readonly label: string;
  readonly currency: string | null;
  readonly kpis: KpiFigure[];
  readonly trend: TrendData;
  readonly platforms: {
    readonly names: string[];
    readonly spend: (number | null)[];
    readonly revenue: (number | null)[] | null;
    readonly table: Table;
  };
  readonly campaigns: CampaignExtremes;
}

/** The best and worst campaigns of a currency, by the rule the dashboard uses (analysis/extremes.ts). */
export interface CampaignExtremes {
  /** "ROAS", "CPA" or "CTR"; null when no campaign has any of them. */
  readonly rankedBy: string | null;
  /** What they are ranked by and what was left out. */
  readonly note: string;
  /** Null when fewer than two campaigns can be compared (NOT_ENOUGH_CAMPAIGNS is said instead). */
  readonly lists: { readonly best: Table; readonly worst: Table } | null;
}

/** An insight, recommendation or anomaly as a deck shows it: numbered in its section, its words said once, its evidence as text. */
export interface DeckItem {
  readonly number: number;
  readonly heading: string;
  /** Null when the sentence would repeat the heading. */
  readonly body: string | null;
  readonly evidence: string[];
}

export interface DeckModel {
  readonly title: string;
  readonly subtitle: string;
  readonly generatedAt: string;
  readonly branding: Branding | null;
  readonly summary: string;
  /** The figures read first, on the summary page: a row of tiles for each of the first currencies. */
  readonly headline: HeadlineRow[];
  readonly blocks: CurrencyBlock[];
  readonly anomalies: DeckItem[];
  readonly pacing: DeckItem[];
  readonly insights: DeckItem[];
  readonly recommendations: DeckItem[];
  /** What a section leaves out past ITEMS_SHOWN, said under it ("4 more anomalies …"); null when it shows all. */
  readonly more: Readonly<Record<'anomalies' | 'pacing' | 'insights' | 'recommendations', string | null>>;
  readonly quality: Table;
  /** Each data-quality warning once, with the files it applies to, then the analysis's; no rows when there is none. */
  readonly warnings: Table;
  readonly files: Table;
  readonly methodology: string[];
}

const KPI_TILES = [
  'spend',
  'revenue',
  'roas',
  'conversions',
  'cpa',
  'ctr',
  'cpc',
  'cpm',
  'impressions',
  'clicks',
] as const;
const HEADLINE_METRICS: readonly string[] = ['spend', 'revenue', 'roas', 'conversions', 'cpa'];
/** Currencies past these two keep their figures to their own overview pages. */
const HEADLINE_ROWS = 2;
const TABLE_METRICS = ['spend', 'revenue', 'roas', 'conversions', 'cpa', 'clicks', 'ctr'] as const;
const MAX_PLATFORMS = 10;
/** More points than this and a chart reads as noise: the next granularity up is shown. */
const MAX_POINTS = 62;
export const ITEMS_SHOWN = 8;

/** A change as people read it: "+12.3%", "−4.0%", "no change", "no previous period". */
export function formatChange(relative: number | null): string {
  if (relative === null || !Number.isFinite(relative)) return 'no previous period';
  if (relative === 0) return 'no change';
  const percent = Math.abs(relative * 100);
  const text = percent.toLocaleString('en-US', {
    minimumFractionDigits: 1,
    maximumFractionDigits: percent < 100 ? 1 : 0,
  });
  return `${relative > 0 ? '+' : '−'}${text}%`;
}

const num = (row: ReportRow | undefined, key: string): number | null =>
  row && typeof row[key] === 'number' ? row[key] : null;

function metricsOf(rows: readonly ReportRow[]): string[] {
  return TABLE_METRICS.filter((metric) => rows.some((row) => num(row, metric) !== null));
}

function tableOf(
  key: { column: string; label: string },
  rows: readonly ReportRow[],
  metrics: readonly string[],
  currency: string | null,
): Table {
  return {
    header: [key.label, ...metrics.map(labelOf)],
    rows: rows.map((row) => [
      String(row[key.column] ?? '(none)'),
      ...metrics.map((metric) => (num(row, metric) === null ? '—' : formatMetric(metric, num(row, metric), currency))),
    ]),
  };
}

function trendOf(content: AnalysisContent, currency: string | null): TrendData {
  const series = content.result.timeSeries;
  const choice =
    (['day', 'week', 'month'] as const).find(
      (granularity) => (series[granularity] ?? []).filter((row) => row.currency === currency).length <= MAX_POINTS,
    ) ?? 'month';
  const points = (series[choice] ?? []).filter((row) => row.currency === currency);
  const column = (metric: string) =>
    points.some((row) => num(row, metric) !== null) ? points.map((row) => num(row, metric)) : null;
  return {
    granularity: choice,
    periods: points.map((row) => String(row.period)),
    spend: points.map((row) => num(row, 'spend')),
    revenue: column('revenue'),
    roas: column('roas'),
    cpa: column('cpa'),
  };
}

function campaignsOf(rows: readonly ReportRow[], currency: string | null): CampaignExtremes {
  const extremes = rankExtremes(rows);
  const metrics = metricsOf([...extremes.best, ...extremes.worst]);
  const campaignTable = (ranked: readonly ReportRow[]) =>
    tableOf({ column: 'campaign', label: 'Campaign' }, ranked, metrics, currency);
  return {
    rankedBy: extremes.ranking?.label ?? null,
    note: extremesNote(extremes, (amount) => formatMetric('spend', amount, currency)),
    lists:
      extremes.best.length === 0 ? null : { best: campaignTable(extremes.best), worst: campaignTable(extremes.worst) },
  };
}

function blockOf(content: AnalysisContent, total: ReportRow): CurrencyBlock {
  const currency = typeof total.currency === 'string' ? total.currency : null;
  const comparison = content.result.periodOverPeriod?.byCurrency[String(total.currency ?? 'unknown')];
  const kpis = KPI_TILES.filter((metric) => metric in total).map((metric) => {
    const change = comparison?.change[metric]?.relative ?? null;
    return {
      metric,
      label: labelOf(metric),
      value: num(total, metric),
      text: formatMetric(metric, num(total, metric), currency),
      change,
      changeText: formatChange(change),
    };
  });
  const platforms = (content.result.breakdowns.platform ?? [])
    .filter((row) => row.currency === total.currency)
    .sort((a, b) => (num(b, 'spend') ?? 0) - (num(a, 'spend') ?? 0))
    .slice(0, MAX_PLATFORMS);
  const hasRevenue = platforms.some((row) => num(row, 'revenue') !== null);
  return {
    label: currency ?? 'no stated currency',
    currency,
    kpis,
    trend: trendOf(content, currency),
    platforms: {
      names: platforms.map((row) => String(row.platform ?? '(none)')),
      spend: platforms.map((row) => num(row, 'spend')),
      revenue: hasRevenue ? platforms.map((row) => num(row, 'revenue')) : null,
      table: tableOf({ column: 'platform', label: 'Platform' }, platforms, metricsOf(platforms), currency),
    },
    campaigns: campaignsOf(
      (content.result.breakdowns.campaign ?? []).filter((row) => row.currency === total.currency),
      currency,
    ),
  };
}

function methodology(content: AnalysisContent): string[] {
  const { conversion, currencies } = content.result;
  const ratio = (kpi: keyof typeof KPI_DEFINITIONS) => {
    const { numerator, denominator, scale } = KPI_DEFINITIONS[kpi];
    return `${labelOf(kpi)} = sum of ${metricName(numerator)} ÷ sum of ${metricName(denominator)}${scale === 1 ? '' : ` × ${scale.toLocaleString('en-US')}`}`;
  };
  return [
    'Every KPI is a ratio of sums over the rows in scope, never an average of per-row ratios; a zero denominator leaves it not defined.',
    ...(['ctr', 'cpc', 'cpm', 'cpa', 'roas', 'cvr', 'aov'] as const).map(ratio),
    `${labelOf('profit')} = sum of revenue − sum of spend on the rows that report revenue: ad spend is the only cost in the data, so this is not profit.`,
    'A KPI that needs revenue or conversions is computed over the rows that report them; where that is part of the spend, the share is stated.',
    'Period over period compares the range with the same number of days just before it.',
    conversion
      ? `Money was converted to ${conversion.to} at the rates given: ${
          Object.entries(conversion.rates)
            .map(([code, rate]) => `1 ${code} = ${rate} ${conversion.to}`)
            .join(', ') || 'none needed'
        }.`
      : currencies.length > 1
        ? `The data holds ${currencies.length} currencies (${currencies.map((code) => code ?? 'not stated').join(', ')}): money is never added across them; each has its own figures, series and rows.`
        : 'Money is in one currency, as the files state it.',
  ];
}

/**
 * Each data-quality warning once, naming the files it applies to in the order they were analysed: four
 * exports that all lack a currency column give one row, not the same sentence four times.
 */
export function warningsByFile(datasets: readonly Pick<DatasetSummary, 'file' | 'quality'>[]): Table {
  const files = new Map<string, Set<string>>();
  for (const dataset of datasets)
    for (const warning of dataset.quality.warnings)
      files.set(warning, (files.get(warning) ?? new Set()).add(dataset.file));
  return {
    header: ['Warning', 'Files'],
    rows: [...files].map(([warning, names]) => [warning, [...names].join(', ')]),
  };
}

/** The analysis's own warnings (a file that ends early, negative values in the totals, KPIs left undefined), which concern no one file, above the files' ones. */
function warningsOf(result: Pick<AnalysisReport, 'datasets' | 'warnings'>): Table {
  const byFile = warningsByFile(result.datasets);
  return { ...byFile, rows: [...(result.warnings ?? []).map((warning) => [warning, '—']), ...byFile.rows] };
}

/** A section's items past those shown, said as left out; null when none is. */
function moreText(count: number, singular: string, pluralForm: string): string | null {
  const left = count - ITEMS_SHOWN;
  if (left <= 0) return null;
  return `${plural(left, `more ${singular}`, `more ${pluralForm}`)}, ranked lower, ${left === 1 ? 'is' : 'are'} left out of this deck.`;
}

/** The deck of an analysis. */
export function buildDeck(content: AnalysisContent): DeckModel {
  const { result } = content;
  const totals = totalRows(result);
  const range =
    result.dateRange.from && result.dateRange.to
      ? formatDays(result.dateRange.from, result.dateRange.to)
      : 'no dated rows';
  const sections = itemSections(content, { pacing: true });
  const currency = itemCurrency(content);
  const shown = (items: readonly ReportItem[]): DeckItem[] =>
    items.slice(0, ITEMS_SHOWN).map((item) => ({
      number: item.rank,
      ...itemWords(item),
      evidence: evidenceLines(item, currency),
    }));
  const blocks = totals.map((total) => blockOf(content, total));
  return {
    title: content.title,
    subtitle: `${range} · ${plural(result.rows, 'row')} · ${result.currencies.map((code) => code ?? 'no stated currency').join(', ') || 'no currency'}`,
    generatedAt: result.generatedAt,
    branding: content.branding,
    summary:
      content.summary?.text ??
      (totals.length === 0
        ? 'No row falls in the range of this analysis, so there is nothing to summarise.'
        : 'No executive summary is stored for this analysis.'),
    headline: blocks.slice(0, HEADLINE_ROWS).map((block) => ({
      label: block.label,
      figures: block.kpis.filter((kpi) => HEADLINE_METRICS.includes(kpi.metric) && kpi.value !== null),
    })),
    blocks,
    more: {
      anomalies: moreText(sections.anomalies.length, 'anomaly', 'anomalies'),
      pacing: moreText(sections.pacing.length, 'budget off its pace', 'budgets off their pace'),
      insights: moreText(sections.insights.length, 'insight', 'insights'),
      recommendations: moreText(sections.recommendations.length, 'recommendation', 'recommendations'),
    },
    anomalies: shown(sections.anomalies),
    pacing: shown(sections.pacing),
    insights: shown(sections.insights),
    recommendations: shown(sections.recommendations),
    quality: {
      header: ['File', 'Rows read', 'Rows kept', 'Totals dropped', 'Duplicates', 'Unparseable values', 'Warnings'],
      rows: result.datasets.map((dataset) => [
        dataset.file,
        formatCount(dataset.quality.rowsRead),
        formatCount(dataset.quality.rowsKept),
        formatCount(dataset.quality.dropped.totals),
        formatCount(dataset.quality.duplicates),
        formatCount(dataset.quality.unparseableValues),
        formatCount(new Set(dataset.quality.warnings).size),
      ]),
    },
    warnings: warningsOf(result),
    files: {
      header: ['File', 'Platform', 'Rows', 'From', 'To', 'Currencies'],
      rows: result.datasets.map((dataset) => [
        dataset.file,
        dataset.platform,
        formatCount(dataset.rows),
        dataset.dateRange.from ?? '—',
        dataset.dateRange.to ?? '—',
        dataset.currencies.map((code) => code ?? 'not stated').join(', ') || '—',
      ]),
    },
    methodology: methodology(content),
  };
}

/** A headline tile's caption: the figure's name, and its currency when the summary shows more than one. */
export function tileCaption(deck: DeckModel, row: HeadlineRow, figure: KpiFigure): string {
  return deck.headline.length > 1 ? `${figure.label} · ${row.label}` : figure.label;
}

/**
 * One font size for a row of tiles' figures, the largest up to `max` at which the longest figure
 * fits the tile's width (a bold digit is about 0.7 em in DejaVu Sans, which stands in for Calibri where it is missing): tiles of one row read alike.
 */
export function tileFontSize(row: HeadlineRow, tileWidthPt: number, max: number): number {
  const longest = Math.max(1, ...row.figures.map((figure) => figure.text.length));
  return Math.max(9, Math.min(max, Math.floor(tileWidthPt / (0.7 * longest))));
}
