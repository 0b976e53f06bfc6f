/*
 * Campaign files for tests: one place that writes them, so a test states the
 * rows it needs (and its expectations follow from them) instead of building
 * its own CSV by hand.
 */

const PLATFORMS = ['Meta', 'Google Ads', 'LinkedIn', 'TikTok'];
const DEVICES = ['Desktop', 'Mobile', 'Tablet'];

/**
 * A campaign export of `rows` rows (`campaigns` campaigns over 365 days, deterministic):
 * with enough rows, the campaign × day series alone are campaigns × 365 groups.
 */
export function campaignCsv(rows: number, campaigns = 200, seed = 1): string {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const start = Date.UTC(2025, 0, 1);
  const lines = ['Date,Platform,Campaign_Name,Ad_Set_Name,Device,Impressions,Clicks,Spend,Conversions,Revenue'];
  for (let index = 0; index < rows; index++) {
    const campaign = index % campaigns;
    const day = new Date(start + (Math.floor(index / campaigns) % 365) * 86_400_000).toISOString().slice(0, 10);
    const impressions = 1_000 + Math.floor(next() * 5_000);
    const clicks = Math.floor(impressions * (0.005 + next() * 0.02));
    const conversions = Math.floor(clicks * next() * 0.1);
    lines.push(
      `${day},${PLATFORMS[campaign % 4]},Campaign ${campaign},Ad Set ${index % 50},${DEVICES[index % 3]},${impressions},${clicks},${(clicks * (0.5 + next())).toFixed(2)},${conversions},${(conversions * (20 + next() * 80)).toFixed(2)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One campaign's figures for every day of a daily export. */
export interface DailyCampaign {
  readonly platform: string;
  readonly campaign: string;
  readonly impressions: number;
  readonly clicks: number;
  readonly spend: number;
  readonly conversions: number;
  readonly revenue: number;
}

/**
 * A daily export: every campaign with the same figures on each of `days` days
 * from `from` (YYYY-MM-DD, UTC), so totals are the figures × days. A
 * `currency` adds a Currency column (last).
 */
export function dailyCsv(options: {
  from: string;
  days: number;
  campaigns: readonly DailyCampaign[];
  currency?: string;
}): string {
  const currency = options.currency === undefined ? '' : ',Currency';
  const lines = [`Date,Platform,Campaign,Impressions,Clicks,Spend,Conversions,Revenue${currency}`];
  const start = Date.parse(`${options.from}T00:00:00Z`);
  for (let day = 0; day < options.days; day++) {
    const date = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    for (const row of options.campaigns) {
      const figures = [row.impressions, row.clicks, row.spend, row.conversions, row.revenue].join(',');
      lines.push(
        `${date},${row.platform},${row.campaign},${figures}${options.currency === undefined ? '' : `,${options.currency}`}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A Meta campaign that earns 6× its spend and one that earns 0.3× (equal spend, impressions and clicks). */
export const WINNER_AND_LOSER: readonly DailyCampaign[] = [
  { platform: 'Meta', campaign: 'Winner', impressions: 10_000, clicks: 200, spend: 100, conversions: 10, revenue: 600 },
  { platform: 'Meta', campaign: 'Loser', impressions: 10_000, clicks: 200, spend: 100, conversions: 1, revenue: 30 },
];
