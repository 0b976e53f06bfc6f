import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';

/** A small deterministic export in the generated data's shape: November and December 2025, six platforms. */
function campaignExport(rows: number): string {
  let seed = 11;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const platforms = ['Meta', 'Google Ads', 'LinkedIn', 'DV360', 'Snapchat', 'TikTok'];
  const lines = ['Date,Platform,Campaign_Name,Ad_Set_Name,Device,Impressions,Clicks,Spend,Conversions,Revenue'];
  for (let i = 0; i < rows; i++) {
    const day = new Date(Date.UTC(2025, 10, 1) + (i % 61) * 86_400_000).toISOString().slice(0, 10);
    const impressions = 1000 + Math.floor(next() * 20_000);
    const clicks = Math.floor(impressions * (0.005 + next() * 0.03));
    const spend = (clicks * (0.3 + next() * 2)).toFixed(2);
    const conversions = Math.floor(clicks * next() * 0.1);
    lines.push(
      `${day},${platforms[i % 6]},Campaign ${Math.floor(next() * 12)},Ad Set ${Math.floor(next() * 8)},${['Mobile', 'Desktop', 'Tablet'][i % 3]},${impressions},${clicks},${spend},${conversions},${(conversions * (20 + next() * 60)).toFixed(2)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Two platforms, steady for a month, then Meta's spend jumps fivefold on 2025-12-25: an anomaly the analysis must store. */
function spikeExport(): string {
  const lines = ['Date,Platform,Campaign_Name,Impressions,Clicks,Spend,Conversions,Revenue'];
  for (let i = 0; i < 30; i++) {
    const day = new Date(Date.UTC(2025, 11, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const wobble = 1 + ((i * 7) % 11) / 100;
    for (const [platform, campaign] of [
      ['Meta', 'Winter Sale'],
      ['Google Ads', 'Brand Search'],
    ] as const) {
      const spend = (platform === 'Meta' && day === '2025-12-25' ? 5000 : 1000) * wobble;
      lines.push(
        `${day},${platform},${campaign},${Math.round(50_000 * wobble)},${Math.round(1000 * wobble)},${spend.toFixed(2)},${Math.round(40 * wobble)},${(4000 * wobble).toFixed(2)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

interface AskBody {
  id: string;
  notes: string[];
  correctedTo?: string;
  reportedWrong?: { count: number; comments: string[] };
  interpretation: string | null;
  intent: string | null;
  query: Record<string, unknown> | null;
  answer?: {
    sentence: string;
    columns: string[];
    fields: { key: string; label: string; format: string }[];
    rows: Record<string, unknown>[];
    chart: { type: string; x: string } | null;
    evidence?: { kind: string; id: string; title: string }[];
  };
  clarification?: { question: string; options: { label: string; question: string }[] };
}

describe.each(BACKENDS)('asking the data through the API [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let datasetId: string;
  let otherDatasetId: string;
  const as = (session: Session) => bearer(session.accessToken);
  const ask = (session: Session, payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/v1/ask', headers: as(session), payload });
  const query = (session: Session, payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/v1/query', headers: as(session), payload });

  async function upload(owner: TestOrg, content: string): Promise<string> {
    const body = multipart({ name: 'campaigns.csv', content }, {});
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...as(owner.users.analyst), ...body.headers },
      payload: body.payload,
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string }>().id;
  }

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'askers');
    other = await seedOrg(t, 'others');
    datasetId = await upload(org, campaignExport(900));
    otherDatasetId = await upload(other, campaignExport(60));
  }, 180_000);
  afterAll(() => t.dispose());

  it('answers a viewer with the numbers /api/v1/query gives for the same structured query', async () => {
    const response = await ask(org.users.viewer, {
      question: 'Top 5 campaigns by spend in December',
      datasetIds: [datasetId],
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<AskBody>();
    expect(body.query).toEqual({
      metrics: ['spend'],
      dimensions: ['campaign'],
      dateRange: { from: '2025-12-01', to: '2025-12-31' },
      orderBy: { field: 'spend', direction: 'desc' },
      limit: 5,
    });
    expect(body.interpretation).toContain('2025-12-01 to 2025-12-31');
    const direct = await query(org.users.viewer, { datasetIds: [datasetId], ...body.query });
    expect(direct.statusCode).toBe(200);
    const rows = direct.json<{ rows: { campaign: string; spend: number }[] }>().rows;
    expect(rows).toHaveLength(5);
    expect(body.answer!.rows.map((row) => [row.campaign, row.spend])).toEqual(
      rows.map((row) => [row.campaign, row.spend]),
    );
    const top = rows[0]!.spend.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(body.answer!.sentence).toContain(`${rows[0]!.campaign}: spend ${top}`);
    // Five rows were asked for: the sentence must not read as if there were only five campaigns.
    expect(body.answer!.sentence).toMatch(/^The 5 campaigns with the highest spend over Dec 1 – 31, 2025; first, /);
    expect(body.answer!.chart).toEqual({ type: 'bar', x: 'campaign', series: [{ field: 'spend', label: 'Spend' }] });
  });

  it('names the best of a ranking without counting the one row it asked for as all there are', async () => {
    const response = await ask(org.users.viewer, {
      question: 'Which campaign had the best ROAS?',
      datasetIds: [datasetId],
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<AskBody>();
    expect(body.query).toMatchObject({
      dimensions: ['campaign'],
      orderBy: { field: 'roas', direction: 'desc' },
      limit: 1,
    });
    expect(body.answer!.sentence).toMatch(/^The campaign with the highest ROAS over all the data is [^:]+: ROAS /);
    expect(body.answer!.sentence).not.toMatch(/\b1 campaign\b/);
  });

  it('compares two named periods and thresholds a KPI through the extended query surface', async () => {
    const compared = (
      await ask(org.users.analyst, { question: 'spend by platform in December vs November', datasetIds: [datasetId] })
    ).json<AskBody>();
    expect(compared.query).toMatchObject({
      dateRange: { from: '2025-12-01', to: '2025-12-31' },
      compareTo: { from: '2025-11-01', to: '2025-11-30' },
    });
    const direct = (await query(org.users.analyst, { datasetIds: [datasetId], ...compared.query })).json<{
      rows: { platform: string; previous: { spend: number } }[];
    }>();
    expect(direct.rows).toHaveLength(6);
    expect(compared.answer!.rows.map((row) => [row.platform, row.spend_previous])).toEqual(
      direct.rows.map((row) => [row.platform, row.previous.spend]),
    );
    expect(compared.answer!.fields.map((field) => [field.label, field.format])).toEqual([
      ['Platform', 'text'],
      ['Currency', 'text'],
      ['Spend', 'money'],
      ['Spend before', 'money'],
      ['Spend change', 'percent'],
    ]);

    const all = (
      await query(org.users.analyst, { datasetIds: [datasetId], metrics: ['roas'], dimensions: ['campaign'] })
    ).json<{ rows: { campaign: string; roas: number | null }[] }>();
    const values = all.rows.map((row) => row.roas!).sort((a, b) => a - b);
    const cut = Math.round(values[Math.floor(values.length / 2)]! * 100) / 100;
    const threshold = (
      await ask(org.users.analyst, { question: `Which campaigns had ROAS under ${cut}?`, datasetIds: [datasetId] })
    ).json<AskBody>();
    expect(threshold.query).toMatchObject({ having: [{ metric: 'roas', op: 'lt', value: cut }] });
    const expected = all.rows
      .filter((row) => row.roas !== null && row.roas < cut)
      .map((row) => row.campaign)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.rows.length);
    expect(threshold.answer!.rows.map((row) => row.campaign).sort()).toEqual(expected);
  });

  it("writes an analysis's spend and CPA exactly as its executive summary does", async () => {
    const csv = [
      'Date,Platform,Campaign,Currency,Impressions,Clicks,Spend,Conversions,Revenue',
      '2025-12-01,Meta,Winter,USD,90000,1800,4210.55,97,9100.00',
      '2025-12-01,Google Ads,Brand,USD,40000,2100,3105.20,120,8800.00',
      '2025-12-02,Meta,Winter,USD,85000,1700,3998.10,88,8700.00',
      '2025-12-02,Google Ads,Brand,USD,42000,2200,3312.47,131,9300.00',
    ].join('\n');
    const dataset = await upload(org, csv);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(org.users.analyst),
      payload: { datasetIds: [dataset] },
    });
    expect(created.statusCode).toBe(201);
    const analysis = created.json<{ id: string; summary: { text: string } }>();
    // 14,626.32 spent on 436 conversions: the summary's words for them.
    expect(analysis.summary.text).toContain('Spend was 14,626.32 USD across 2 platforms');
    expect(analysis.summary.text).toContain('with 436 conversions at 33.55 USD each');
    const body = (
      await ask(org.users.analyst, { question: 'What was the spend and CPA?', analysisId: analysis.id })
    ).json<AskBody>();
    expect(body.query).toMatchObject({ metrics: ['spend', 'cpa'], dimensions: [] });
    expect(body.answer!.sentence).toBe('Spend 14,626.32 USD; CPA 33.55 USD over all the data.');
  });

  it('says where the data is when the period asked for holds none of it', async () => {
    const body = (
      await ask(org.users.viewer, { question: 'What was the spend in March 2024?', datasetIds: [datasetId] })
    ).json<AskBody>();
    expect(body.query).toMatchObject({ dateRange: { from: '2024-03-01', to: '2024-03-31' } });
    expect(body.answer!.sentence).toMatch(
      /^No rows match Mar 1 – 31, 2024\. The data covers [A-Z][a-z]{2} \d+(, \d{4})? – [A-Z][a-z]{2} \d+, \d{4}\.$/,
    );
  });

  it("explains each currency's change with that currency's own rows", async () => {
    const csv = [
      'Date,Platform,Campaign,Currency,Impressions,Clicks,Spend,Conversions,Revenue',
      '2025-12-01,Meta,Brit A,GBP,1000,10,100.00,1,150.00',
      '2025-12-01,Meta,Brit B,GBP,1000,10,100.00,1,150.00',
      '2025-12-01,Google Ads,Yank A,USD,1000,10,100.00,1,150.00',
      '2025-12-02,Meta,Brit A,GBP,1000,10,50.00,1,150.00',
      '2025-12-02,Meta,Brit B,GBP,1000,10,90.00,1,150.00',
      '2025-12-02,Google Ads,Yank A,USD,1000,10,300.00,1,150.00',
    ].join('\n');
    const mixed = await upload(org, csv);
    const body = (
      await ask(org.users.analyst, { question: 'Why did spend change on the 2nd?', datasetIds: [mixed] })
    ).json<AskBody>();
    expect(body.intent).toBe('why');
    const [gbp, usd] = body.answer!.sentence.split(' In USD, ');
    expect(gbp).toMatch(/^In GBP, spend was 140\.00 GBP on Dec 2, 2025, down 30\.0% \(60\.00 GBP\) from 200\.00 GBP /);
    expect(gbp).toContain('campaign Brit A (−50.00 GBP)');
    expect(gbp).not.toContain('Yank');
    expect(usd).toMatch(/^spend was 300\.00 USD on Dec 2, 2025, up 200% \(200\.00 USD\) from 100\.00 USD /);
    expect(usd).toContain('campaign Yank A (+200.00 USD)');
    expect(usd).not.toContain('Brit');
    expect(body.answer!.rows.every((row) => row.currency === 'GBP' || row.currency === 'USD')).toBe(true);
    // The table's columns are labelled for people, and say how each figure reads; the rows keep the keys.
    expect(body.answer!.fields).toEqual([
      { key: 'dimension', label: 'Breakdown', format: 'field' },
      { key: 'value', label: 'Name', format: 'text' },
      { key: 'currency', label: 'Currency', format: 'text' },
      { key: 'spend', label: 'Spend', format: 'money' },
      { key: 'spend_previous', label: 'Spend before', format: 'money' },
      { key: 'spend_change', label: 'Spend change', format: 'money' },
    ]);
    expect(body.answer!.columns).toEqual(body.answer!.fields.map((field) => field.key));
  });

  it('explains a change by the platforms that moved the same way', async () => {
    const body = (
      await ask(org.users.analyst, { question: 'Why did revenue change on the 17th?', datasetIds: [datasetId] })
    ).json<AskBody>();
    expect(body.intent).toBe('why');
    expect(body.query).toMatchObject({
      dateRange: { from: '2025-12-17', to: '2025-12-17' },
      compareTo: { from: '2025-12-16', to: '2025-12-16' },
    });
    const day = (range: string) =>
      query(org.users.analyst, {
        datasetIds: [datasetId],
        metrics: ['revenue'],
        dimensions: [],
        dateRange: { from: range, to: range },
      });
    const now = (await day('2025-12-17')).json<{ rows: { revenue: number }[] }>().rows[0]!.revenue;
    const before = (await day('2025-12-16')).json<{ rows: { revenue: number }[] }>().rows[0]!.revenue;
    expect(body.answer!.sentence).toContain(
      `Revenue was ${now.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} on Dec 17, 2025`,
    );
    const moves = body.answer!.rows.map((row) => row.revenue_change as number);
    expect(moves.length).toBeGreaterThan(0);
    for (const move of moves) expect(Math.sign(move)).toBe(Math.sign(now - before));
  });

  it('asks back when a question reads more than one way, and each option reads one way', async () => {
    const body = (
      await ask(org.users.analyst, { question: 'best campaigns', datasetIds: [datasetId] })
    ).json<AskBody>();
    expect(body.answer).toBeUndefined();
    expect(body.query).toBeNull();
    expect(body.clarification!.options.length).toBeGreaterThan(1);
    const chosen = (
      await ask(org.users.analyst, { question: body.clarification!.options[0]!.question, datasetIds: [datasetId] })
    ).json<AskBody>();
    expect(chosen.answer).toBeDefined();
    const nonsense = (
      await ask(org.users.analyst, { question: 'what is the weather in Paris', datasetIds: [datasetId] })
    ).json<AskBody>();
    expect(nonsense.clarification!.question).toMatch(/^I can't answer that: no metric/);
    expect(nonsense.answer).toBeUndefined();
    expect(nonsense.clarification!.options.length).toBeGreaterThan(0);
  });

  it("answers 404 for another organisation's dataset or analysis, exactly as for a missing one", async () => {
    for (const payload of [
      { question: 'spend by platform', datasetIds: [otherDatasetId] },
      { question: 'spend by platform', datasetIds: [datasetId, otherDatasetId] },
      { question: 'spend by platform', datasetIds: ['ds_missing'] },
      { question: 'spend by platform', analysisId: 'an_missing' },
    ]) {
      const response = await ask(org.users.admin, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(404);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
    }
    const theirs = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(other.users.analyst),
      payload: { datasetIds: [otherDatasetId] },
    });
    expect(theirs.statusCode).toBe(201);
    expect(
      (await ask(org.users.admin, { question: 'spend', analysisId: theirs.json<{ id: string }>().id })).statusCode,
    ).toBe(404);
  });

  it('bounds a question asked of an analysis by its days, and refuses a body naming both or neither scope', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(org.users.analyst),
      payload: { datasetIds: [datasetId], dateRange: { from: '2025-11-01', to: '2025-11-30' } },
    });
    const body = (
      await ask(org.users.viewer, { question: 'total spend', analysisId: created.json<{ id: string }>().id })
    ).json<AskBody>();
    expect(body.query).toMatchObject({ metrics: ['spend'], dateRange: { from: '2025-11-01', to: '2025-11-30' } });
    const yesterday = (
      await ask(org.users.viewer, { question: 'spend yesterday', analysisId: created.json<{ id: string }>().id })
    ).json<AskBody>();
    expect(yesterday.query).toMatchObject({ dateRange: { from: '2025-11-30', to: '2025-11-30' } });
    for (const payload of [
      { question: 'spend', datasetIds: [datasetId], analysisId: created.json<{ id: string }>().id },
      { question: 'spend' },
      { datasetIds: [datasetId] },
      { question: '', datasetIds: [datasetId] },
    ]) {
      const response = await ask(org.users.viewer, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(422);
    }
  });

  it('audits every question, answered or asked back, with how it was read', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?action=analysis.question_asked&limit=100',
      headers: as(org.users.auditor),
    });
    expect(response.statusCode).toBe(200);
    const events = response.json<{
      items: { actor: { id: string | null }; details: { question: string; outcome: string; query?: string } }[];
    }>().items;
    const top = events.find((event) => event.details.question === 'Top 5 campaigns by spend in December');
    expect(top).toMatchObject({ actor: { id: org.users.viewer.userId }, details: { outcome: 'answered' } });
    expect(JSON.parse(top!.details.query!)).toMatchObject({ limit: 5 });
    expect(events.find((event) => event.details.question === 'best campaigns')?.details.outcome).toBe('clarification');
    const theirs = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?action=analysis.question_asked',
      headers: as(other.users.auditor),
    });
    expect(theirs.json<{ items: unknown[] }>().items).toEqual([]);
  });

  const rate = (session: Session, id: string, payload: object) =>
    t.app.inject({ method: 'PUT', url: `/api/v1/ask/${id}/rating`, headers: as(session), payload });
  interface Listed {
    id: string;
    userId: string;
    question: string;
    interpretation: string | null;
    answer: { rows: unknown[]; fields?: unknown[] } | null;
    rating: string | null;
    comment: string | null;
    correction: string | null;
  }
  const list = async (session: Session, url: string) => {
    const response = await t.app.inject({ method: 'GET', url, headers: as(session) });
    expect(response.statusCode, url).toBe(200);
    return response.json<{ items: Listed[] }>().items;
  };

  it('keeps each question for its asker alone to rate, and lists the wrong ones to reviewers of that organisation only', async () => {
    const asked = (
      await ask(org.users.analyst, { question: 'Top 3 campaigns by clicks in November', datasetIds: [datasetId] })
    ).json<AskBody>();
    expect(asked.id).toMatch(/^ask_/);
    expect((await rate(org.users.analyst, asked.id, { rating: 'wrong', comment: 'I meant ad sets' })).json()).toEqual({
      id: asked.id,
      rating: 'wrong',
    });
    const mine = await list(org.users.analyst, '/api/v1/ask/history?limit=200');
    expect(mine.find((item) => item.id === asked.id)).toMatchObject({
      question: 'Top 3 campaigns by clicks in November',
      rating: 'wrong',
      comment: 'I meant ad sets',
    });
    expect((await list(org.users.viewer, '/api/v1/ask/history?limit=200')).map((item) => item.id)).not.toContain(
      asked.id,
    );
    // An answer stored before columns carried labels is described from its keys, as a new one would be.
    const stored = { ...asked.answer!, fields: undefined };
    await t.ctx.store.db
      .updateTable('ask_questions')
      .set({ answer: JSON.stringify(stored) })
      .where('id', '=', asked.id)
      .execute();
    const old = (await list(org.users.analyst, '/api/v1/ask/history?limit=200')).find((item) => item.id === asked.id);
    expect(old?.answer?.fields).toEqual(asked.answer!.fields);
    expect(asked.answer!.fields.map((field) => field.label)).toEqual(['Campaign', 'Currency', 'Clicks']);
    // Someone else's question, in the organisation or not, is not found; so is a missing one.
    for (const [session, id] of [
      [org.users.viewer, asked.id],
      [other.users.admin, asked.id],
      [org.users.analyst, 'ask_missing'],
    ] as const) {
      const response = await rate(session, id, { rating: 'useful' });
      expect(response.statusCode, id).toBe(404);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
    }
    expect((await rate(org.users.analyst, asked.id, { rating: 'maybe' })).statusCode).toBe(422);
    const reviews = await list(org.users.admin, '/api/v1/ask/reviews');
    const reviewed = reviews.find((item) => item.id === asked.id)!;
    expect(reviewed).toMatchObject({ userId: org.users.analyst.userId, rating: 'wrong', comment: 'I meant ad sets' });
    expect(reviewed.interpretation).toBe(asked.interpretation);
    expect(reviewed.answer!.rows).toHaveLength(3);
    expect(reviews.every((item) => item.rating === 'wrong')).toBe(true);
    expect(await list(other.users.admin, '/api/v1/ask/reviews')).toEqual([]);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/ask/reviews', headers: as(org.users.viewer) })).statusCode,
    ).toBe(403);
    // Rated useful again: it leaves the wrong list.
    await rate(org.users.analyst, asked.id, { rating: 'useful' });
    expect((await list(org.users.admin, '/api/v1/ask/reviews')).map((item) => item.id)).not.toContain(asked.id);
    expect((await list(org.users.admin, '/api/v1/ask/reviews?rating=useful')).map((item) => item.id)).toContain(
      asked.id,
    );
    const audit = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?action=analysis.answer_rated&limit=100',
      headers: as(org.users.auditor),
    });
    const events = audit
      .json<{ items: { actor: { id: string | null }; target: { id: string }; details: { rating: string } }[] }>()
      .items.filter((event) => event.target.id === asked.id);
    expect(events.map((event) => event.details.rating)).toEqual(['useful', 'wrong']);
    expect(events[0]!.actor.id).toBe(org.users.analyst.userId);
  });

  it('reads a correction the next time anyone in the organisation asks the same question, and refuses one that does not read one way', async () => {
    const question = 'Top 3 campaigns in December by cost';
    const asked = (await ask(org.users.analyst, { question, datasetIds: [datasetId] })).json<AskBody>();
    expect(asked.query).toMatchObject({ orderBy: { field: 'spend' } });
    for (const payload of [
      { rating: 'wrong', correction: 'what is the weather' },
      { rating: 'wrong', correction: 'best campaigns' },
      { rating: 'useful', correction: 'Top 3 campaigns in December by CPA' },
    ]) {
      const refused = await rate(org.users.analyst, asked.id, payload);
      expect(refused.statusCode, JSON.stringify(payload)).toBe(422);
    }
    expect((await list(org.users.admin, '/api/v1/ask/reviews')).map((item) => item.id)).not.toContain(asked.id);
    expect(
      (await rate(org.users.analyst, asked.id, { rating: 'wrong', correction: 'Top 3 campaigns in December by CPA' }))
        .statusCode,
    ).toBe(200);
    const again = (
      await ask(org.users.viewer, { question: 'top 3 campaigns in december by COST?', datasetIds: [datasetId] })
    ).json<AskBody>();
    expect(again.correctedTo).toBe('Top 3 campaigns in December by CPA');
    expect(again.query).toMatchObject({ metrics: ['cpa'], orderBy: { field: 'cpa', direction: 'asc' }, limit: 3 });
    expect(again.notes[0]).toMatch(/reworded it as "Top 3 campaigns in December by CPA"/);
    const elsewhere = (await ask(other.users.analyst, { question, datasetIds: [otherDatasetId] })).json<AskBody>();
    expect(elsewhere.correctedTo).toBeUndefined();
    expect(elsewhere.query).toMatchObject({ orderBy: { field: 'spend' } });
  });

  it('flags an answer read exactly as one others rated wrong, with their comments', async () => {
    const first = (
      await ask(org.users.analyst, { question: 'Conversions by device in November', datasetIds: [datasetId] })
    ).json<AskBody>();
    expect(first.reportedWrong).toBeUndefined();
    await rate(org.users.analyst, first.id, { rating: 'wrong', comment: 'Tablet should be in Mobile' });
    const second = (
      await ask(org.users.viewer, { question: 'conversions by device in november', datasetIds: [datasetId] })
    ).json<AskBody>();
    expect(second.reportedWrong).toEqual({ count: 1, comments: ['Tablet should be in Mobile'] });
    expect(second.notes.at(-1)).toMatch(/rated this reading wrong once/);
    expect(second.answer).toBeDefined();
    const theirs = (
      await ask(other.users.viewer, { question: 'conversions by device in november', datasetIds: [otherDatasetId] })
    ).json<AskBody>();
    expect(theirs.reportedWrong).toBeUndefined();
  });

  it("answers 'why' about an analysis with the anomalies it stored on those days", async () => {
    const spikeId = await upload(org, spikeExport());
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: as(org.users.analyst),
      payload: { datasetIds: [spikeId] },
    });
    expect(created.statusCode).toBe(201);
    const analysisId = created.json<{ id: string }>().id;
    const stored = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/analyses/${analysisId}/insights`,
        headers: as(org.users.viewer),
      })
    ).json<{ anomalies: { id: string; title: string; payload: { date: string; metric: string } }[] }>().anomalies;
    const spike = stored.filter((item) => item.payload.date === '2025-12-25' && item.payload.metric === 'spend');
    expect(spike.length).toBeGreaterThan(0);
    const body = (
      await ask(org.users.viewer, { question: 'Why did spend go up on the 25th?', analysisId })
    ).json<AskBody>();
    expect(body.intent).toBe('why');
    expect(body.answer!.evidence!.map((item) => item.id)).toEqual(expect.arrayContaining(spike.map((item) => item.id)));
    expect(body.answer!.evidence![0]!.kind).toBe('anomaly');
    expect(body.answer!.sentence).toContain(`The analysis flagged`);
    expect(body.answer!.rows[0]).toMatchObject({ dimension: 'platform', value: 'Meta' });
    const calm = (
      await ask(org.users.viewer, { question: 'Why did spend change on the 10th?', analysisId })
    ).json<AskBody>();
    expect(calm.answer!.evidence ?? []).toEqual([]);
  });
});
