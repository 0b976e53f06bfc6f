import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportDeliveryDeps } from '../../src/commands/deliver-report.js';
import { startReportScheduler } from '../../src/commands/report-scheduler.js';
import { signPayload } from '../../src/monitoring/alerts/channels.js';
import { claimSchedule, dueSchedules } from '../../src/report-schedules/schedules.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOperator, seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';
import { receiver } from '../helpers/webhook-receiver.js';

const CSV = [
  'Date,Platform,Campaign,Impressions,Clicks,Spend,Conversions,Revenue',
  '2026-02-01,Meta,Spring sale,10000,200,150.50,6,600',
  '2026-02-02,Google Ads,Spring sale,8000,240,210.25,9,990',
  '2026-02-03,Meta,Brand,5000,50,80,1,40',
].join('\n');

interface Mailbox {
  readonly mails: ParsedMail[];
  readonly port: number;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 that keeps every message it accepts and refuses recipients at reject.test. */
async function mailbox(): Promise<Mailbox> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith('@reject.test')) {
        const error = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    mails,
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface ScheduleBody {
  id: string;
  nextRunAt: string;
  failedAttempts: number;
  format: string;
  cadence: { time: string };
  destination: unknown;
}
interface RunBody {
  id: string;
  attempt: number;
  outcome: string;
  error: string | null;
  bytes: number | null;
  analysisId: string | null;
  trigger: string;
}

const hhmm = (date: Date) => date.toISOString().slice(11, 16);

describe.each(BACKENDS)('scheduled reports [%s]', (backend) => {
  let now = new Date('2026-03-02T07:58:00.000Z');
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  let t: TestApp;
  let mail: Mailbox;
  let a: TestOrg;
  let b: TestOrg;
  let datasetA: string;
  let datasetB: string;

  const api = (session: Session, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: bearer(session.accessToken), ...(payload ? { payload } : {}) });

  async function upload(session: Session): Promise<string> {
    const form = multipart({ name: 'campaigns.csv', content: CSV });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...bearer(session.accessToken), ...form.headers },
      payload: form.payload,
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string }>().id;
  }

  /** A schedule due in one minute (daily at that time). */
  async function schedule(session: Session, body: Record<string, unknown>): Promise<ScheduleBody> {
    const response = await api(session, 'POST', '/api/v1/report-schedules', {
      name: 'Client weekly',
      report: { kind: 'datasets', datasetIds: [datasetA] },
      format: 'csv',
      cadence: { kind: 'daily', time: hhmm(new Date(now.getTime() + 60_000)) },
      ...body,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<ScheduleBody>();
  }

  async function runsOf(session: Session, id: string): Promise<RunBody[]> {
    const response = await api(session, 'GET', `/api/v1/report-schedules/${id}/runs`);
    expect(response.statusCode).toBe(200);
    return response.json<{ items: RunBody[] }>().items;
  }

  async function actions(orgId: string, targetId: string): Promise<string[]> {
    const rows = await t.ctx.store.db
      .selectFrom('audit_events')
      .select('action')
      .where('org_id', '=', orgId)
      .where('target_id', '=', targetId)
      .orderBy('seq')
      .execute();
    return rows.map((row) => row.action);
  }

  beforeAll(async () => {
    mail = await mailbox();
    t = await createTestApp(backend, {
      clock: () => now,
      env: {
        PCA_LOGIN_RATE_LIMIT: '1000',
        PCA_ACCESS_TOKEN_SECONDS: '86400',
        PCA_WEBHOOK_ALLOW_PRIVATE: 'true',
        PCA_SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
        PCA_SMTP_FROM: 'PCA Reports <reports@pca.test>',
        PCA_REPORT_INTERVAL_SECONDS: '0',
        PCA_REPORT_RETRY_BASE_SECONDS: '60',
        PCA_REPORT_MAX_ATTEMPTS: '3',
      },
    });
    a = await seedOrg(t, 'sched-a');
    b = await seedOrg(t, 'sched-b');
    datasetA = await upload(a.users.analyst);
    datasetB = await upload(b.users.analyst);
  }, 180_000);
  afterAll(async () => {
    await t?.dispose();
    await mail?.close();
  });

  it('mails the report at its time, once, with an attachment equal to the stored analysis export', async () => {
    const analyst = a.users.analyst;
    const created = await schedule(analyst, {
      destination: { kind: 'email', to: ['Client@Example.com', 'client@example.com'] },
    });
    expect(created.nextRunAt).toBe('2026-03-02T07:59:00.000Z');
    expect(created.destination).toEqual({ kind: 'email', to: ['client@example.com'] });

    expect(await t.reports.tick()).toEqual([]);
    expect(mail.mails).toHaveLength(0);

    advance(61_000);
    const runs = await t.reports.tick();
    expect(runs.map((run) => [run.scheduleId, run.outcome, run.attempt])).toEqual([[created.id, 'delivered', 1]]);
    expect(await t.reports.tick()).toEqual([]);

    expect(mail.mails).toHaveLength(1);
    const message = mail.mails[0]!;
    expect(message.from?.text).toContain('reports@pca.test');
    expect(JSON.stringify(message.to)).toContain('client@example.com');
    expect(message.attachments).toHaveLength(1);
    const attachment = message.attachments[0]!;
    expect(attachment.filename).toBe('Client-weekly-2026-03-02.csv');
    const analysisId = runs[0]!.analysisId!;
    const exported = await api(analyst, 'GET', `/api/v1/analyses/${analysisId}/export?format=csv`);
    expect(exported.statusCode).toBe(200);
    expect(attachment.content.toString('utf8')).toBe(exported.body);
    expect(exported.body).toContain('440.75');

    const history = await runsOf(analyst, created.id);
    expect(history).toEqual([
      expect.objectContaining({
        trigger: 'schedule',
        outcome: 'delivered',
        attempt: 1,
        error: null,
        bytes: attachment.size,
        analysisId,
      }),
    ]);
    const after = (await api(analyst, 'GET', `/api/v1/report-schedules/${created.id}`)).json<ScheduleBody>();
    expect(after).toMatchObject({ nextRunAt: '2026-03-03T07:59:00.000Z', failedAttempts: 0 });
    // The real analysis path: stored in the organisation's list, audited like any other.
    const listed = (await api(analyst, 'GET', '/api/v1/analyses')).json<{ items: { id: string }[] }>();
    expect(listed.items.map((item) => item.id)).toContain(analysisId);
    expect(await actions(a.orgId, created.id)).toEqual(['report.schedule_created', 'report.delivered']);
    expect(await actions(a.orgId, analysisId)).toContain('analysis.created');
  });

  it('runs by hand as XLSX whose sheets are the export’s; viewers read schedules but cannot change or run them', async () => {
    const created = await schedule(a.users.analyst, {
      name: 'Deck',
      format: 'xlsx',
      destination: { kind: 'email', to: ['cmo@example.com'] },
    });
    const viewer = a.users.viewer;
    expect((await api(viewer, 'GET', `/api/v1/report-schedules/${created.id}`)).statusCode).toBe(200);
    expect((await api(viewer, 'GET', `/api/v1/report-schedules/${created.id}/runs`)).statusCode).toBe(200);
    expect((await api(viewer, 'POST', `/api/v1/report-schedules/${created.id}/run`)).statusCode).toBe(403);
    expect((await api(viewer, 'PATCH', `/api/v1/report-schedules/${created.id}`, { enabled: false })).statusCode).toBe(
      403,
    );

    const before = mail.mails.length;
    const ran = await api(a.users.admin, 'POST', `/api/v1/report-schedules/${created.id}/run`);
    expect(ran.statusCode, ran.body).toBe(201);
    const run = ran.json<RunBody>();
    expect(run).toMatchObject({ trigger: 'manual', outcome: 'delivered', attempt: 1 });
    expect(mail.mails).toHaveLength(before + 1);
    const attachment = mail.mails.at(-1)!.attachments[0]!;
    expect(attachment.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const sent = new ExcelJS.Workbook();
    await sent.xlsx.load(attachment.content as unknown as ArrayBuffer);
    const exported = await api(a.users.admin, 'GET', `/api/v1/analyses/${run.analysisId}/export?format=xlsx`);
    const download = new ExcelJS.Workbook();
    await download.xlsx.load(exported.rawPayload as unknown as ArrayBuffer);
    expect(sent.worksheets.map((sheet) => sheet.name)).toEqual(download.worksheets.map((sheet) => sheet.name));
    expect(sent.worksheets[0]!.getSheetValues()).toEqual(download.worksheets[0]!.getSheetValues());
    // A run by hand leaves the cadence alone.
    const after = (await api(viewer, 'GET', `/api/v1/report-schedules/${created.id}`)).json<ScheduleBody>();
    expect(after.nextRunAt).toBe(created.nextRunAt);
    expect(await actions(a.orgId, created.id)).toEqual([
      'report.schedule_created',
      'report.run_requested',
      'report.delivered',
    ]);
    await api(a.users.admin, 'DELETE', `/api/v1/report-schedules/${created.id}`);
  });

  it('mails a PDF deck, drawn by the deck workers, when the schedule asks for one', async () => {
    const created = await schedule(a.users.analyst, {
      name: 'Board deck',
      format: 'pdf',
      destination: { kind: 'email', to: ['cmo@example.com'] },
    });
    const before = mail.mails.length;
    const ran = await api(a.users.admin, 'POST', `/api/v1/report-schedules/${created.id}/run`);
    expect(ran.statusCode, ran.body).toBe(201);
    expect(ran.json<RunBody>()).toMatchObject({ outcome: 'delivered' });
    expect(mail.mails).toHaveLength(before + 1);
    const attachment = mail.mails.at(-1)!.attachments[0]!;
    expect(attachment.contentType).toBe('application/pdf');
    expect(Buffer.from(attachment.content).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await api(a.users.admin, 'DELETE', `/api/v1/report-schedules/${created.id}`);
  });

  it('records a mail server refusal in the history, in its own words but not the server’s', async () => {
    const created = await schedule(a.users.analyst, { destination: { kind: 'email', to: ['nobody@reject.test'] } });
    const run = (await api(a.users.analyst, 'POST', `/api/v1/report-schedules/${created.id}/run`)).json<RunBody>();
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatch(/^the mail server did not accept the report \(E[A-Z]+, SMTP 550\)$/);
    expect(await actions(a.orgId, created.id)).toEqual([
      'report.schedule_created',
      'report.run_requested',
      'report.delivery_failed',
    ]);
    await api(a.users.analyst, 'DELETE', `/api/v1/report-schedules/${created.id}`);
  });

  it('posts the report to an alert channel, signed with the channel’s secret', async () => {
    const hook = await receiver(0);
    try {
      const channel = await api(a.users.admin, 'POST', '/api/v1/alerts/channels', {
        name: 'client hook',
        url: hook.url,
      });
      const {
        channel: { id: channelId },
        secret,
      } = channel.json<{ channel: { id: string }; secret: string }>();
      const created = await schedule(a.users.analyst, {
        name: 'Hooked',
        format: 'json',
        destination: { kind: 'webhook', channelId },
      });
      advance(61_000);
      const runs = await t.reports.tick();
      expect(runs.map((run) => [run.scheduleId, run.outcome])).toEqual([[created.id, 'delivered']]);
      expect(hook.received).toHaveLength(1);
      const { headers, body } = hook.received[0]!;
      expect(headers['x-pca-event']).toBe('report.delivered');
      expect(headers['x-pca-signature']).toBe(signPayload(secret, String(headers['x-pca-timestamp']), body));
      const payload = JSON.parse(body) as {
        schedule: { id: string };
        analysis: { id: string };
        file: { format: string; base64: string; bytes: number };
      };
      expect(payload.schedule.id).toBe(created.id);
      expect(payload.analysis.id).toBe(runs[0]!.analysisId);
      const exported = await api(a.users.analyst, 'GET', `/api/v1/analyses/${payload.analysis.id}/export?format=json`);
      const file = Buffer.from(payload.file.base64, 'base64');
      expect(file.length).toBe(payload.file.bytes);
      expect(JSON.parse(file.toString('utf8'))).toEqual(exported.json());
      await api(a.users.analyst, 'DELETE', `/api/v1/report-schedules/${created.id}`);
    } finally {
      hook.server.close();
    }
  });

  it('retries a failing destination with exponential backoff on the same analysis, then gives up until the next slot', async () => {
    const hook = await receiver(1_000);
    try {
      const channel = await api(a.users.admin, 'POST', '/api/v1/alerts/channels', { name: 'down', url: hook.url });
      const channelId = channel.json<{ channel: { id: string } }>().channel.id;
      const created = await schedule(a.users.analyst, { name: 'Flaky', destination: { kind: 'webhook', channelId } });
      const analysesBefore = (await api(a.users.analyst, 'GET', '/api/v1/analyses?limit=200')).json<{
        items: unknown[];
      }>().items.length;
      const state = async () =>
        (await api(a.users.analyst, 'GET', `/api/v1/report-schedules/${created.id}`)).json<ScheduleBody>();

      advance(61_000);
      const slot = now;
      expect((await t.reports.tick()).map((run) => [run.outcome, run.attempt])).toEqual([['retrying', 1]]);
      expect(await state()).toMatchObject({
        failedAttempts: 1,
        nextRunAt: new Date(slot.getTime() + 60_000).toISOString(),
      });
      advance(59_000);
      expect(await t.reports.tick()).toEqual([]);
      advance(1_000);
      expect((await t.reports.tick()).map((run) => [run.outcome, run.attempt])).toEqual([['retrying', 2]]);
      const second = now;
      expect(await state()).toMatchObject({
        failedAttempts: 2,
        nextRunAt: new Date(second.getTime() + 120_000).toISOString(),
      });
      advance(120_000);
      expect((await t.reports.tick()).map((run) => [run.outcome, run.attempt])).toEqual([['failed', 3]]);
      expect(await state()).toMatchObject({
        failedAttempts: 0,
        nextRunAt: `2026-03-03T${created.cadence.time}:00.000Z`,
      });
      advance(60 * 60_000);
      expect(await t.reports.tick()).toEqual([]);

      expect(hook.received).toHaveLength(3);
      const history = await runsOf(a.users.analyst, created.id);
      expect(history.map((run) => [run.attempt, run.outcome, run.error])).toEqual([
        [3, 'failed', 'the webhook was failed (5xx)'],
        [2, 'retrying', 'the webhook was failed (5xx)'],
        [1, 'retrying', 'the webhook was failed (5xx)'],
      ]);
      // One analysis for the slot: retries deliver it again rather than spend quota on new ones.
      expect(new Set(history.map((run) => run.analysisId)).size).toBe(1);
      const analysesAfter = (await api(a.users.analyst, 'GET', '/api/v1/analyses?limit=200')).json<{
        items: unknown[];
      }>().items.length;
      expect(analysesAfter).toBe(analysesBefore + 1);
      expect(await actions(a.orgId, created.id)).toEqual([
        'report.schedule_created',
        'report.delivery_failed',
        'report.delivery_failed',
        'report.delivery_failed',
      ]);
      await api(a.users.analyst, 'DELETE', `/api/v1/report-schedules/${created.id}`);
    } finally {
      hook.server.close();
    }
  });

  it('delivers a slot once when two scheduler instances tick over the same store', async () => {
    // Past the lease the runtime's own scheduler took in earlier tests.
    advance(5 * 60_000);
    const created = await schedule(a.users.analyst, {
      name: 'Once',
      destination: { kind: 'email', to: ['once@example.com'] },
    });
    advance(61_000);
    const log = { info: () => undefined, error: () => undefined };
    const instances = [0, 1].map(() =>
      startReportScheduler({ ...reportDeliveryDeps(t.ctx, t.app.log), audit: t.ctx.audit }, t.config.reports, log),
    );
    const before = mail.mails.length;
    const runs = (await Promise.all(instances.map((instance) => instance.tick()))).flat();
    expect(runs.map((run) => [run.scheduleId, run.outcome])).toEqual([[created.id, 'delivered']]);
    expect(mail.mails.length).toBe(before + 1);
    expect((await Promise.all(instances.map((instance) => instance.tick()))).flat()).toEqual([]);
    await Promise.all(instances.map((instance) => instance.stop()));

    // Past a lease, the claim alone decides: of two claims on one due row, one wins.
    await api(a.users.analyst, 'PATCH', `/api/v1/report-schedules/${created.id}`, {
      cadence: { kind: 'daily', time: hhmm(new Date(now.getTime() + 60_000)) },
    });
    advance(61_000);
    const [row] = (await dueSchedules(t.ctx.store.db, now, 50)).filter((candidate) => candidate.id === created.id);
    const until = new Date(now.getTime() + 60_000);
    const claims = await Promise.all([
      claimSchedule(t.ctx.store.db, row!, now, until),
      claimSchedule(t.ctx.store.db, row!, now, until),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await dueSchedules(t.ctx.store.db, now, 50)).map((candidate) => candidate.id)).not.toContain(created.id);
    await api(a.users.analyst, 'DELETE', `/api/v1/report-schedules/${created.id}`);
  });

  it("answers 404 for another organisation's schedule, datasets, analysis and channel, and leaves them as they were", async () => {
    const theirs = await schedule(b.users.analyst, {
      report: { kind: 'datasets', datasetIds: [datasetB] },
      destination: { kind: 'email', to: ['b@example.com'] },
    });
    const bChannel = (
      await api(b.users.admin, 'POST', '/api/v1/alerts/channels', { name: 'b', url: 'http://127.0.0.1:9/b' })
    ).json<{ channel: { id: string } }>().channel.id;
    const bAnalysis = (await api(b.users.analyst, 'POST', '/api/v1/analyses', { datasetIds: [datasetB] })).json<{
      id: string;
    }>().id;
    const admin = a.users.admin;
    for (const [method, url, payload] of [
      ['GET', `/api/v1/report-schedules/${theirs.id}`, undefined],
      ['PATCH', `/api/v1/report-schedules/${theirs.id}`, { enabled: false }],
      ['POST', `/api/v1/report-schedules/${theirs.id}/run`, undefined],
      ['GET', `/api/v1/report-schedules/${theirs.id}/runs`, undefined],
      ['DELETE', `/api/v1/report-schedules/${theirs.id}`, undefined],
    ] as const) {
      expect((await api(admin, method, url, payload)).statusCode, `${method} ${url}`).toBe(404);
    }
    const base = { name: 'x', format: 'csv', cadence: { kind: 'daily', time: '06:00' } };
    for (const body of [
      {
        ...base,
        report: { kind: 'datasets', datasetIds: [datasetA, datasetB] },
        destination: { kind: 'email', to: ['a@example.com'] },
      },
      {
        ...base,
        report: { kind: 'analysis', analysisId: bAnalysis },
        destination: { kind: 'email', to: ['a@example.com'] },
      },
      {
        ...base,
        report: { kind: 'datasets', datasetIds: [datasetA] },
        destination: { kind: 'webhook', channelId: bChannel },
      },
    ]) {
      expect((await api(admin, 'POST', '/api/v1/report-schedules', body)).statusCode).toBe(404);
    }
    const listed = (await api(admin, 'GET', '/api/v1/report-schedules')).json<{ items: { id: string }[] }>();
    expect(listed.items.map((item) => item.id)).not.toContain(theirs.id);
    const still = await api(b.users.viewer, 'GET', `/api/v1/report-schedules/${theirs.id}`);
    expect(still.json<{ enabled: boolean }>().enabled).toBe(true);
    expect(await runsOf(b.users.viewer, theirs.id)).toEqual([]);
  });

  it('refuses a malformed schedule with a precise 422 and stores nothing', async () => {
    const base = {
      name: 'x',
      format: 'csv',
      report: { kind: 'datasets', datasetIds: [datasetA] },
      cadence: { kind: 'daily', time: '06:00' },
      destination: { kind: 'email', to: ['a@example.com'] },
    };
    const count = async () =>
      (await api(a.users.admin, 'GET', '/api/v1/report-schedules?limit=200')).json<{ items: unknown[] }>().items.length;
    const before = await count();
    for (const body of [
      { ...base, cadence: { kind: 'daily', time: '24:00' } },
      { ...base, cadence: { kind: 'monthly', day: 32, time: '06:00' } },
      { ...base, cadence: { kind: 'weekly', weekday: 'funday', time: '06:00' } },
      { ...base, cadence: { kind: 'hourly' } },
      { ...base, format: 'docx' },
      { ...base, destination: { kind: 'email', to: [] } },
      { ...base, destination: { kind: 'email', to: ['not an address'] } },
      { ...base, destination: { kind: 'webhook', url: 'http://169.254.169.254/' } },
    ]) {
      const response = await api(a.users.admin, 'POST', '/api/v1/report-schedules', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(422);
      expect(response.json<{ errors?: unknown[] }>().errors?.length).toBeGreaterThan(0);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    expect(await count()).toBe(before);
  });

  it('saves a schedule from a saved analysis with its request, and a new cadence restarts from the next slot', async () => {
    const analysis = (
      await api(a.users.analyst, 'POST', '/api/v1/analyses', {
        datasetIds: [datasetA],
        filters: [{ dimension: 'platform', values: ['Meta'] }],
      })
    ).json<{ id: string }>();
    const created = await api(a.users.analyst, 'POST', '/api/v1/report-schedules', {
      name: 'Meta monthly',
      report: { kind: 'analysis', analysisId: analysis.id },
      format: 'md',
      cadence: { kind: 'monthly', day: 31, time: '06:00' },
      destination: { kind: 'email', to: ['meta@example.com'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json<{ id: string; report: unknown; nextRunAt: string }>();
    expect(body.report).toEqual({
      basedOn: analysis.id,
      request: { datasetIds: [datasetA], filters: [{ dimension: 'platform', values: ['Meta'] }] },
    });
    expect(body.nextRunAt).toBe('2026-03-31T06:00:00.000Z');
    const patched = await api(a.users.analyst, 'PATCH', `/api/v1/report-schedules/${body.id}`, {
      cadence: { kind: 'weekly', weekday: 'monday', time: '06:00' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json<{ nextRunAt: string }>().nextRunAt > now.toISOString()).toBe(true);
    expect(new Date(patched.json<{ nextRunAt: string }>().nextRunAt).getUTCDay()).toBe(1);
    const events = await t.ctx.store.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('target_id', '=', body.id)
      .orderBy('seq')
      .execute();
    expect(events.map((event) => event.action)).toEqual(['report.schedule_created', 'report.schedule_updated']);
    expect(JSON.parse(events[1]!.details) as unknown).toMatchObject({
      changes: { cadence: { from: { kind: 'monthly' }, to: { kind: 'weekly' } } },
    });
  });
});

describe.each(BACKENDS)('scheduled reports without a mail server [%s]', (backend) => {
  let now = new Date('2026-05-31T05:00:00.000Z');
  let t: TestApp;
  let org: TestOrg;
  let operator: Session;
  let datasetId: string;
  beforeAll(async () => {
    t = await createTestApp(backend, {
      clock: () => now,
      env: {
        PCA_LOGIN_RATE_LIMIT: '1000',
        PCA_WEBHOOK_ALLOW_PRIVATE: 'true',
        PCA_REPORT_INTERVAL_SECONDS: '0',
        PCA_REPORT_MAX_ATTEMPTS: '1',
      },
    });
    operator = await seedOperator(t);
    org = await seedOrg(t, 'nomail');
    const form = multipart({ name: 'campaigns.csv', content: CSV });
    datasetId = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: { ...bearer(org.users.analyst.accessToken), ...form.headers },
        payload: form.payload,
      })
    ).json<{ id: string }>().id;
  }, 120_000);
  afterAll(() => t?.dispose());

  it('refuses an e-mail destination with 422 and keeps webhooks; a scheduled run fails once exports are turned off', async () => {
    const admin = bearer(org.users.admin.accessToken);
    const body = {
      name: 'Monthly',
      report: { kind: 'datasets', datasetIds: [datasetId] },
      format: 'md',
      cadence: { kind: 'monthly', day: 31, time: '06:00' },
    };
    const mail = await t.app.inject({
      method: 'POST',
      url: '/api/v1/report-schedules',
      headers: admin,
      payload: { ...body, destination: { kind: 'email', to: ['x@example.com'] } },
    });
    expect(mail.statusCode).toBe(422);
    expect(mail.json<{ errors: { field: string }[] }>().errors.map((error) => error.field)).toEqual([
      '/body/destination',
    ]);

    const hook = await receiver(0);
    try {
      const channelId = (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/alerts/channels',
          headers: admin,
          payload: { name: 'h', url: hook.url },
        })
      ).json<{ channel: { id: string } }>().channel.id;
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/report-schedules',
        headers: admin,
        payload: { ...body, destination: { kind: 'webhook', channelId } },
      });
      expect(created.statusCode).toBe(201);
      const schedule = created.json<{ id: string; nextRunAt: string }>();
      expect(schedule.nextRunAt).toBe('2026-05-31T06:00:00.000Z');

      const off = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/orgs/${org.orgId}`,
        headers: bearer(operator.accessToken),
        payload: { features: { exports: false } },
      });
      expect(off.statusCode).toBe(200);
      const listed = await t.app.inject({ method: 'GET', url: '/api/v1/report-schedules', headers: admin });
      expect(listed.statusCode).toBe(403);
      now = new Date('2026-05-31T06:00:00.000Z');
      const runs = await t.reports.tick();
      expect(runs.map((run) => [run.outcome, run.error])).toEqual([
        ['failed', 'The exports feature is off for this organisation.'],
      ]);
      expect(hook.received).toHaveLength(0);
      const row = await t.ctx.store.db
        .selectFrom('report_schedules')
        .select(['next_run_at', 'attempt'])
        .where('id', '=', schedule.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ next_run_at: '2026-06-30T06:00:00.000Z', attempt: 0 });
    } finally {
      hook.server.close();
    }
  });
});
