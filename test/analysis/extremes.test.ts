import { describe, expect, it } from 'vitest';
import { extremesNote, NOT_ENOUGH_CAMPAIGNS, rankExtremes, type CampaignRow } from '../../src/analysis/extremes.js';

type Row = CampaignRow & { campaign: string };

/** Campaigns named A, B, C… with equal spend and the given ROAS. */
const byRoas = (...roas: number[]): Row[] =>
  roas.map((value, index) => ({ campaign: String.fromCharCode(65 + index), spend: 100, roas: value }));
const names = (rows: readonly Row[]) => rows.map((row) => row.campaign);

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
    expect(extremesNote(extremes)).toBe('By CPA (lower is better); campaigns under 1% of spend are left out.');
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

  it('leaves out campaigns under 1% of spend and those whose KPI is not defined, and says so', () => {
    const rows: Row[] = [
      ...byRoas(2, 4),
      { campaign: 'Tiny', spend: 1, roas: 50 },
      { campaign: 'No revenue', spend: 100, roas: null },
    ];
    const extremes = rankExtremes(rows);
    expect([names(extremes.best), names(extremes.worst)]).toEqual([['B'], ['A']]);
    expect(extremes).toMatchObject({ ranked: 2, belowSpendShare: 1, withoutKpi: 1 });
    expect(extremesNote(extremes)).toBe(
      'By ROAS (higher is better); campaigns under 1% of spend are left out, as is 1 campaign without ROAS.',
    );
    // Exactly 1% of the spend (2 of 200) is not under it.
    const edge = rankExtremes([
      { campaign: 'A', spend: 99, roas: 2 },
      { campaign: 'B', spend: 99, roas: 4 },
      { campaign: 'Edge', spend: 2, roas: 9 },
    ]);
    expect(names(edge.best)).toEqual(['Edge']);
  });

  it('ranks by CTR when nothing was spent, since money KPIs then say nothing', () => {
    const rows: Row[] = [
      { campaign: 'Organic A', spend: 0, cpa: 0, ctr: 2 },
      { campaign: 'Organic B', spend: 0, cpa: 0, ctr: 3 },
    ];
    const extremes = rankExtremes(rows);
    expect(extremes.ranking?.kpi).toBe('ctr');
    expect([names(extremes.best), names(extremes.worst)]).toEqual([['Organic B'], ['Organic A']]);
    expect(extremes.belowSpendShare).toBe(0);

    const nothing = rankExtremes([
      { campaign: 'Silent', spend: 0 },
      { campaign: 'Quiet', spend: 0 },
    ] as Row[]);
    expect(nothing.ranking).toBeNull();
    expect(nothing.best).toEqual([]);
    expect(extremesNote(nothing)).toMatch(/^No campaign reports revenue, conversions or clicks to rank by/);
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
