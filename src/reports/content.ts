import type { AnalysisReport, PeriodComparison } from '../analysis/index.js';
import type { GeneratedItem, ExecutiveSummary } from '../insights/index.js';

/** An insight, recommendation or anomaly as a document shows it. */
export type ReportItem = Pick<
  GeneratedItem,
  'kind' | 'rank' | 'priority' | 'category' | 'ruleId' | 'subject' | 'title' | 'sentence' | 'evidence' | 'payload'
>;

/** An organisation's look on its documents (its `custom_branding` feature on): a colour and a PNG logo. */
export interface Branding {
  readonly name: string;
  /** "#RRGGBB". */
  readonly color: string | null;
  /** A PNG, base64. */
  readonly logoPng: string | null;
}

/** Everything a document of an analysis shows: its figures, the words about them, and whose it is. */
export interface AnalysisContent {
  readonly title: string;
  readonly result: AnalysisReport & { readonly periodOverPeriod?: PeriodComparison | null };
  readonly summary: ExecutiveSummary | null;
  /** Shown items only (suppressed ones stay out of documents), each kind in rank order. */
  readonly items: readonly ReportItem[];
  readonly branding: Branding | null;
}

export function itemsOf(content: Pick<AnalysisContent, 'items'>, kind: ReportItem['kind']): ReportItem[] {
  return content.items.filter((item) => item.kind === kind).sort((a, b) => a.rank - b.rank);
}

const COLOR = /^#[0-9a-f]{6}$/i;
const PNG_DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/;
const PNG_SIGNATURE = '89504e470d0a1a0a';

/**
 * The branding an organisation's metadata declares (`metadata.branding`:
 * `{ color: "#RRGGBB", logo: "data:image/png;base64,..." }`), kept only when
 * well formed: a colour that is not a colour or a logo that is not a PNG is
 * left out rather than drawn wrong.
 */
export function brandingOf(name: string, metadata: Readonly<Record<string, unknown>>): Branding {
  const declared = metadata.branding;
  const branding = typeof declared === 'object' && declared !== null ? (declared as Record<string, unknown>) : {};
  const color = typeof branding.color === 'string' && COLOR.test(branding.color) ? branding.color.toUpperCase() : null;
  const match = typeof branding.logo === 'string' ? PNG_DATA_URL.exec(branding.logo) : null;
  const logoPng =
    match && Buffer.from(match[1]!, 'base64').subarray(0, 8).toString('hex') === PNG_SIGNATURE ? match[1]! : null;
  return { name, color, logoPng };
}
