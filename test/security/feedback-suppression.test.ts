import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { dailyCsv, WINNER_AND_LOSER } from '../helpers/campaigns.js';
import { multipart } from '../helpers/multipart.js';

const RULE = 'performance.bottom_campaign_roas';

function exportCsv(): string {
  return dailyCsv({ from: '2026-03-01', days: 14, campaigns: WINNER_AND_LOSER });
}

describe.each(BACKENDS)('feedback suppression needs several people [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let insightIds: string[];
  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'raters');
    const analyst = bearer(org.users.analyst.accessToken);
    const form = multipart({ name: 'meta.csv', content: exportCsv() });
    const dataset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...analyst, ...form.headers },
      payload: form.payload,
    });
    const datasetId = dataset.json<{ id: string }>().id;
    insightIds = [];
    for (let i = 0; i < 8; i++) {
      const analysis = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analyses',
        headers: analyst,
        payload: { datasetIds: [datasetId] },
      });
      const insights = await t.app.inject({
        method: 'GET',
        url: `/api/v1/analyses/${analysis.json<{ id: string }>().id}/insights`,
        headers: analyst,
      });
      insightIds.push(
        insights.json<{ insights: { id: string; ruleId: string }[] }>().insights.find((item) => item.ruleId === RULE)!
          .id,
      );
    }
  }, 180_000);
  afterAll(() => t.dispose());

  const rate = (token: string, id: string) =>
    t.app.inject({
      method: 'PUT',
      url: `/api/v1/insights/${id}/feedback`,
      headers: bearer(token),
      payload: { rating: 1 },
    });

  it('one viewer rating eight insights of a rule does not suppress it; a third person agreeing does', async () => {
    for (const id of insightIds)
      expect((await rate(org.users.viewer.accessToken, id)).json()).toMatchObject({ ruleSuppressed: false });
    // A second person agreeing is still not enough (the default needs three).
    expect((await rate(org.users.analyst.accessToken, insightIds[0]!)).json()).toMatchObject({ ruleSuppressed: false });
    expect((await rate(org.users.admin.accessToken, insightIds[0]!)).json()).toMatchObject({ ruleSuppressed: true });
  });
});
