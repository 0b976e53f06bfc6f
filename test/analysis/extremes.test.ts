import { describe, expect, it } from 'vitest';
import { extremesNote, NOT_ENOUGH_CAMPAIGNS, rankExtremes, type CampaignRow } from '../../src/analysis/extremes.js';

type Row = CampaignRow & { campaign: string };

/** Campaigns named A, B, C… with equal spend and the given ROAS. */
const byRoas = (...roas: number[]): Row[] =>
  roas.map((value, index) => ({ campaign: String.fromCharCode(65 + index), spend: 100, roas: value }));
const names = (rows: readonly Row[]) => rows.map((row) => row.campaign);
/** Money as the deck writes it, so the notes read as a client reads them. */
const usd = (amount: number) => `${amount.toFixed(2)} USD`;

describe('the best and worst campaigns', () => {
  it('has nothing to compare with no campaign or one', () => {
    for (const rows of [[], byRoas(2)]) {
      const extremes = rankExtremes(rows);
      expect(extremes.best).toEqual([]);
      expect(extremes.worst).toEqual([]);
    }
    expect(rankExtremes([]).ranking).toBeNull();
    expect(rankExtremes(byRoas(2)).ranking?.kpi).toBe('roas');
    expect(NOT_ENOUGH_CAMPAIGNS).toBe('Not enough campaigns to compare.');
  });

  it('shows min(3, ⌊n/2⌋) on each side, so no campaign is both best and worst', () => {
    expect(names(rankExtremes(byRoas(1, 3)).best)).toEqual(['B']);
    expect(names(rankExtremes(byRoas(1, 3)).worst)).toEqual(['A']);
    // Three: the middle one is neither.
    const three = rankExtremes(byRoas(2, 5, 1));
    expect([names(three.best), names(three.worst)]).toEqual([['B'], ['C']]);
    // Four: two and two, never three best beside one worst.
    const four = rankExtremes(byRoas(4, 1, 3, 2));
    expect([names(four.best), names(four.worst)]).toEqual([
      ['A', 'C'],
      ['B', 'D'],
    ]);
    // Seven: three each, the median left out.
    const seven = rankExtremes(byRoas(7, 1, 6, 2, 5, 3, 4));
    expect([names(seven.best), names(seven.worst)]).toEqual([
      ['A', 'C', 'E'],
      ['B', 'D', 'F'],
    ]);
    expect(seven.ranked).toBe(7);
  });

  it('ranks by CPA, lowest first, when no revenue is reported', () => {
    const rows: Row[] = [
      { campaign: 'Cheap', spend: 100, cpa: 5, ctr: 1 },
      { campaign: 'Dear', spend: 100, cpa: 40, ctr: 9 },
      { campaign: 'Middling', spend: 100, cpa: 20, ctr: 5 },
      { campaign: 'Fair', spend: 100, cpa: 10, ctr: 2 },
    ];
    const extremes = rankExtremes(rows);
    expect(extremes.ranking).toEqual({ kpi: 'cpa', label: 'CPA', higherIsBetter: false });
    expect([names(extremes.best), names(extremes.worst)]).toEqual([
      ['Cheap', 'Fair'],
      ['Dear', 'Middling'],
    ]);
    expect(extremesNote(extremes, usd)).toBe('By CPA (lower is better).');
  });

  it('ranks by CTR with no revenue and no conversions, never by spend', () => {
    const rows: Row[] = [
      { campaign: 'Big', spend: 900, roas: null, cpa: null, ctr: 1 },
      { campaign: 'Sharp', spend: 100, roas: null, cpa: null, ctr: 4 },
    ];
    const extremes = rankExtremes(rows);
    expect(extremes.ranking?.kpi).toBe('ctr');
    expect([names(extremes.best), names(extremes.worst)]).toEqual([['Sharp'], ['Big']]);
  });

  it('leaves out a small campaign beside a few large ones, and those whose KPI is not defined, and says so', () => {
    const rows: Row[] = [
      ...byRoas(2, 4),
      { campaign: 'Tiny', spend: 1, roas: 50 },
      { campaign: 'No revenue', spend: 100, roas: null },
    ];
    const extremes = rankExtremes(rows);
    expect([names(extremes.best), names(extremes.worst)]).toEqual([['B'], ['A']]);
    // 1% of the 301 spent is under a tenth of the 75.25 average.
    expect(extremes).toMatchObject({ ranked: 2, spendFloor: 3.01, belowSpendFloor: 1, withoutKpi: 1 });
    expect(extremesNote(extremes, usd)).toBe(
      'By ROAS (higher is better); 1 campaign that spent under 3.01 USD and 1 campaign without ROAS are left out.',
    );
    expect(extremesNote({ ...extremes, withoutKpi: 0 }, usd)).toBe(
      'By ROAS (higher is better); 1 campaign that spent under 3.01 USD is left out.',
    );
    expect(extremesNote({ ...extremes, belowSpendFloor: 0, withoutKpi: 3 }, usd)).toBe(
      'By ROAS (higher is better); 3 campaigns without ROAS are left out.',
    );
  });

  it('excludes one test campaign among three large ones', () => {
    const rows: Row[] = [
      { campaign: 'Search', spend: 1000, roas: 3 },
      { campaign: 'Social', spend: 1000, roas: 2 },
      { campaign: 'Video', spend: 1000, roas: 1 },
      { campaign: 'Test', spend: 20, roas: 40 },
    ];
    const extremes = rankExtremes(rows);
    expect(extremes).toMatchObject({ spendFloor: 30.2, belowSpendFloor: 1, ranked: 3 });
    expect([names(extremes.best), names(extremes.worst)]).toEqual([['Search'], ['Video']]);
  });

  it('ranks every one of 200 campaigns of equal spend, each 0.5% of the total', () => {
    const rows: Row[] = Array.from({ length: 200 }, (_, index) => ({
      campaign: `C${String(index).padStart(3, '0')}`,
      spend: 100,
      roas: index,
    }));
    const extremes = rankExtremes(rows);
    // A tenth of the 100 average, not 1% of the 20,000 spent (200, which no campaign reaches).
    expect(extremes).toMatchObject({ spendFloor: 10, belowSpendFloor: 0, ranked: 200 });
    expect([names(extremes.best), names(extremes.worst)]).toEqual([
      ['C199', 'C198', 'C197'],
      ['C000', 'C001', 'C002'],
    ]);
    expect(extremesNote(extremes, usd)).toBe('By ROAS (higher is better).');
  });

  it('ranks a campaign exactly at the floor and leaves out one just under it', () => {
    // 1% of the 301 spent (3.01, not 3.0100000000000002) is the floor, under a tenth of the average (10.03).
    const atShare = rankExtremes([
      { campaign: 'A', spend: 149, roas: 2 },
      { campaign: 'B', spend: 148.99, roas: 4 },
      { campaign: 'Edge', spend: 3.01, roas: 9 },
    ]);
    expect(atShare).toMatchObject({ spendFloor: 3.01, belowSpendFloor: 0 });
    expect(names(atShare.best)).toEqual(['Edge']);
    // 100 campaigns averaging 100: a tenth of it (10) is the floor, under 1% of the 10,000 spent (100).
    const many = (edge: number): Row[] => [
      ...Array.from({ length: 98 }, (_, index) => ({ campaign: `C${index}`, spend: 100, roas: 2 })),
      { campaign: 'Large', spend: 200 - edge, roas: 1 },
      { campaign: 'Edge', spend: edge, roas: 9 },
    ];
    const atAverage = rankExtremes(many(10));
    expect(atAverage).toMatchObject({ spendFloor: 10, belowSpendFloor: 0, ranked: 100 });
    expect(names(atAverage.best)[0]).toBe('Edge');
    const under = rankExtremes(many(9.99));
    expect(under).toMatchObject({ spendFloor: 10, belowSpendFloor: 1, ranked: 99 });
    expect(names(under.best)).not.toContain('Edge');
    expect(extremesNote(under, usd)).toBe(
      'By ROAS (higher is better); 1 campaign that spent under 10.00 USD is left out.',
    );
  });

  it('leaves out a campaign that spent nothing, without it lowering the floor of the ones that did', () => {
    const rows: Row[] = [
      ...Array.from({ length: 150 }, (_, index) => ({ campaign: `C${index}`, spend: 100, roas: 1 + index / 100 })),
      ...Array.from({ length: 50 }, (_, index) => ({ campaign: `Paused ${index}`, spend: 0, roas: 0 })),
      { campaign: 'Unknown spend', spend: null, roas: 5 },
    ];
    const extremes = rankExtremes(rows);
    // The average is over the 150 that spent: 15,000 / 150, a tenth of it 10.
    expect(extremes).toMatchObject({ spendFloor: 10, belowSpendFloor: 51, ranked: 150 });
    expect(names(extremes.worst)).toEqual(['C0', 'C1', 'C2']);
    expect(names(extremes.best)).toEqual(['C149', 'C148', 'C147']);
    expect(extremesNote(extremes, usd)).toBe(
      'By ROAS (higher is better); 51 campaigns that spent under 10.00 USD are left out.',
    );
  });

  it('ranks by CTR when nothing was spent, since money KPIs then say nothing', () => {
    const rows: Row[] = [
      { campaign: 'Organic A', spend: 0, cpa: 0, ctr: 2 },
      { campaign: 'Organic B', spend: 0, cpa: 0, ctr: 3 },
    ];
    const extremes = rankExtremes(rows);
    expect(extremes.ranking?.kpi).toBe('ctr');
    expect([names(extremes.best), names(extremes.worst)]).toEqual([['Organic B'], ['Organic A']]);
    expect(extremes).toMatchObject({ spendFloor: 0, belowSpendFloor: 0 });
    expect(extremesNote(extremes, usd)).toBe('By CTR (higher is better).');

    const nothing = rankExtremes([
      { campaign: 'Silent', spend: 0 },
      { campaign: 'Quiet', spend: 0 },
    ] as Row[]);
    expect(nothing.ranking).toBeNull();
    expect(nothing.best).toEqual([]);
    expect(extremesNote(nothing, usd)).toBe('No campaign reports revenue, conversions or clicks to rank by.');
  });

  it('says no campaign large enough has a KPI when only small ones do', () => {
    const extremes = rankExtremes([
      { campaign: 'Big', spend: 5000, roas: null, cpa: null, ctr: null },
      { campaign: 'Bigger', spend: 5000, roas: null, cpa: null, ctr: null },
      { campaign: 'Tiny', spend: 5, roas: 3 },
    ]);
    expect(extremes.ranking).toBeNull();
    expect(extremesNote(extremes, usd)).toBe(
      'No campaign that spent at least 100.05 USD reports revenue, conversions or clicks to rank by.',
    );
  });

  it('breaks ties by spend, then by name, whatever order the rows come in', () => {
    const rows: Row[] = [
      { campaign: 'Zeta', spend: 100, roas: 2 },
      { campaign: 'Alpha', spend: 100, roas: 2 },
      { campaign: 'Large', spend: 300, roas: 2 },
      { campaign: 'Low', spend: 100, roas: 1 },
    ];
    const forward = rankExtremes(rows);
    const backward = rankExtremes([...rows].reverse());
    expect([names(forward.best), names(forward.worst)]).toEqual([
      ['Large', 'Alpha'],
      ['Low', 'Zeta'],
    ]);
    expect([names(backward.best), names(backward.worst)]).toEqual([names(forward.best), names(forward.worst)]);
  });

  it('skips a campaign whose KPI is null or not a finite number without losing the others', () => {
    const rows: Row[] = [
      { campaign: 'Null', spend: 100, roas: null },
      { campaign: 'Good', spend: 100, roas: 3 },
      { campaign: 'Infinite', spend: 100, roas: Number.POSITIVE_INFINITY },
      { campaign: 'Bad', spend: 100, roas: 0.5 },
    ];
    const extremes = rankExtremes(rows);
    expect([names(extremes.best), names(extremes.worst)]).toEqual([['Good'], ['Bad']]);
    expect(extremes.withoutKpi).toBe(2);
  });
});
