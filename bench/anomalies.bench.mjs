// Anomaly baselines over a year of 200 campaigns (the daily series a 1M-row
// file gives): the rolling median/MAD of every day against the 14 before it.
// Target: well under a second of CPU, so insight generation never stalls.
import { detectAnomalies } from '../dist/insights/anomalies.js';
import { seriesOfDays } from '../dist/insights/day-series.js';

export const title = 'Anomaly detection (200 campaigns × 365 days)';

function series(days, seed) {
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const start = Date.parse('2025-01-01T00:00:00Z');
  return Array.from({ length: days }, (_, index) => {
    const impressions = Math.round(20_000 + random() * 5_000);
    const clicks = Math.round(impressions * (0.01 + random() * 0.005));
    const spend = clicks * (0.8 + random() * 0.4) * (index === 200 ? 6 : 1);
    const conversions = Math.round(clicks * (0.05 + random() * 0.02));
    const revenue = conversions * (40 + random() * 10);
    return {
      date: new Date(start + index * 86_400_000).toISOString().slice(0, 10),
      impressions,
      reach: null,
      clicks,
      spend,
      conversions,
      revenue,
      ctr: (clicks / impressions) * 100,
      cpc: spend / clicks,
      cpm: (spend / impressions) * 1000,
      cvr: (conversions / clicks) * 100,
      cpa: conversions > 0 ? spend / conversions : null,
      roas: revenue / spend,
      frequency: null,
    };
  });
}

export async function run() {
  const campaigns = Object.fromEntries(
    Array.from({ length: 200 }, (_, index) => [`Campaign ${index}`, seriesOfDays(series(365, index + 1))]),
  );
  const total = series(365, 999);
  const input = {
    daily: total,
    dailyByPlatform: { Meta: seriesOfDays(total) },
    dailyByCampaign: campaigns,
    totals: { spend: 1 },
    currency: 'USD',
  };
  detectAnomalies(input);
  const runs = [];
  for (let index = 0; index < 5; index++) {
    const started = performance.now();
    // A fresh input each run: detectAnomalies keeps what it found per input.
    detectAnomalies({ ...input });
    runs.push(performance.now() - started);
  }
  runs.sort((a, b) => a - b);
  const median = Math.round(runs[2]);
  return [
    { name: 'detectAnomalies, median of 5 runs', value: median, unit: 'ms', target: '< 1000 ms', ok: median < 1000 },
  ];
}
