import { columnKind, columnLabel } from './columns.js';
import { formatCount, formatDay, formatDays, formatMetric, formatPercent, formatRatio, metricKind } from './format.js';
import { labelOf, nameInSentence } from './labels.js';

/**
 * An item's evidence as a client reads it, the same in the PDF, the PPTX and
 * the workbook: the rules store figures under camelCase keys with raw numbers
 * ("overallRoas: 2.5", "share: 0.757"); documents show labels and figures
 * formatted as the item's sentence formats them ("Overall ROAS: 2.50",
 * "Share: 75.7%").
 */

type Figure = number | string | null;

/**
 * What evidence is read from: an insight, recommendation or anomaly as the documents have it and as
 * the web app's dashboard receives it (its figures typed loosely by the API). This file imports only
 * pure modules of its own feature, so the web app bundles it and the dashboard words evidence as the decks do.
 */
export interface EvidenceSource {
  /** What the finding is about ("campaign:Brand search"). */
  readonly subject: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly evidence: { readonly figures: Readonly<Record<string, unknown>> };
}

/** An item with the rows of its evidence too, for the documents' lines. */
export interface EvidenceWithRows extends EvidenceSource {
  readonly evidence: EvidenceSource['evidence'] & {
    readonly rows: readonly {
      readonly dimension: string;
      readonly key: string;
      readonly values: Readonly<Record<string, number | null>>;
    }[];
  };
}

const figureOf = (value: unknown): Figure => (typeof value === 'number' || typeof value === 'string' ? value : null);

/** A figure of the evidence as a line reads it: "Overall ROAS" and "2.50". */
export interface EvidenceFigure {
  readonly label: string;
  readonly text: string;
}

/** Keys whose words alone would read oddly. */
const LABELS: Readonly<Record<string, string>> = {
  stake: 'Money at stake',
  alsoSeenIn: 'Also seen in',
  changePercent: 'Change',
  othersCvr: 'CVR of the others',
  of: 'Rows in all',
  compared: 'Currency compared',
  leftOut: 'Currencies left out',
  missing: 'Missing columns',
  expectedToDate: 'Expected spend to date',
  ctrFirst: 'CTR at the start',
  ctrLast: 'CTR at the end',
  frequencyFirst: 'Frequency at the start',
  frequencyLast: 'Frequency at the end',
  more: 'More outliers',
};

/** Two figures that read as one span: "Usual range: 10.00 USD to 40.00 USD", "Last 7 days: Nov 7 – 13, 2025". */
const SPANS: readonly (readonly [from: string, to: string, label: string])[] = [
  ['low', 'high', 'Usual range'],
  ['from', 'to', 'Period'],
  ['recentFrom', 'recentTo', 'Last 7 days'],
];

/** Fractions of 1 that sentences write as percentages ("75.7%"), as precise as the sentences. */
const SHARES = new Set(['share', 'pace']);
/** Amounts of money whose key names no metric. */
const MONEY = new Set(['stake', 'budget', 'expectedToDate']);
/** Keys that hold a figure of the item's own metric (an anomaly's, a KPI compared with the previous period). */
const OF_METRIC = new Set(['value', 'median', 'low', 'high', 'current', 'previous', 'benchmark']);

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

const wordsOf = (key: string): string[] => key.split(/(?=[A-Z])/).map((word) => word.toLowerCase());

/** The metric an item is about, for figures such as `value` or `benchmark` whose key does not name it. */
function metricOf(item: EvidenceSource): string | null {
  if (typeof item.payload.metric === 'string' && metricKind(item.payload.metric)) return item.payload.metric;
  const named = Object.keys(item.evidence.figures).find((key) => metricKind(key) !== undefined);
  if (named) return named;
  return metricKind(item.subject) ? item.subject : null;
}

function labelOfKey(key: string, metric: string | null): string {
  if (Object.hasOwn(LABELS, key)) return LABELS[key]!;
  if (OF_METRIC.has(key) && metric) {
    const name = labelOf(metric);
    if (key === 'value') return `${name} on the day`;
    if (key === 'median') return `Usual ${nameInSentence(metric)} (median)`;
    if (key === 'current') return `${name} this period`;
    if (key === 'previous') return `${name} in the previous period`;
    if (key === 'benchmark') return `${name} benchmark`;
  }
  if (columnKind(key)) return columnLabel(key);
  // "overallRoas" → "Overall ROAS", "benchmarkSource" → "Benchmark source".
  const text = wordsOf(key)
    .map((word) => (metricKind(word) ? nameInSentence(word) : word))
    .join(' ');
  return text.replace(/^./, (first) => first.toUpperCase());
}

function numberText(key: string, value: number, metric: string | null, currency: string | null): string {
  if (SHARES.has(key) || /Share$|Coverage$/.test(key)) return formatPercent(value * 100);
  if (key === 'changePercent') return `${value > 0 ? '+' : ''}${formatPercent(value)}`;
  // How far a day lies from its usual level, in the robust deviations the anomaly rule measures.
  if (key === 'deviation')
    return `${formatRatio(Math.abs(value))} robust deviations ${value < 0 ? 'below' : 'above'} the median`;
  if (MONEY.has(key)) return formatMetric('spend', value, currency);
  const named = columnKind(key) ? key : wordsOf(key).find((word) => metricKind(word) !== undefined);
  const shownAs = named ?? (OF_METRIC.has(key) ? metric : null);
  if (shownAs) return formatMetric(shownAs, value, currency);
  return Number.isInteger(value) ? formatCount(value) : formatRatio(value);
}

function valueText(key: string, value: Figure, metric: string | null, currency: string | null): string {
  if (value === null) return 'not defined';
  if (typeof value === 'string') return ISO_DAY.test(value) ? formatDay(value) : value;
  return Number.isFinite(value) ? numberText(key, value, metric, currency) : 'not defined';
}

/** The figures of an item's evidence, labelled and formatted; money in `currency` (the one the items compare). */
export function evidenceFigures(item: EvidenceSource, currency: string | null): EvidenceFigure[] {
  const figures = item.evidence.figures;
  const metric = metricOf(item);
  const spanned = new Set<string>();
  const shown: EvidenceFigure[] = [];
  for (const [key, given] of Object.entries(figures)) {
    if (spanned.has(key)) continue;
    const value = figureOf(given);
    const span = SPANS.find(([from]) => from === key);
    const end = span && Object.hasOwn(figures, span[1]) ? figureOf(figures[span[1]]) : undefined;
    if (span && end !== undefined) {
      spanned.add(span[1]);
      const text =
        typeof value === 'string' && typeof end === 'string' && ISO_DAY.test(value) && ISO_DAY.test(end)
          ? formatDays(value, end)
          : `${valueText(key, value, metric, currency)} to ${valueText(span[1], end, metric, currency)}`;
      shown.push({ label: span[2], text });
      continue;
    }
    shown.push({ label: labelOfKey(key, metric), text: valueText(key, value, metric, currency) });
  }
  return shown;
}

/** The figures of an item's evidence on one line: "Overall ROAS: 2.50 · Share: 75.7%". */
export function evidenceText(item: EvidenceSource, currency: string | null): string {
  return evidenceFigures(item, currency)
    .map(({ label, text }) => `${label}: ${text}`)
    .join(' · ');
}

/** Evidence rows shown at most; the rest are in the workbook and the API. */
const ROWS_SHOWN = 10;

/** The evidence as lines for captions and speaker notes: its figures, then its rows ("Meta (platform): spend 1,200.00 USD"). */
export function evidenceLines(item: EvidenceWithRows, currency: string | null): string[] {
  return [
    ...evidenceFigures(item, currency).map(({ label, text }) => `${label}: ${text}`),
    ...item.evidence.rows.slice(0, ROWS_SHOWN).map(
      (row) =>
        `${row.key} (${nameInSentence(row.dimension)}): ${Object.entries(row.values)
          .map(([name, value]) => `${nameInSentence(name)} ${formatMetric(name, value, currency)}`)
          .join(', ')}`,
    ),
  ];
}
