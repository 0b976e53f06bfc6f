import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, operatorSession, orgWithEveryRole, type Session, type TestOrg } from '../helpers/identity.js';
import { fakeLlm, type FakeLlm } from '../helpers/fake-llm.js';
import { multipart } from '../helpers/multipart.js';

/** Two platforms, two campaigns each, the first fortnight of March 2026. */
function exportCsv(): string {
  const lines = ['Date,Platform,Campaign,Impressions,Clicks,Spend,Conversions,Revenue,Currency'];
  for (let day = 1; day <= 14; day++) {
    const date = `2026-03-${String(day).padStart(2, '0')}`;
    lines.push(
      `${date},Meta,Spring Sale,10000,200,${100 + day},10,600,USD`,
      `${date},Meta,Brand,8000,100,50,4,200,USD`,
      `${date},Google Ads,Search Core,5000,300,${80 + day * 2},12,900,USD`,
      `${date},Google Ads,Display,20000,90,40,1,30,USD`,
    );
  }
  return `${lines.join('\n')}\n`;
}

interface AskBody {
  id: string;
  interpretation: string | null;
  query: Record<string, unknown> | null;
  notes: string[];
  answer?: { sentence: string; rows: Record<string, unknown>[] };
  clarification?: { question: string; options: unknown[] };
}

interface AuditItem {
  details: { questionId: string; outcome: string; reader?: string; model?: string; llmRefusal?: string };
}

/** A question the parser cannot read (no metric in it), which a model could. */
const UNREADABLE = 'Where did the money go?';
const GOOD_QUERY = {
  metrics: ['spend'],
  dimensions: ['platform'],
  dateRange: { from: '2026-03-01', to: '2026-03-14' },
  orderBy: { field: 'spend', direction: 'desc' },
};

describe.each(BACKENDS)('asking through the optional LLM [%s]', (backend) => {
  let t: TestApp;
  let llm: FakeLlm;
  let elsewhere: FakeLlm;
  let operator: Session;
  let org: TestOrg;
  let datasetId: string;
  const as = (session: Session) => bearer(session.accessToken);
  const ask = async (question: string) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ask',
      headers: as(org.users.analyst),
      payload: { question, datasetIds: [datasetId] },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<AskBody>();
  };
  const setFeature = async (on: boolean) => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: as(operator),
      payload: { features: { llm_insights: on } },
    });
    expect(response.statusCode).toBe(200);
  };
  const auditOf = async (questionId: string) => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?action=analysis.question_asked&limit=100',
      headers: as(org.users.auditor),
    });
    return response.json<{ items: AuditItem[] }>().items.find((item) => item.details.questionId === questionId);
  };
  const answerWith = (content: unknown) =>
    (llm.behaviour.current = {
      kind: 'answer',
      content: typeof content === 'string' ? content : JSON.stringify(content),
    });

  beforeAll(async () => {
    llm = await fakeLlm();
    elsewhere = await fakeLlm();
    t = await createTestApp(backend, {
      env: {
        PCA_LLM_BASE_URL: llm.url,
        PCA_LLM_API_KEY: 'sk-ask-key-456',
        PCA_LLM_MODEL: 'reader-model',
        PCA_LLM_TIMEOUT_MS: '1000',
        PCA_LOGIN_RATE_LIMIT: '1000',
      },
    });
    operator = await operatorSession(t.app);
    org = await orgWithEveryRole(t.app, operator, 'llm-askers');
    const form = multipart({ name: 'march.csv', content: exportCsv() });
    const upload = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...as(org.users.analyst), ...form.headers },
      payload: form.payload,
    });
    expect(upload.statusCode).toBe(201);
    datasetId = upload.json<{ id: string }>().id;
  }, 120_000);
  afterAll(async () => {
    await t.dispose();
    await llm.close();
    await elsewhere.close();
  });
  beforeEach(() => {
    llm.seen.length = 0;
    elsewhere.seen.length = 0;
  });

  it('never calls the model while the organisation has the LLM feature off', async () => {
    await setFeature(false);
    answerWith(GOOD_QUERY);
    const body = await ask(UNREADABLE);
    expect(body.answer).toBeUndefined();
    expect(body.clarification!.question).toMatch(/^I can't answer that: no metric/);
    expect(body.clarification!.question).not.toContain('language model');
    expect(llm.seen).toHaveLength(0);
    expect((await auditOf(body.id))?.details).not.toHaveProperty('reader');
  });

  it('never calls the model for a question the parser reads, or one it asks back about', async () => {
    await setFeature(true);
    answerWith({ metrics: ['clicks'], dimensions: [] });
    const read = await ask('Spend by platform');
    expect(read.query).toMatchObject({ metrics: ['spend'], dimensions: ['platform'] });
    expect(read.notes.join(' ')).not.toContain('language model');
    const back = await ask('best campaigns');
    expect(back.clarification!.options.length).toBeGreaterThan(1);
    expect(back.clarification!.question).not.toContain('language model');
    expect(llm.seen).toHaveLength(0);
  });

  it("answers a question the parser cannot read from the engine's rows for the model's query, and records that the model read it", async () => {
    await setFeature(true);
    answerWith(`\`\`\`json\n${JSON.stringify(GOOD_QUERY)}\n\`\`\``);
    const body = await ask(UNREADABLE);
    expect(llm.seen).toHaveLength(1);
    expect(llm.seen[0]!.path).toBe('/v1/chat/completions');
    expect(llm.seen[0]!.body.model).toBe('reader-model');
    expect(llm.seen[0]!.body.messages.at(-1)).toEqual({ role: 'user', content: UNREADABLE });
    const system = llm.seen[0]!.body.messages[0]!.content;
    expect(system).toContain('The data runs from 2026-03-01 to 2026-03-14');
    expect(system).toContain('"Spring Sale"');
    // The model is sent names and the schema, never a figure of the data.
    expect(system).not.toMatch(/\b(?:101|114|600|900)\b/);

    expect(body.query).toEqual(GOOD_QUERY);
    expect(body.interpretation).toMatch(/^Spend by platform, from 2026-03-01 to 2026-03-14/);
    expect(body.notes.join(' ')).toContain('Read by the language model (reader-model)');
    const direct = await t.app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: as(org.users.analyst),
      payload: { datasetIds: [datasetId], ...body.query },
    });
    expect(direct.statusCode).toBe(200);
    const rows = direct.json<{ rows: { platform: string; spend: number }[] }>().rows;
    expect(rows.map((row) => row.platform)).toEqual(['Meta', 'Google Ads']);
    expect(body.answer!.rows.map((row) => [row.platform, row.spend])).toEqual(
      rows.map((row) => [row.platform, row.spend]),
    );
    expect((await auditOf(body.id))?.details).toMatchObject({
      outcome: 'answered',
      reader: 'llm',
      model: 'reader-model',
    });
    expect((await auditOf(body.id))?.details).not.toHaveProperty('llmRefusal');
    expect(JSON.stringify(t.logs)).not.toContain('sk-ask-key-456');
  });

  const refusals: [string, unknown, RegExp][] = [
    ['prose instead of JSON', 'Meta spent 1,589 USD and Google Ads 1,330 USD.', /the model did not answer with JSON/],
    ['malformed JSON', '{"metrics": ["spend"], "dimensions": [', /the model did not answer with JSON/],
    [
      'an unknown metric',
      { metrics: ['happiness'], dimensions: ['platform'] },
      /does not fit the query schema: \/metrics\/0 /,
    ],
    [
      'figures of its own beside the query',
      { ...GOOD_QUERY, answer: { Meta: 1589 } },
      /does not fit the query schema: .*\(answer\)/,
    ],
    [
      'exchange rates (figures) in the query',
      { ...GOOD_QUERY, conversion: { to: 'EUR', rates: { USD: 0.5 } } },
      /does not fit the query schema: .*\(conversion\)/,
    ],
    [
      'a half-open date range',
      { metrics: ['spend'], dimensions: [], dateRange: { from: '2026-03-01' } },
      /does not fit the query schema: \/dateRange/,
    ],
    [
      'a campaign the data does not have',
      { metrics: ['spend'], dimensions: [], filters: [{ dimension: 'campaign', values: ['Winter Sale'] }] },
      /does not fit the data: .*"Winter Sale"/,
    ],
    [
      'a range that ends before it starts',
      { metrics: ['spend'], dimensions: [], dateRange: { from: '2026-03-10', to: '2026-03-01' } },
      /\/dateRange ends before it starts/,
    ],
    [
      'an order the query service refuses',
      { metrics: ['spend'], dimensions: ['platform'], orderBy: { field: 'clicks', direction: 'desc' } },
      /the query service refused the model's query: orderBy must be one of/,
    ],
  ];

  it.each(refusals)('refuses %s, tells the user why, and records the refusal', async (_name, content, reason) => {
    await setFeature(true);
    answerWith(content);
    const body = await ask(UNREADABLE);
    expect(llm.seen).toHaveLength(1);
    expect(body.answer).toBeUndefined();
    expect(body.query).toBeNull();
    expect(body.clarification!.question).toMatch(
      /^I can't answer that: no metric.* A language model was asked to read it, and its reading was refused: /,
    );
    expect(body.clarification!.question).toMatch(reason);
    const details = (await auditOf(body.id))?.details;
    expect(details).toMatchObject({ outcome: 'unreadable', reader: 'llm', model: 'reader-model' });
    expect(details?.llmRefusal).toMatch(reason);
  });

  it('refuses a model that does not answer in time, within the configured timeout', async () => {
    await setFeature(true);
    llm.behaviour.current = { kind: 'hang' };
    const started = Date.now();
    const body = await ask(UNREADABLE);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(body.answer).toBeUndefined();
    expect(body.clarification!.question).toContain(
      'its reading was refused: the LLM endpoint could not be reached (TimeoutError)',
    );
    expect((await auditOf(body.id))?.details.llmRefusal).toBe('the LLM endpoint could not be reached (TimeoutError)');
  });

  it('sends nothing to an address the endpoint redirects to', async () => {
    await setFeature(true);
    answerWith(GOOD_QUERY);
    elsewhere.behaviour.current = { kind: 'answer', content: JSON.stringify(GOOD_QUERY) };
    llm.behaviour.current = { kind: 'redirect', to: `${elsewhere.url}/chat/completions` };
    const body = await ask(UNREADABLE);
    expect(llm.seen).toHaveLength(1);
    expect(elsewhere.seen).toHaveLength(0);
    expect(body.answer).toBeUndefined();
    expect(body.clarification!.question).toContain('its reading was refused: the LLM endpoint could not be reached');
  });
});
