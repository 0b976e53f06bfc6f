import { describe, expect, it } from 'vitest';
import { anomalySentence, detectAnomalies, SortedWindow, seriesAnomalies } from '../../src/insights/anomalies.js';
import { dailyOutliers } from '../../src/insights/rules/anomaly.js';
import { median } from '../../src/insights/rules/helpers.js';
import { days, input } from './fixtures.js';

const quiet = (index: number) => ({ spend: 100 + (index % 5) * 2, impressions: 10_000, clicks: 200 + (index % 3), conversions: 10 + (index % 2), revenue: 400 });

describe('anomalies a person would act on', () => {
  it('keeps the sliding median and MAD equal to sorting each window', () => {
    const window = new SortedWindow();
    const values = [5, 1, 9, 3, 3, 7, 2, 8, 6, 4, 10, 0];
    for (const [index, value] of values.entries()) {
      window.insert(value);
      if (index >= 5) window.remove(values[index - 5]!);
      const held = values.slice(Math.max(0, index - 4), index + 1);
      const center = median(held);
      expect(window.median()).toBe(center);
      expect(window.mad(center)).toBe(median(held.map((item) => Math.abs(item - center))));
    }
  });

  it('judges a rate only with enough clicks or conversions behind it', () => {
    const thin = days([...Array.from({ length: 20 }, (_, i) => ({ spend: 10, impressions: 2000, clicks: 5 + (i % 2), conversions: 1 })), { spend: 10, impressions: 2000, clicks: 40, conversions: 1 }]);
    expect(seriesAnomalies(thin, 'ctr', 'total', 'all')).toEqual([]);
    const thick = days([...Array.from({ length: 20 }, (_, i) => quiet(i)), { ...quiet(0), clicks: 600 }]);
    expect(seriesAnomalies(thick, 'ctr', 'total', 'all')).toHaveLength(1);
  });

  it('needs ten days of history before it judges a day', () => {
    const short = days([...Array.from({ length: 9 }, (_, i) => quiet(i)), { ...quiet(0), spend: 900 }]);
    expect(seriesAnomalies(short, 'spend', 'total', 'all')).toEqual([]);
    const enough = days([...Array.from({ length: 10 }, (_, i) => quiet(i)), { ...quiet(0), spend: 900 }]);
    expect(seriesAnomalies(enough, 'spend', 'total', 'all')).toHaveLength(1);
  });

  it('reports a move seen at the account, platform and campaign once, at the campaign, with the others linked', () => {
    const series = days([...Array.from({ length: 20 }, (_, i) => quiet(i)), { ...quiet(0), spend: 900 }]);
    const anomalies = detectAnomalies({ daily: series, dailyByPlatform: { Meta: series }, dailyByCampaign: { Prospecting: series } });
    const spend = anomalies.filter((anomaly) => anomaly.metric === 'spend');
    expect(spend).toHaveLength(1);
    expect(spend[0]).toMatchObject({ scope: 'campaign', key: 'Prospecting', linked: ['platform:Meta', 'total:all'], stake: 796 });
  });

  it('ranks by money at stake and counts the rest', () => {
    const campaigns = Object.fromEntries(
      Array.from({ length: 8 }, (_, c) => [`C${c}`, days([...Array.from({ length: 20 }, (_, i) => quiet(i)), { ...quiet(0), spend: 300 + c * 100 }])]),
    );
    const anomalies = detectAnomalies({ daily: [], dailyByPlatform: {}, dailyByCampaign: campaigns });
    expect(anomalies.filter((anomaly) => anomaly.metric === 'spend').map((anomaly) => anomaly.key)).toEqual(['C7', 'C6', 'C5', 'C4', 'C3', 'C2', 'C1', 'C0']);
    const findings = dailyOutliers.evaluate({ ...input({ totals: { spend: 20_000 } }), daily: [], dailyByPlatform: {}, dailyByCampaign: campaigns });
    expect(findings).toHaveLength(6);
    expect(findings[0]!.subject).toBe('campaign:C7:roas:2026-03-21');
    expect(findings[0]!.sentence).toBe('On 2026-03-21, C7 had ROAS of 0.40, against a usual range of 2.85 to 4.84; 3,446.15 USD at stake.');
    expect(findings[5]!.sentence).toMatch(/^\d+ more daily outliers with less money at stake are listed/);
  });

  it('names only the top of a usual range that starts at zero', () => {
    const spiky = days([...Array.from({ length: 20 }, (_, i) => ({ ...quiet(i), conversions: i % 2 === 0 ? 1 : 9 })), { ...quiet(0), conversions: 80 }]);
    const [anomaly] = detectAnomalies({ daily: spiky, dailyByPlatform: {}, dailyByCampaign: {} }).filter((item) => item.metric === 'conversions');
    expect(anomaly?.expected.low).toBeLessThanOrEqual(0);
    const sentence = anomalySentence(anomaly!, 'USD');
    expect(sentence).toMatch(/against a usual level of up to [\d.,]+[;( ]/);
    expect(sentence).not.toContain('range of 0');
  });
});
