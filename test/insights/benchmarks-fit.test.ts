import { describe, expect, it } from 'vitest';
import { benchmarkFor, dominantChannel } from '../../src/insights/benchmarks.js';
import { ruleById } from '../../src/insights/rules/index.js';
import { input } from './fixtures.js';

describe('benchmarks that fit', () => {
  it("compares Snapchat's CPC with no Facebook figure, and an unknown platform with nothing", () => {
    expect(benchmarkFor('cpc', 'Meta')?.value).toBe(0.83);
    expect(benchmarkFor('cpc', 'Snapchat')).toBeUndefined();
    expect(benchmarkFor('cvr', 'Snapchat')).toBeUndefined();
    expect(benchmarkFor('cvr', 'TikTok')).toBeUndefined();
    expect(benchmarkFor('ctr', 'Unknown')).toBeUndefined();
  });

  it('compares money only in the benchmark currency', () => {
    expect(benchmarkFor('cpc', 'Meta', {}, { currency: 'EUR' })).toBeUndefined();
    expect(benchmarkFor('ctr', 'Meta', {}, { currency: 'EUR' })?.value).toBe(1.5);
    expect(benchmarkFor('cpc', 'Meta', { overrides: { Meta: { cpc: 0.7 } } }, { currency: 'EUR' })?.value).toBe(0.7);
  });

  it('lets campaign types decide search, display, video or none for Google Ads', () => {
    const spend = (name: string, value: number) => ({ name, spend: value });
    expect(dominantChannel([spend('Brand Search', 900), spend('Remarketing Display', 100)])).toBe('search');
    expect(
      dominantChannel([
        spend('GDN Display - Prospecting', 700),
        spend('PMax - All products', 250),
        spend('Brand Search', 50),
      ]),
    ).toBeNull();
    expect(dominantChannel([spend('Display Remarketing', 950), spend('Brand Search', 50)])).toBe('programmatic');
    expect(dominantChannel([spend('Q4 push', 100)])).toBeUndefined();
    expect(benchmarkFor('ctr', 'Google Ads', {}, { currency: 'USD', channel: 'programmatic' })?.value).toBe(0.46);
    expect(benchmarkFor('ctr', 'Google Ads', {}, { currency: 'USD', channel: null })).toBeUndefined();
    expect(benchmarkFor('ctr', 'Google Ads', {}, { currency: 'USD' })?.value).toBe(6.4);
  });

  it('does not hold a mostly Display and Performance Max account to the search CTR', () => {
    const rule = ruleById('creative.ctr_below_benchmark')!;
    const google = { impressions: 100_000, clicks: 600, spend: 1000 };
    expect(rule.evaluate(input({ platforms: { 'Google Ads': google } }))).toHaveLength(1);
    const mixed = input({
      platforms: { 'Google Ads': google },
      campaigns: {
        'Display - Prospecting': { spend: 600 },
        'PMax - Catalogue': { spend: 350 },
        'Brand Search': { spend: 50 },
      },
    });
    expect(rule.evaluate(mixed)).toEqual([]);
    const eur = ruleById('efficiency.cpc_above_benchmark')!;
    expect(
      eur.evaluate({
        ...input({ platforms: { Meta: { impressions: 100_000, clicks: 1000, spend: 2000 } } }),
        currency: 'EUR',
      }),
    ).toEqual([]);
  });
});
