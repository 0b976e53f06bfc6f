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
  /** Campaigns that were ranked: at or above the spend floor and with a value of the KPI. */
  readonly ranked: number;
  /** The least spend, in the currency, a campaign needs to be ranked; 0 when nothing was spent. */
  readonly spendFloor: number;
  /** Campaigns that spent less than `spendFloor`. */
  readonly belowSpendFloor: number;
  /** Campaigns large enough whose KPI is not defined (no revenue, conversions or impressions of their own). */
  readonly withoutKpi: number;
}

/**
 * A campaign is too small to call best or worst under the spend floor: the lower of this percentage
 * of the currency's spend, which leaves out a test campaign beside a few large ones…
 */
export const FLOOR_PERCENT_OF_TOTAL = 1;
/**
 * …and this percentage of the average spend of the campaigns that spent anything, which keeps an
 * account of many similar campaigns (200 at 0.5 % each) ranked rather than leaving every one out.
 */
export const FLOOR_PERCENT_OF_AVERAGE = 10;
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
/**
 * The spend floor of a set of campaigns (see FLOOR_PERCENT_OF_TOTAL); 0 when none spent anything.
 * Divided by whole numbers last, so a floor of 3.01 is 3.01 and a campaign that spent exactly that is in.
 */
function spendFloorOf(rows: readonly CampaignRow[]): number {
  const spending = rows.map(spendOf).filter((spend) => spend > 0);
  if (spending.length === 0) return 0;
  const total = spending.reduce((sum, spend) => sum + spend, 0);
  return Math.min((total * FLOOR_PERCENT_OF_TOTAL) / 100, (total * FLOOR_PERCENT_OF_AVERAGE) / (100 * spending.length));
}
const nameOf = (row: CampaignRow): string =>
  typeof row.campaign === 'string' || typeof row.campaign === 'number' ? String(row.campaign) : '';

/**
 * Ranks campaigns by the KPI that fits the data: ROAS when revenue is reported, else CPA (lower is
 * better), else CTR, over the campaigns at or above the spend floor. With no spend at all, money KPIs
 * say nothing, so CTR ranks. Each list holds min(EXTREMES_SHOWN, ⌊n/2⌋) of the n ranked campaigns,
 * so with four the two best and the two worst are shown and none is called both. Ties go to the larger spend (more evidence), then to the name in
 * code-unit order, so the same rows always give the same lists.
 */
export function rankExtremes<Row extends CampaignRow>(rows: readonly Row[]): Extremes<Row> {
  const spendFloor = spendFloorOf(rows);
  const large = rows.filter((row) => spendOf(row) >= spendFloor);
  const ranking =
    // A floor of 0 means nothing was spent.
    RANKINGS.filter((candidate) => spendFloor > 0 || candidate.kpi === 'ctr').find((candidate) =>
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
    spendFloor,
    belowSpendFloor: rows.length - large.length,
    withoutKpi: large.length - ranked.length,
  };
}

const campaigns = (count: number): string => (count === 1 ? '1 campaign' : `${count} campaigns`);

/**
 * What the lists are ranked by and what was left out, as one sentence for a card's or a slide's
 * subtitle. `money` formats the spend floor as the surface formats money ("12.40 USD", "$12.40").
 */
export function extremesNote(extremes: Extremes<CampaignRow>, money: (amount: number) => string): string {
  const { ranking, withoutKpi, belowSpendFloor, spendFloor } = extremes;
  const floor = money(spendFloor);
  if (!ranking)
    return belowSpendFloor === 0
      ? 'No campaign reports revenue, conversions or clicks to rank by.'
      : `No campaign that spent at least ${floor} reports revenue, conversions or clicks to rank by.`;
  const left = [
    ...(belowSpendFloor === 0 ? [] : [`${campaigns(belowSpendFloor)} that spent under ${floor}`]),
    ...(withoutKpi === 0 ? [] : [`${campaigns(withoutKpi)} without ${ranking.label}`]),
  ];
  const order = `By ${ranking.label} (${ranking.higherIsBetter ? 'higher' : 'lower'} is better)`;
  if (left.length === 0) return `${order}.`;
  return `${order}; ${left.join(' and ')} ${belowSpendFloor + withoutKpi === 1 ? 'is' : 'are'} left out.`;
}
