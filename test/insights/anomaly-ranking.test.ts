import { describe, expect, it } from 'vitest';
import {
  ANOMALIES_LISTED,
  ANOMALY_METRICS,
  detectAnomalies,
  seriesAnomalies,
  type Anomaly,
} from '../../src/insights/anomalies.js';
import { seriesOfDays, type DaySeries } from '../../src/insights/day-series.js';
import { SortedWindow } from '../../src/insights/sorted-window.js';
import { days } from './fixtures.js';

const SPECIFICITY = { campaign: 2, platform: 1, total: 0 } as const;

/**
 * Every anomaly as an object, one event per move (at the most specific level
 * whose stake explains half the broader one's), sorted whole: the rule as it
 * reads, against which the ranking over compact records is checked.
 */
function reference(
  daily: DaySeries,
  platforms: Record<string, DaySeries>,
  campaigns: Record<string, DaySeries>,
): Anomaly[] {
  const sources: [Anomaly['scope'], string, DaySeries][] = [
    ['total', 'all', daily],
    ...Object.entries(platforms).map(([key, series]): [Anomaly['scope'], string, DaySeries] => [
      'platform',
      key,
      series,
    ]),
    ...Object.entries(campaigns).map(([key, series]): [Anomaly['scope'], string, DaySeries] => [
      'campaign',
      key,
      series,
    ]),
  ];
  const all = sources.flatMap(([scope, key, series]) =>
    ANOMALY_METRICS.flatMap((metric) => seriesAnomalies(series, metric, scope, key)),
  );
  const byMove = new Map<string, Anomaly[]>();
  for (const anomaly of all) {
    const move = `${anomaly.date}|${anomaly.metric}|${anomaly.direction}`;
    byMove.set(move, [...(byMove.get(move) ?? []), anomaly]);
  }
  const events = [...byMove.values()].flatMap((group) => {
    const kept = group.filter((anomaly) => {
      const narrower = group.filter((other) => SPECIFICITY[other.scope] > SPECIFICITY[anomaly.scope]);
      return narrower.length === 0 || narrower.reduce((sum, other) => sum + other.stake, 0) < anomaly.stake * 0.5;
    });
    return kept.map((anomaly) => ({
      ...anomaly,
      linked: group
        .filter((other) => !kept.includes(other) && SPECIFICITY[other.scope] < SPECIFICITY[anomaly.scope])
        .sort((x, y) => SPECIFICITY[y.scope] - SPECIFICITY[x.scope])
        .map((other) => `${other.scope}:${other.key}`),
    }));
  });
  return events.sort(
    (a, b) => b.stake - a.stake || Math.abs(b.deviation) - Math.abs(a.deviation) || a.date.localeCompare(b.date),
  );
}

/** Integer days with spikes, dips and missing figures; `seed` picks them. */
function randomDays(seed: number, length: number) {
  let state = seed;
  const next = () => (state = (state * 48271) % 2147483647);
  return days(
    Array.from({ length }, (_, i) => {
      const roll = next() % 25;
      const spend = roll === 0 ? 2000 + (next() % 4) * 500 : roll === 1 ? 0 : 100 + (next() % 3) * 5 + (i % 7);
      const conversions = roll === 2 ? 60 : roll === 3 ? 0 : 8 + (next() % 3);
      return roll === 4
        ? { impressions: 10_000, clicks: 200, conversions }
        : { spend, impressions: 10_000 + (roll === 5 ? 40_000 : 0), clicks: 200 + (next() % 4), conversions };
    }),
  );
}

describe('anomaly ranking over compact records', () => {
  it('lists, counts and sums the stakes of the events as ranking every anomaly object would, ties and links included', () => {
    let events = 0;
    let linked = 0;
    for (const seed of [3, 17, 29]) {
      const shared = randomDays(seed, 120);
      // Copies of one series under several names: equal stakes, deviations and days, ranked by the order they were found in.
      const campaigns = Object.fromEntries([
        ...Array.from({ length: 6 }, (_, c) => [`C${c}`, seriesOfDays(randomDays(seed * 100 + c, 120))] as const),
        ['Copy A', seriesOfDays(shared)],
        ['Copy B', seriesOfDays(shared)],
      ]);
      // A platform that is one campaign, and one that is its own: moves seen at two and three levels.
      const platforms = { Meta: seriesOfDays(shared), Google: seriesOfDays(randomDays(seed + 1, 120)) };
      const input = { daily: shared, dailyByPlatform: platforms, dailyByCampaign: campaigns };
      const expected = reference(seriesOfDays(shared), platforms, campaigns);
      const found = detectAnomalies(input);
      expect(found.count).toBe(expected.length);
      expect(found.listed).toEqual(expected.slice(0, ANOMALIES_LISTED));
      for (const from of [0, 5, ANOMALIES_LISTED, expected.length])
        expect(found.stakeFrom(from)).toBe(expected.slice(from).reduce((sum, anomaly) => sum + anomaly.stake, 0));
      events += expected.length;
      linked += expected.slice(0, ANOMALIES_LISTED).filter((anomaly) => anomaly.linked.length > 0).length;
    }
    // Enough events that the first 50 are a choice, and links among them.
    expect(events).toBeGreaterThan(3 * ANOMALIES_LISTED);
    expect(linked).toBeGreaterThan(0);
  });

  it('breaks a full tie between two moves by where each move was first found', () => {
    const quiet = Array.from({ length: 20 }, (_, i) => ({
      spend: 100 + (i % 5) * 2,
      impressions: 10_000,
      clicks: 200,
      conversions: 10,
    }));
    const on = (spend: number) => seriesOfDays(days([...quiet, { ...quiet[0]!, spend }]));
    // Up and Down move as far as each other from the same days: the same stake and deviation on the same day.
    const platforms = { Meta: on(700) };
    const campaigns = { Down: on(8), Up: on(200) };
    const found = detectAnomalies({ daily: [], dailyByPlatform: platforms, dailyByCampaign: campaigns });
    const spend = found.listed.filter((anomaly) => anomaly.metric === 'spend' && anomaly.scope === 'campaign');
    expect(spend.map((anomaly) => [anomaly.key, anomaly.stake, Math.abs(anomaly.deviation)])).toEqual([
      ['Up', 96, Math.abs(spend[0]!.deviation)],
      ['Down', 96, Math.abs(spend[0]!.deviation)],
    ]);
    // Meta's spend moved up first, so Up's move was met before Down's.
    expect(found.listed).toEqual(reference(seriesOfDays([]), platforms, campaigns));
  });

  it('lists every event when there are fewer than fifty, and none when nothing moved', () => {
    const list = randomDays(5, 60);
    const found = detectAnomalies({ daily: list, dailyByPlatform: {}, dailyByCampaign: {} });
    expect(found.count).toBeGreaterThan(0);
    expect(found.listed).toEqual(reference(seriesOfDays(list), {}, {}));
    const none = detectAnomalies({ daily: [], dailyByPlatform: {}, dailyByCampaign: {} });
    expect([none.count, none.listed, none.stakeFrom(0), none.stakeFrom(5)]).toEqual([0, [], 0, 0]);
  });

  it('slides a window to what inserting the new value and removing the old one leave, with ties, zeros and negatives', () => {
    let seed = 13;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const slid = new SortedWindow(4);
    const stepped = new SortedWindow(4);
    const held: number[] = [];
    for (let step = 0; step < 2000; step++) {
      // NaN for no value; repeats, zeros and negatives to land on every side of equal values.
      const entering =
        next() % 9 === 0
          ? NaN
          : [0, 0, 3, 3, -2, 7.5, 1, 100][next() % 8]! * (next() % 3) + (next() % 50 === 0 ? 3 : 0);
      // Now and then a value the window does not hold: it leaves nothing, unless the same value just came in.
      const roll = next() % 40;
      const leaving =
        roll === 0
          ? 3 * (next() % 3) + 100
          : held.length > 0 && roll % 10 < (held.length > 14 ? 9 : 5)
            ? held.shift()!
            : NaN;
      slid.slide(leaving, entering);
      if (!Number.isNaN(entering)) {
        stepped.insert(entering);
        held.push(entering);
      }
      if (!Number.isNaN(leaving)) stepped.remove(leaving);
      expect([slid.size, slid.median(), slid.mad()]).toEqual([stepped.size, stepped.median(), stepped.mad()]);
      if (slid.size > 0) expect(slid.madFloor()).toBeLessThanOrEqual(slid.mad());
    }
  });
});
