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
