import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/insights/finding.js';
import { generateInsights, withoutLosingAdvice } from '../../src/insights/generate.js';
import { bottomCampaignRoas } from '../../src/insights/rules/performance.js';
import { input } from './fixtures.js';

const noFeedback = { ruleRatings: new Map(), outcomes: new Map(), suppressed: new Set<string>() };

describe('advice on the campaign with the lowest ROAS', () => {
  it('halves a campaign that returns less than it costs, for the spend saved less the revenue lost', () => {
    const [finding] = bottomCampaignRoas.evaluate(
      input({ campaigns: { Alpha: { spend: 1000, revenue: 5000 }, Beta: { spend: 1000, revenue: 500 } } }),
    );
    // Half of 1,000 saved, at ROAS 0.5 losing 250 of revenue: 250 gained.
    expect(finding!.recommendation).toEqual({
      type: 'cut',
      action: "Halve Beta's budget, or fix it before spending more.",
      expectedImpact: { metric: 'revenue', value: 250, currency: 'USD' },
      assumptions: [
        'Saves 500.00 USD of spend and loses the 250.00 USD of revenue it returns at ROAS 0.50; the figure is the net gain',
      ],
    });
  });

  it('moves half the budget of a campaign that pays back, but far less than the rest, to the best one', () => {
    // ROAS 1.06 against 3.20 overall: halving it would lose 500 × 0.06 less than the 500 × 1.06 of revenue it returns.
    const [finding] = bottomCampaignRoas.evaluate(
      input({ campaigns: { Alpha: { spend: 1000, revenue: 5340 }, Beta: { spend: 1000, revenue: 1060 } } }),
    );
    expect(finding!.recommendation).toEqual({
      type: 'shift_budget',
      action: "Move half of Beta's budget (500.00 USD) to campaigns that return more, such as Alpha (ROAS 5.34).",
      // 500 × (3.20 − 1.06)
      expectedImpact: { metric: 'revenue', value: 1070, currency: 'USD' },
      assumptions: [
        "The moved 500.00 USD returns the overall ROAS of 3.20 instead of Beta's 1.06; the figure is the net gain at the same spend",
      ],
    });
  });
});

describe('recommendations that lose money by their own figures', () => {
  const finding = (value: number): Finding => ({
    ruleId: 'test.rule',
    category: 'performance',
    priority: 'high',
    subject: 'Alpha',
    title: 'Alpha',
    sentence: 'Alpha.',
    evidence: { figures: {}, rows: [] },
    weight: 1,
    recommendation: {
      type: 'scale',
      action: 'Raise it.',
      expectedImpact: { metric: 'revenue', value, currency: 'USD' },
      assumptions: [],
    },
  });

  it('keeps the finding and drops a recommendation whose expected impact is negative', () => {
    expect(withoutLosingAdvice(finding(-0.01))).not.toHaveProperty('recommendation');
    expect(withoutLosingAdvice(finding(-0.01)).sentence).toBe('Alpha.');
    expect(withoutLosingAdvice(finding(0)).recommendation).toBeDefined();
    expect(withoutLosingAdvice(finding(10)).recommendation).toBeDefined();
  });

  it('emits no such recommendation and does not lead the summary with it', () => {
    // Every campaign below ROAS 1: the best, at 0.90, tops the ranking, but 20 % more of it returns 0.90 per unit.
    const generated = generateInsights(
      input({
        campaigns: {
          Alpha: { spend: 1000, revenue: 900 },
          Beta: { spend: 1000, revenue: 100 },
          Gamma: { spend: 1000, revenue: 200 },
        },
      }),
      noFeedback,
      { from: null, to: null },
    );
    const top = generated.items.filter((item) => item.ruleId === 'performance.top_campaign_roas');
    expect(top.map((item) => item.kind)).toEqual(['insight']);
    const recommendations = generated.items.filter((item) => item.kind === 'recommendation');
    expect(recommendations.length).toBeGreaterThan(0);
    for (const item of recommendations)
      expect((item.payload.expectedImpact as { value: number } | null)?.value ?? 0).toBeGreaterThanOrEqual(0);
    expect(generated.summary.text).not.toContain('Raise Alpha');
  });
});
