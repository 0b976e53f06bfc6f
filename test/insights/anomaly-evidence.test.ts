import { describe, expect, it } from 'vitest';
import { ruleById } from '../../src/insights/rules/index.js';
import { days, daySeries, input } from './fixtures.js';

const usual = Array.from({ length: 19 }, (_, i) => ({ spend: 100 + (i % 3) * 4, conversions: 10 }));
const spike = { spend: 400, conversions: 10 };

describe("an anomaly finding's evidence", () => {
  it('names the other series the same move showed in, in the words of its sentence', () => {
    const findings = ruleById('anomaly.daily_kpi_outlier')!.evaluate(
      input({
        daily: days([...usual, spike]),
        dailyByCampaign: { 'Spring sale': daySeries([...usual, spike]) },
      }),
    );
    // One move at the campaign and the account is one event, told at the campaign.
    expect(findings.map((finding) => finding.subject)).toEqual([
      'campaign:Spring sale:spend:2026-03-20',
      'campaign:Spring sale:cpa:2026-03-20',
    ]);
    for (const finding of findings) {
      expect(finding.evidence.figures.alsoSeenIn).toBe('the account');
      expect(finding.sentence).toContain('(also seen in the account)');
    }
  });

  it('has no empty line when no other series moved that day', () => {
    const [finding] = ruleById('anomaly.daily_kpi_outlier')!.evaluate(input({ daily: days([...usual, spike]) }));
    expect(finding!.evidence.figures).toMatchObject({ date: '2026-03-20', stake: 296 });
    expect(Object.keys(finding!.evidence.figures)).not.toContain('alsoSeenIn');
    expect(Object.values(finding!.evidence.figures)).not.toContain('');
  });
});
