import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOperator, seedOrg } from '../helpers/seed.js';
import { dailyCsv, WINNER_AND_LOSER } from '../helpers/campaigns.js';
import { fakeLlm, type FakeLlm } from '../helpers/fake-llm.js';
import { multipart } from '../helpers/multipart.js';

function exportCsv(): string {
  return dailyCsv({ from: '2026-03-01', days: 14, currency: 'USD', campaigns: WINNER_AND_LOSER });
}

describe.each(BACKENDS)('LLM executive summary [%s]', (backend) => {
  let t: TestApp;
  let llm: FakeLlm;
  let operator: Session;
  let org: TestOrg;
  let datasetId: string;

  beforeAll(async () => {
    llm = await fakeLlm();
    t = await createTestApp(backend, {
      env: {
        PCA_LLM_BASE_URL: llm.url,
        PCA_LLM_API_KEY: 'sk-test-key-123',
        PCA_LLM_MODEL: 'summary-model',
        PCA_LLM_TIMEOUT_MS: '5000',
      },
    });
    operator = await seedOperator(t);
    org = await seedOrg(t, 'llm-org');
    const form = multipart({ name: 'meta.csv', content: exportCsv() });
    const upload = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...bearer(org.users.analyst.accessToken), ...form.headers },
      payload: form.payload,
    });
    datasetId = upload.json<{ id: string }>().id;
  }, 120_000);
  afterAll(async () => {
    await t.dispose();
    await llm.close();
  });

  const analyse = async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: bearer(org.users.analyst.accessToken),
      payload: { datasetIds: [datasetId] },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{
      id: string;
      summary: {
        text: string;
        source: string;
        rejection?: string;
        deterministic?: string;
        facts: Record<string, unknown>;
      };
    }>();
  };
  const setFeature = (on: boolean) =>
    t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: bearer(operator.accessToken),
      payload: { features: { llm_insights: on } },
    });

  it('is not asked while the organisation has llm_insights off', async () => {
    const analysis = await analyse();
    expect(analysis.summary.source).toBe('deterministic');
    expect(llm.seen).toHaveLength(0);
  });

  it('uses a summary that cites only computed facts, sent only facts and the ratings guidance', async () => {
    await setFeature(true);
    for (const session of [org.users.admin, org.users.analyst, org.users.viewer]) {
      const first = await analyse();
      const items = await t.app.inject({
        method: 'GET',
        url: `/api/v1/analyses/${first.id}/insights`,
        headers: bearer(session.accessToken),
      });
      const insight = items
        .json<{ insights: { id: string; category: string }[] }>()
        .insights.find((item) => item.category === 'performance')!;
      await t.app.inject({
        method: 'PUT',
        url: `/api/v1/insights/${insight.id}/feedback`,
        headers: bearer(session.accessToken),
        payload: { rating: 5 },
      });
    }
    const worded =
      'Spend was 2,800 USD, returning 8,820 USD at a ROAS of 3.15. Loser has a ROAS of 0.3 and should be cut.';
    llm.behaviour.current = { kind: 'answer', content: worded };
    const before = llm.seen.length;
    const analysis = await analyse();
    expect(analysis.summary).toMatchObject({ source: 'llm', text: worded });
    expect(analysis.summary.deterministic).toContain('Spend was 2,800.00 USD');
    const request = llm.seen[before]!;
    expect(request.authorization).toBe('Bearer sk-test-key-123');
    expect(request.body.model).toBe('summary-model');
    const prompt = request.body.messages.map((message) => message.content).join('\n');
    expect(prompt).toContain('"spend":2800');
    expect(prompt).toContain('- performance: 5 over 3 ratings; lead with these.');
    expect(prompt).not.toContain('Loser,');
    expect(JSON.stringify(t.logs)).not.toContain('sk-test-key-123');
  });

  it('rejects a summary citing a number that is not among the facts, records why, and keeps the deterministic one', async () => {
    llm.behaviour.current = { kind: 'answer', content: 'Spend was 2,800 USD and revenue will grow 37% next quarter.' };
    const analysis = await analyse();
    expect(analysis.summary.source).toBe('deterministic');
    expect(analysis.summary.rejection).toBe('cites numbers not among the facts: 37');
    expect(analysis.summary.text).toContain('Spend was 2,800.00 USD');
    const trail = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?action=llm.summary_rejected',
      headers: bearer(org.users.auditor.accessToken),
    });
    expect(trail.json<{ items: { target: { id: string }; reason: string }[] }>().items[0]).toMatchObject({
      target: { id: analysis.id },
      reason: 'cites numbers not among the facts: 37',
    });
  });

  it('falls back when the endpoint fails, and the analysis is still created', async () => {
    llm.behaviour.current = { kind: 'answer', content: '', status: 500 };
    const analysis = await analyse();
    expect(analysis.summary).toMatchObject({ source: 'deterministic', rejection: 'the LLM endpoint answered 500' });
  });
});
