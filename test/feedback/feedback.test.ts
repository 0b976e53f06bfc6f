import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, firstLogin, USER_PASSWORD, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { dailyCsv, WINNER_AND_LOSER } from '../helpers/campaigns.js';
import { multipart } from '../helpers/multipart.js';

interface Item {
  id: string;
  ruleId: string;
  rank: number;
  suppressed: boolean;
  sentence: string;
  payload: Record<string, unknown>;
}
interface Insights {
  summary: { id: string; text: string; source: string } | null;
  insights: Item[];
  recommendations: Item[];
  anomalies: Item[];
}

const A = 'performance.bottom_campaign_roas';
const B = 'performance.top_campaign_roas';

/** Two weeks of three Meta campaigns: one that wins, one middling, one that loses money. */
function exportCsv(): string {
  const [winner, loser] = WINNER_AND_LOSER;
  const middle = {
    platform: 'Meta',
    campaign: 'Middle',
    impressions: 10_000,
    clicks: 200,
    spend: 100,
    conversions: 5,
    revenue: 200,
  };
  return dailyCsv({ from: '2026-03-01', days: 14, campaigns: [winner!, middle, loser!] });
}

describe.each(BACKENDS)('insights and feedback [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let datasetId: string;
  let otherInsight: string;

  const analyse = async (of: TestOrg, dataset: string): Promise<{ id: string; summary: Insights['summary'] }> => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: bearer(of.users.analyst.accessToken),
      payload: { datasetIds: [dataset] },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };
  const insightsOf = async (analysisId: string, query = '', of: TestOrg = org): Promise<Insights> => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analyses/${analysisId}/insights${query}`,
      headers: bearer(of.users.viewer.accessToken),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const upload = async (of: TestOrg): Promise<string> => {
    const form = multipart({ name: 'meta.csv', content: exportCsv() });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...bearer(of.users.analyst.accessToken), ...form.headers },
      payload: form.payload,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  };
  const rate = (session: Session, insightId: string, body: unknown) =>
    t.app.inject({
      method: 'PUT',
      url: `/api/v1/insights/${insightId}/feedback`,
      headers: bearer(session.accessToken),
      payload: body as Record<string, unknown>,
    });
  const byRule = (items: readonly Item[], ruleId: string) => items.find((item) => item.ruleId === ruleId);

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'rated');
    other = await seedOrg(t, 'elsewhere');
    datasetId = await upload(org);
    const foreign = await analyse(other, await upload(other));
    otherInsight = (await insightsOf(foreign.id, '', other)).insights[0]!.id;
  }, 120_000);
  afterAll(() => t.dispose());

  it('stores a ranked set of insights, recommendations with impact, and a summary built from the facts', async () => {
    const analysis = await analyse(org, datasetId);
    expect(analysis.summary).toMatchObject({ source: 'deterministic' });
    expect(analysis.summary!.text).toContain(
      'Spend was 4,200.00 over Mar 1 – 14, 2026, returning 11,620.00 (ROAS 2.77), with 224 conversions at 18.75 each',
    );
    const items = await insightsOf(analysis.id);
    expect(items.summary!.id).toBe(analysis.summary!.id);
    expect(byRule(items.insights, A)!.rank).toBeLessThan(byRule(items.insights, B)!.rank);
    expect(items.insights.map((item) => item.rank)).toEqual(items.insights.map((_, i) => i + 1));
    const scale = items.recommendations.find((item) => item.payload.type === 'scale')!;
    // 20 % more budget for Winner (1,400 spent at ROAS 6): 280 × 6 of revenue for the 280 spent.
    expect(scale.payload.expectedImpact).toEqual({ metric: 'revenue', value: 1400, currency: null });
    expect(items.summary!.text).toContain(byRule(items.insights, A)!.sentence.replace(/\.$/, ''));
  });

  it('takes one rating per user and insight, refuses bad values and other organisations’ ids', async () => {
    const analysis = await analyse(org, datasetId);
    const insight = (await insightsOf(analysis.id)).insights[0]!;
    for (const body of [
      { rating: 0 },
      { rating: 6 },
      { rating: 4.5 },
      { rating: 'five' },
      { rating: null },
      {},
      { rating: 3, extra: 1 },
    ]) {
      expect((await rate(org.users.viewer, insight.id, body)).statusCode, JSON.stringify(body)).toBe(422);
    }
    expect((await rate(org.users.viewer, otherInsight, { rating: 3 })).statusCode).toBe(404);
    expect((await rate(org.users.viewer, 'ins_doesnotexist', { rating: 3 })).statusCode).toBe(404);
    expect((await rate(org.users.viewer, insight.id, { rating: 2, comment: 'meh' })).statusCode).toBe(200);
    const again = await rate(org.users.viewer, insight.id, { rating: 4 });
    expect(again.json()).toMatchObject({ rating: 4, notes: {} });
    const analytics = await t.app.inject({
      method: 'GET',
      url: '/api/v1/feedback/analytics',
      headers: bearer(org.users.analyst.accessToken),
    });
    expect(analytics.json<{ insights: { count: number; average: number } }>().insights).toMatchObject({
      count: 1,
      average: 4,
    });
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/insights/${insight.id}/feedback`,
      headers: bearer(org.users.viewer.accessToken),
    });
    expect(removed.statusCode).toBe(204);
    const twice = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/insights/${insight.id}/feedback`,
      headers: bearer(org.users.viewer.accessToken),
    });
    expect(twice.statusCode).toBe(404);
    // Analytics and export need feedback:read, which a viewer lacks.
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/feedback/analytics',
          headers: bearer(org.users.viewer.accessToken),
        })
      ).statusCode,
    ).toBe(403);
  });

  it('records recommendation outcomes and analysis ratings, with analytics, suggestions and a safe export', async () => {
    const analysis = await analyse(org, datasetId);
    const items = await insightsOf(analysis.id);
    const recommendation = items.recommendations[0]!;
    const outcome = (body: Record<string, unknown>) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/recommendations/${recommendation.id}/feedback`,
        headers: bearer(org.users.analyst.accessToken),
        payload: body,
      });
    expect((await outcome({ implemented: false, effectivenessRating: 4 })).statusCode).toBe(422);
    expect((await outcome({ effectivenessRating: 4 })).statusCode).toBe(422);
    expect(
      (
        await outcome({
          implemented: true,
          effectivenessRating: 5,
          actualImpact: 1200,
          measuredValue: '+1,200 USD revenue',
          comment: '=HYPERLINK("http://x")',
        })
      ).statusCode,
    ).toBe(200);
    const scores = { overall: 4, usefulness: 5, accuracy: 3, actionability: 4 };
    const analysisRating = (body: Record<string, unknown>, id = analysis.id) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/analyses/${id}/feedback`,
        headers: bearer(org.users.admin.accessToken),
        payload: body,
      });
    expect((await analysisRating({ overall: 4 })).statusCode).toBe(422);
    expect((await analysisRating({ ...scores, accuracy: 9 })).statusCode).toBe(422);
    expect((await analysisRating(scores, 'an_doesnotexist')).statusCode).toBe(404);
    expect((await analysisRating({ ...scores, missingInsights: 'creative-level breakdowns' })).statusCode).toBe(200);

    const analytics = (
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/feedback/analytics',
        headers: bearer(org.users.analyst.accessToken),
      })
    ).json<{
      recommendations: {
        reported: number;
        implemented: number;
        implementationRate: number;
        actualImpactTotal: number;
        effectiveness: { average: number };
      };
      analyses: { count: number; averages: Record<string, number> };
      weekly: { feedback: number }[];
    }>();
    expect(analytics.recommendations).toMatchObject({
      reported: 1,
      implemented: 1,
      implementationRate: 1,
      actualImpactTotal: 1200,
      effectiveness: { average: 5 },
    });
    expect(analytics.analyses).toMatchObject({ count: 1, averages: scores });
    expect(analytics.weekly.reduce((sum, week) => sum + week.feedback, 0)).toBe(2);
    const suggestions = await t.app.inject({
      method: 'GET',
      url: '/api/v1/feedback/suggestions',
      headers: bearer(org.users.analyst.accessToken),
    });
    expect(suggestions.json<{ items: { kind: string; figures: Record<string, unknown> }[] }>().items).toContainEqual(
      expect.objectContaining({ kind: 'missing_insights', figures: { mentions: 1 } }),
    );
    const csv = await t.app.inject({
      method: 'GET',
      url: '/api/v1/feedback/export?format=csv',
      headers: bearer(org.users.analyst.accessToken),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const json = await t.app.inject({
      method: 'GET',
      url: '/api/v1/feedback/export?format=json',
      headers: bearer(org.users.analyst.accessToken),
    });
    expect(json.json<unknown[]>()).toHaveLength(2);
  });

  it('learns: low ratings for rule A and high for rule B put B above A next time; enough low ratings suppress A until an admin restores it', async () => {
    // Four people who may read (and so rate) the analyses: the auditor may not.
    const secondViewer = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(org.users.admin.accessToken),
      payload: { username: 'second-viewer', role: 'viewer' },
    });
    const raters = [
      org.users.admin,
      org.users.analyst,
      org.users.viewer,
      await firstLogin(
        t.app,
        'second-viewer',
        secondViewer.json<{ oneTimePassword: string }>().oneTimePassword,
        USER_PASSWORD,
        org.slug,
      ),
    ];
    const first = await insightsOf((await analyse(org, datasetId)).id);
    const second = await insightsOf((await analyse(org, datasetId)).id);
    // Six ratings each: the four raters on the first analysis, two on the second.
    const ratings: [Session, Insights][] = [
      ...raters.map((rater) => [rater, first] as [Session, Insights]),
      [raters[0]!, second],
      [raters[1]!, second],
    ];
    for (const [rater, items] of ratings) {
      expect((await rate(rater, byRule(items.insights, A)!.id, { rating: 1 })).json()).toMatchObject({
        ruleSuppressed: false,
      });
      expect((await rate(rater, byRule(items.insights, B)!.id, { rating: 5 })).statusCode).toBe(200);
    }
    const next = await insightsOf((await analyse(org, datasetId)).id);
    expect(byRule(next.insights, B)!.rank).toBeLessThan(byRule(next.insights, A)!.rank);

    // Two more low ratings make eight: the rule is suppressed.
    expect((await rate(raters[2]!, byRule(second.insights, A)!.id, { rating: 1 })).json()).toMatchObject({
      ruleSuppressed: false,
    });
    expect((await rate(raters[3]!, byRule(second.insights, A)!.id, { rating: 1 })).json()).toMatchObject({
      ruleSuppressed: true,
    });
    const suppressed = await analyse(org, datasetId);
    expect(byRule((await insightsOf(suppressed.id)).insights, A)).toBeUndefined();
    expect(byRule((await insightsOf(suppressed.id, '?includeSuppressed=true')).insights, A)).toMatchObject({
      suppressed: true,
    });
    const rules = await t.app.inject({
      method: 'GET',
      url: '/api/v1/insights/rules',
      headers: bearer(org.users.viewer.accessToken),
    });
    expect(
      rules
        .json<{ items: { ruleId: string; suppressed: boolean; ratings: number }[] }>()
        .items.find((rule) => rule.ruleId === A),
    ).toMatchObject({ suppressed: true, ratings: 8 });
    const suggestions = await t.app.inject({
      method: 'GET',
      url: '/api/v1/feedback/suggestions',
      headers: bearer(org.users.analyst.accessToken),
    });
    expect(suggestions.json<{ items: { kind: string; subject: string }[] }>().items).toContainEqual(
      expect.objectContaining({ kind: 'suppressed_rule', subject: A }),
    );

    // Restoring is an admin's call; afterwards the rule is back until new ratings say otherwise.
    const restore = (session: Session) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/insights/rules/${A}/restore`,
        headers: bearer(session.accessToken),
      });
    expect((await restore(org.users.analyst)).statusCode).toBe(403);
    expect((await restore(org.users.admin)).statusCode).toBe(204);
    expect((await restore(org.users.admin)).statusCode).toBe(409);
    const restored = await insightsOf((await analyse(org, datasetId)).id);
    expect(byRule(restored.insights, A)).toMatchObject({ suppressed: false });
    // The other organisation's ranking is its own.
    const elsewhere = await t.app.inject({
      method: 'GET',
      url: '/api/v1/insights/rules',
      headers: bearer(other.users.viewer.accessToken),
    });
    expect(
      elsewhere.json<{ items: { ruleId: string; ratings: number }[] }>().items.find((rule) => rule.ruleId === A)!
        .ratings,
    ).toBe(0);
    const trail = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?action=insight.*',
      headers: bearer(org.users.auditor.accessToken),
    });
    // Newest first: the refused second restore, the restore, the suppression.
    expect(
      trail
        .json<{ items: { action: string; outcome: string }[] }>()
        .items.map((event) => [event.action, event.outcome]),
    ).toEqual([
      ['insight.rule_restored', 'failure'],
      ['insight.rule_restored', 'success'],
      ['insight.rule_suppressed', 'success'],
    ]);
  });
});
