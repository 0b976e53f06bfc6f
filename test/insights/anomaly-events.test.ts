import { describe, expect, it } from 'vitest';
import {
  ANOMALY_METRICS,
  anomalySentence,
  anomalyTitle,
  detectAnomalies,
  seriesAnomalies,
} from '../../src/insights/anomalies.js';
import { SortedWindow } from '../../src/insights/sorted-window.js';
import { dailyOutliers } from '../../src/insights/rules/anomaly.js';
import { median } from '../../src/insights/rules/helpers.js';
import { seriesOfDays } from '../../src/insights/day-series.js';
import { days, daySeries, input } from './fixtures.js';

const quiet = (index: number) => ({
  spend: 100 + (index % 5) * 2,
  impressions: 10_000,
  clicks: 200 + (index % 3),
  conversions: 10 + (index % 2),
  revenue: 400,
});

describe('anomalies a person would act on', () => {
  it('keeps the sliding median and MAD equal to sorting each window', () => {
    const window = new SortedWindow(6);
    const values = [5, 1, 9, 3, 3, 7, 2, 8, 6, 4, 10, 0];
    for (const [index, value] of values.entries()) {
      window.insert(value);
      if (index >= 5) window.remove(values[index - 5]!);
      const held = values.slice(Math.max(0, index - 4), index + 1);
      const center = median(held);
      expect(window.median()).toBe(center);
      expect(window.mad()).toBe(median(held.map((item) => Math.abs(item - center))));
    }
  });

  it('gives the MAD of sorting the distances for every window size, whichever side the nearest values lie on', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    let near = 0;
    for (let trial = 0; trial < 300; trial++) {
      const window = new SortedWindow(16);
      // Skewed windows: a cluster on one side of the median and outliers on the other.
      const held = Array.from({ length: 1 + (trial % 16) }, () =>
        next() < 0.3 ? 50 + next() * 100 : Math.round(next() * 40) / 4,
      );
      for (const value of held) window.insert(value);
      const center = median(held);
      expect(window.mad()).toBe(median(held.map((item) => Math.abs(item - center))));
      // The floor that spares most days the MAD never passes it.
      expect(window.madFloor()).toBeLessThanOrEqual(window.mad());
      if (window.madFloor() >= window.mad() / 2) near++;
    }
    // A floor of 0 would pass too, but spare nothing.
    expect(near).toBeGreaterThan(100);
  });

  it('judges a rate only with enough clicks or conversions behind it', () => {
    const thin = daySeries([
      ...Array.from({ length: 20 }, (_, i) => ({ spend: 10, impressions: 2000, clicks: 5 + (i % 2), conversions: 1 })),
      { spend: 10, impressions: 2000, clicks: 40, conversions: 1 },
    ]);
    expect(seriesAnomalies(thin, 'ctr', 'total', 'all')).toEqual([]);
    const thick = daySeries([...Array.from({ length: 20 }, (_, i) => quiet(i)), { ...quiet(0), clicks: 600 }]);
    expect(seriesAnomalies(thick, 'ctr', 'total', 'all')).toHaveLength(1);
  });

  it('needs ten days of history before it judges a day', () => {
    const short = daySeries([...Array.from({ length: 9 }, (_, i) => quiet(i)), { ...quiet(0), spend: 900 }]);
    expect(seriesAnomalies(short, 'spend', 'total', 'all')).toEqual([]);
    const enough = daySeries([...Array.from({ length: 10 }, (_, i) => quiet(i)), { ...quiet(0), spend: 900 }]);
    expect(seriesAnomalies(enough, 'spend', 'total', 'all')).toHaveLength(1);
  });

  it('reports a move seen at the account, platform and campaign once, at the campaign, with the others linked', () => {
    const series = days([...Array.from({ length: 20 }, (_, i) => quiet(i)), { ...quiet(0), spend: 900 }]);
    const { listed: anomalies } = detectAnomalies({
      daily: series,
      dailyByPlatform: { Meta: seriesOfDays(series) },
      dailyByCampaign: { Prospecting: seriesOfDays(series) },
    });
    const spend = anomalies.filter((anomaly) => anomaly.metric === 'spend');
    expect(spend).toHaveLength(1);
    expect(spend[0]).toMatchObject({
      scope: 'campaign',
      key: 'Prospecting',
      linked: ['platform:Meta', 'total:all'],
      stake: 796,
    });
  });

  it('ranks by money at stake and counts the rest', () => {
    const campaigns = Object.fromEntries(
      Array.from({ length: 8 }, (_, c) => [
        `C${c}`,
        daySeries([...Array.from({ length: 20 }, (_, i) => quiet(i)), { ...quiet(0), spend: 300 + c * 100 }]),
      ]),
    );
    const { listed: anomalies } = detectAnomalies({ daily: [], dailyByPlatform: {}, dailyByCampaign: campaigns });
    expect(anomalies.filter((anomaly) => anomaly.metric === 'spend').map((anomaly) => anomaly.key)).toEqual([
      'C7',
      'C6',
      'C5',
      'C4',
      'C3',
      'C2',
      'C1',
      'C0',
    ]);
    const findings = dailyOutliers.evaluate({
      ...input({ totals: { spend: 20_000 } }),
      daily: [],
      dailyByPlatform: {},
      dailyByCampaign: campaigns,
    });
    expect(findings).toHaveLength(6);
    expect(findings[0]!.subject).toBe('campaign:C7:roas:2026-03-21');
    expect(findings[0]!.sentence).toBe(
      'On Mar 21, 2026, C7 had ROAS of 0.40, against a usual range of 2.85 to 4.84; 3,446.15 USD at stake.',
    );
    expect(findings[5]!.sentence).toMatch(/^\d+ more daily outliers with less money at stake are listed/);
  });

  it('names only the top of a usual range that starts at zero', () => {
    const spiky = days([
      ...Array.from({ length: 20 }, (_, i) => ({ ...quiet(i), conversions: i % 2 === 0 ? 1 : 9 })),
      { ...quiet(0), conversions: 80 },
    ]);
    const [anomaly] = detectAnomalies({ daily: spiky, dailyByPlatform: {}, dailyByCampaign: {} }).listed.filter(
      (item) => item.metric === 'conversions',
    );
    expect(anomaly?.expected.low).toBeLessThanOrEqual(0);
    const sentence = anomalySentence(anomaly!, 'USD');
    expect(sentence).toMatch(/against a usual level of up to [\d.,]+[;( ]/);
    expect(sentence).not.toContain('range of 0');
  });

  it('titles a move with a capital and says money is at stake only on bad news', () => {
    const base = Array.from({ length: 20 }, (_, i) => quiet(i));
    const moved = (day: Partial<ReturnType<typeof quiet>>, metric: string) =>
      detectAnomalies({
        daily: days([...base, { ...quiet(0), ...day }]),
        dailyByPlatform: {},
        dailyByCampaign: {},
      }).listed.find((item) => item.metric === metric)!;
    const more = moved({ conversions: 80 }, 'conversions');
    expect(anomalyTitle(more)).toMatch(/^Conversions above the usual range on /);
    expect(anomalySentence(more, 'USD')).toMatch(/; worth [\d.,]+ USD\.$/);
    const fewer = moved({ conversions: 0 }, 'conversions');
    expect(anomalySentence(fewer, 'USD')).toMatch(/; [\d.,]+ USD at stake\.$/);
    const cheaper = moved({ conversions: 40 }, 'cpa');
    expect(cheaper.direction).toBe('below');
    expect(anomalySentence(cheaper, 'USD')).toMatch(/; worth [\d.,]+ USD\.$/);
    const spent = moved({ spend: 900 }, 'spend');
    expect(anomalyTitle(spent)).toMatch(/^Spend above/);
    expect(anomalySentence(spent, 'USD')).toMatch(/ at stake\.$/);
  });

  it('keeps the sliding window equal to sorting it with ties, zeros, negatives and more values than a window holds', () => {
    const window = new SortedWindow(15);
    const held: number[] = [];
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let step = 0; step < 400; step++) {
      // Grow past a window's 15 slots, then shrink back, with many repeated values.
      if (held.length > 0 && next() % 100 < (step < 200 ? 30 : 70)) {
        const value = held.splice(next() % held.length, 1)[0]!;
        window.remove(value);
      } else {
        // `+ 0` keeps -0 out: a median of -0 and 0 differ only in sign, which no figure shows.
        const value = [0, 0, 3, 3, -2, 7.5][next() % 6]! * (next() % 3) + 0;
        held.push(value);
        window.insert(value);
      }
      window.remove(1e9); // absent: nothing changes
      expect(window.size).toBe(held.length);
      if (held.length === 0) {
        expect(window.median()).toBeNaN();
        expect(window.mad()).toBeNaN();
        continue;
      }
      const center = median(held);
      expect(window.median()).toBe(center);
      expect(window.mad()).toBe(median(held.map((item) => Math.abs(item - center))));
    }
  });

  it('finds what sorting each window of the days before finds, in every metric, for series shorter and longer than the window', () => {
    // Integer figures, so the window sums are exact whichever way they are added.
    const reference = (list: ReturnType<typeof days>, metric: 'spend' | 'conversions') =>
      list.flatMap((day, index) => {
        const history = list.slice(Math.max(0, index - 14), index);
        const values = history.map((item) => item[metric]).filter((value): value is number => value !== null);
        const value = day[metric];
        const conversions = history.reduce((sum, item) => sum + (item.conversions ?? 0), 0);
        if (
          value === null ||
          values.length < 10 ||
          (metric === 'conversions' && conversions / Math.max(1, history.length) < 5)
        )
          return [];
        const center = median(values);
        const mad = Math.max(median(values.map((item) => Math.abs(item - center))), Math.abs(center) * 0.05);
        const deviation = (0.6745 * (value - center)) / mad;
        return mad === 0 || Math.abs(deviation) < 3.5
          ? []
          : [{ date: day.date, median: center, deviation: Math.round(deviation * 100) / 100 }];
      });
    let seed = 11;
    const next = () => (seed = (seed * 48271) % 2147483647);
    let judged = 0;
    for (const length of [0, 1, 9, 10, 11, 14, 15, 16, 40, 120]) {
      const list = days(
        Array.from({ length }, (_, i) => {
          const roll = next() % 20;
          // Flat stretches (ties), zero days, a missing figure, and spikes.
          const spend = roll === 0 ? 0 : roll === 1 ? 900 + (next() % 500) : i % 7 < 3 ? 100 : 90 + (next() % 20);
          const conversions = roll === 2 ? 60 : 5 + (next() % 4);
          return roll === 3
            ? { impressions: 10_000, clicks: 200, conversions }
            : { spend, impressions: 10_000, clicks: 200, conversions };
        }),
      );
      for (const metric of ['spend', 'conversions'] as const) {
        const found = seriesAnomalies(seriesOfDays(list), metric, 'total', 'all').map((anomaly) => ({
          date: anomaly.date,
          median: anomaly.expected.median,
          deviation: anomaly.deviation,
        }));
        expect(found).toEqual(reference(list, metric));
        judged += found.length;
      }
      const { listed: all, count } = detectAnomalies({ daily: list, dailyByPlatform: {}, dailyByCampaign: {} });
      const each = ANOMALY_METRICS.flatMap((metric) => seriesAnomalies(seriesOfDays(list), metric, 'total', 'all'));
      expect(count).toBe(each.length);
      expect([...all].sort((a, b) => a.metric.localeCompare(b.metric) || a.date.localeCompare(b.date))).toEqual(
        each.sort((a, b) => a.metric.localeCompare(b.metric) || a.date.localeCompare(b.date)),
      );
    }
    expect(judged).toBeGreaterThan(5);
  });
});
