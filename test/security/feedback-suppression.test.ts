import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, operatorSession, orgWithEveryRole, type TestOrg } from '../helpers/identity.js';
import { multipart } from '../helpers/multipart.js';

const RULE = 'performance.bottom_campaign_roas';

function exportCsv(): string {
  const lines = ['Date,Platform,Campaign,Impressions,Clicks,Spend,Conversions,Revenue'];
  for (let day = 1; day <= 14; day++) {
    const date = `2026-03-${String(day).padStart(2, '0')}`;
    lines.push(`${date},Meta,Winner,10000,200,100,10,600`, `${date},Meta,Loser,10000,200,100,1,30`);
  }
  return `${lines.join('\n')}\n`;
}

describe.each(BACKENDS)('feedback suppression needs several people [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let insightIds: string[];
  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await orgWithEveryRole(t.app, await operatorSession(t.app), 'raters');
    const analyst = bearer(org.users.analyst.accessToken);
    const form = multipart({ name: 'meta.csv', content: exportCsv() });
    const dataset = await t.app.inject({ method: 'POST', url: '/api/v1/datasets', headers: { ...analyst, ...form.headers }, payload: form.payload });
    const datasetId = dataset.json<{ id: string }>().id;
    insightIds = [];
    for (let i = 0; i < 8; i++) {
      const analysis = await t.app.inject({ method: 'POST', url: '/api/v1/analyses', headers: analyst, payload: { datasetIds: [datasetId] } });
      const insights = await t.app.inject({ method: 'GET', url: `/api/v1/analyses/${analysis.json<{ id: string }>().id}/insights`, headers: analyst });
      insightIds.push(insights.json<{ insights: { id: string; ruleId: string }[] }>().insights.find((item) => item.ruleId === RULE)!.id);
    }
  }, 180_000);
  afterAll(() => t.dispose());

  const rate = (token: string, id: string) => t.app.inject({ method: 'PUT', url: `/api/v1/insights/${id}/feedback`, headers: bearer(token), payload: { rating: 1 } });

  it('one viewer rating eight insights of a rule does not suppress it; a third person agreeing does', async () => {
    for (const id of insightIds) expect((await rate(org.users.viewer.accessToken, id)).json()).toMatchObject({ ruleSuppressed: false });
    // A second person agreeing is still not enough (the default needs three).
    expect((await rate(org.users.analyst.accessToken, insightIds[0]!)).json()).toMatchObject({ ruleSuppressed: false });
    expect((await rate(org.users.admin.accessToken, insightIds[0]!)).json()).toMatchObject({ ruleSuppressed: true });
  });
});
