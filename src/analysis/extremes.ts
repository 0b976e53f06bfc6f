/**
 * The best and worst campaigns of one currency, by one rule for every surface
 * (the dashboard card, the PPTX and the PDF): a client who reads two of them
 * must see the same campaigns called best and worst. Pure and import-free, so
 * the web app bundles it as it is.
 */

/** The KPIs that say how well a campaign performs; spend says how big it is, so it never ranks. */
export type RankingKpi = 'roas' | 'cpa' | 'ctr';

export interface Ranking {
  readonly kpi: RankingKpi;
  readonly label: 'ROAS' | 'CPA' | 'CTR';
  /** False for CPA: the cheapest conversion is the best. */
  readonly higherIsBetter: boolean;
}

/** A campaign breakdown row as the server's report and the web's API client both type it: figures are numbers where defined. */
export interface CampaignRow {
  readonly campaign?: unknown;
  readonly spend?: string | number | null;
  readonly roas?: string | number | null;
  readonly cpa?: string | number | null;
  readonly ctr?: string | number | null;
}

export interface Extremes<Row extends CampaignRow> {
  /** Null when no eligible campaign has any of the KPIs (no revenue, conversions or clicks). */
  readonly ranking: Ranking | null;
  /** Best first. */
  readonly best: Row[];
  /** Worst first; never a campaign that is also in `best`. */
  readonly worst: Row[];
  /** Campaigns that were ranked: at or above the spend share and with a value of the KPI. */
  readonly ranked: number;
  /** Campaigns under MIN_SPEND_SHARE of the currency's spend. */
  readonly belowSpendShare: number;
  /** Campaigns large enough whose KPI is not defined (no revenue, conversions or impressions of their own). */
  readonly withoutKpi: number;
}

/** Campaigns below this share of the currency's spend are too small to call best or worst. */
export const MIN_SPEND_SHARE = 0.01;
/** At most this many in each list. */
export const EXTREMES_SHOWN = 3;
export const NOT_ENOUGH_CAMPAIGNS = 'Not enough campaigns to compare.';

const RANKINGS: readonly Ranking[] = [
  { kpi: 'roas', label: 'ROAS', higherIsBetter: true },
  { kpi: 'cpa', label: 'CPA', higherIsBetter: false },
  { kpi: 'ctr', label: 'CTR', higherIsBetter: true },
];

const figure = (value: string | number | null | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const spendOf = (row: CampaignRow): number => Math.max(0, figure(row.spend) ?? 0);
const nameOf = (row: CampaignRow): string =>
  typeof row.campaign === 'string' || typeof row.campaign === 'number' ? String(row.campaign) : '';

/**
 * Ranks campaigns by the KPI that fits the data: ROAS when revenue is reported, else CPA (lower is
 * better), else CTR. With no spend at all, money KPIs say nothing, so CTR ranks. Each list holds
 * min(EXTREMES_SHOWN, ⌊n/2⌋) of the n ranked campaigns, so with four the two best and the two worst
 * are shown and none is called both. Ties go to the larger spend (more evidence), then to the name in
 * code-unit order, so the same rows always give the same lists.
 */
export function rankExtremes<Row extends CampaignRow>(rows: readonly Row[]): Extremes<Row> {
  const total = rows.reduce((sum, row) => sum + spendOf(row), 0);
  const large = rows.filter((row) => spendOf(row) >= MIN_SPEND_SHARE * total);
  const ranking =
    RANKINGS.filter((candidate) => total > 0 || candidate.kpi === 'ctr').find((candidate) =>
      large.some((row) => figure(row[candidate.kpi]) !== null),
    ) ?? null;
  const scored = ranking
    ? large.flatMap((row) => {
        const value = figure(row[ranking.kpi]);
        return value === null ? [] : [{ row, value: ranking.higherIsBetter ? -value : value }];
      })
    : [];
  const ranked = scored
    .sort(
      (a, b) =>
        a.value - b.value ||
        spendOf(b.row) - spendOf(a.row) ||
        (nameOf(a.row) < nameOf(b.row) ? -1 : nameOf(a.row) > nameOf(b.row) ? 1 : 0),
    )
    .map(({ row }) => row);
  const shown = Math.min(EXTREMES_SHOWN, Math.floor(ranked.length / 2));
  return {
    ranking,
    best: ranked.slice(0, shown),
    worst: ranked.slice(ranked.length - shown).reverse(),
    ranked: ranked.length,
    belowSpendShare: rows.length - large.length,
    withoutKpi: large.length - ranked.length,
  };
}

/** What the lists are ranked by and what was left out, as one sentence for a card's or a slide's subtitle. */
export function extremesNote(extremes: Extremes<CampaignRow>): string {
  const { ranking, withoutKpi } = extremes;
  const smallOnes = `campaigns under ${MIN_SPEND_SHARE * 100}% of spend are left out`;
  if (!ranking) return `No campaign reports revenue, conversions or clicks to rank by; ${smallOnes}.`;
  const without =
    withoutKpi === 0
      ? ''
      : `, as ${withoutKpi === 1 ? 'is 1 campaign' : `are ${withoutKpi} campaigns`} without ${ranking.label}`;
  return `By ${ranking.label} (${ranking.higherIsBetter ? 'higher' : 'lower'} is better); ${smallOnes}${without}.`;
}
