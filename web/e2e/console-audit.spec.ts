import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { checkA11y } from './a11y';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { E2E_PORT } from '../playwright.config';

/**
 * The auditor's and the administrator's console pages against their own
 * `pca serve` (its own data dir: the test edits its SQLite file to break the
 * audit chain, and signs the operator in without touching the shared server).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = path.join(ROOT, 'docs/screenshots');
const PORT = E2E_PORT + 12;
const BASE = `http://127.0.0.1:${PORT}`;
const FIRST = 'first-Operator-pass-2026';
const PASSWORD = 'chosen-Console-pass-2026';

test.describe.configure({ mode: 'serial' });
test.use({ baseURL: BASE });

let server: ChildProcess;
let dataDir: string;
let hook: Server;
const received: string[] = [];
const tokens: Record<'operator' | 'boss' | 'ana', string> = { operator: '', boss: '', ana: '' };

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/console-${name}.png`, fullPage: true });
}

async function login(
  request: APIRequestContext,
  username: string,
  password: string,
  organization?: string,
): Promise<string> {
  const response = await request.post(`${BASE}/api/v1/auth/login`, {
    data: { username, password, ...(organization ? { organization } : {}) },
  });
  expect(response.status(), `login ${username}`).toBe(200);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** Signs in with a one-time password and sets PASSWORD; returns a fresh token. */
async function firstSignIn(
  request: APIRequestContext,
  username: string,
  oneTime: string,
  organization?: string,
): Promise<string> {
  const token = await login(request, username, oneTime, organization);
  const changed = await request.post(`${BASE}/api/v1/auth/password`, {
    headers: { authorization: `Bearer ${token}` },
    data: { currentPassword: oneTime, newPassword: PASSWORD },
  });
  expect(changed.status()).toBe(200);
  return login(request, username, PASSWORD, organization);
}

async function uiSignIn(page: Page, username: string, organization?: string) {
  await page.goto('/');
  if (organization) await page.getByLabel('Organisation').fill(organization);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

/** The console's side menu as the signed-in user sees it. */
async function menu(page: Page): Promise<string[]> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Console' }).click();
  await expect(page.getByRole('navigation', { name: 'Console' })).toBeVisible();
  return page.getByRole('navigation', { name: 'Console' }).getByRole('link').allInnerTexts();
}

async function openConsolePage(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Console' }).click();
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true }).click();
}

test.beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  hook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push(body);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  dataDir = await mkdtemp(path.join(tmpdir(), 'pca-e2e-console-'));
  server = spawn(process.execPath, ['dist/cli/main.js', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PCA_PORT: String(PORT),
      PCA_HOST: '127.0.0.1',
      PCA_DATA_DIR: dataDir,
      PCA_ADMIN_PASSWORD: FIRST,
      PCA_LOGIN_RATE_LIMIT: '1000',
      PCA_LOG_LEVEL: 'warn',
      PCA_RETENTION_INTERVAL_MINUTES: '0',
      // The test's webhook receiver listens on loopback.
      PCA_WEBHOOK_ALLOW_PRIVATE: 'true',
      PCA_WEBHOOK_RETRY_DELAYS_MS: '100',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`pca serve exited with ${server.exitCode}`);
    if (
      await fetch(`${BASE}/health/live`)
        .then((response) => response.ok)
        .catch(() => false)
    )
      break;
    if (Date.now() > deadline) throw new Error('pca serve did not start within 90 s');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
});

test.afterAll(async () => {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await new Promise((resolve) => hook.close(resolve));
  await rm(dataDir, { recursive: true, force: true });
});

test('people are set up through the API: an organisation with an admin, an auditor and an analyst who rates an insight', async ({
  request,
}) => {
  tokens.operator = await firstSignIn(request, 'admin', FIRST);
  const created = await request.post(`${BASE}/api/v1/orgs`, {
    headers: { authorization: `Bearer ${tokens.operator}` },
    data: { name: 'Acme Media', slug: 'acme', admin: { username: 'boss' } },
  });
  expect(created.status()).toBe(201);
  tokens.boss = await firstSignIn(
    request,
    'boss',
    ((await created.json()) as { admin: { oneTimePassword: string } }).admin.oneTimePassword,
    'acme',
  );
  for (const [username, role] of [
    ['audrey', 'auditor'],
    ['ana', 'analyst'],
  ] as const) {
    const user = await request.post(`${BASE}/api/v1/users`, {
      headers: { authorization: `Bearer ${tokens.boss}` },
      data: { username, role },
    });
    expect(user.status()).toBe(201);
    const token = await firstSignIn(
      request,
      username,
      ((await user.json()) as { oneTimePassword: string }).oneTimePassword,
      'acme',
    );
    if (username === 'ana') tokens.ana = token;
  }
  // A wrong password, for the compliance report's failed sign-ins.
  expect(
    (
      await request.post(`${BASE}/api/v1/auth/login`, {
        data: { username: 'ana', password: 'not-the-password-1', organization: 'acme' },
      })
    ).status(),
  ).toBe(401);
  // The analyst analyses an export and rates its first insight 4 of 5.
  const csv = await readFile(path.join(ROOT, 'test/fixtures/exports/meta.csv'));
  const upload = await request.post(`${BASE}/api/v1/datasets`, {
    headers: { authorization: `Bearer ${tokens.ana}` },
    multipart: { file: { name: 'meta.csv', mimeType: 'text/csv', buffer: csv } },
  });
  expect(upload.status(), await upload.text()).toBe(201);
  const datasetId = ((await upload.json()) as { id: string }).id;
  const analysis = await request.post(`${BASE}/api/v1/analyses`, {
    headers: { authorization: `Bearer ${tokens.ana}` },
    data: { datasetIds: [datasetId] },
  });
  expect(analysis.status()).toBe(201);
  const analysisId = ((await analysis.json()) as { id: string }).id;
  const insights = (await (
    await request.get(`${BASE}/api/v1/analyses/${analysisId}/insights`, {
      headers: { authorization: `Bearer ${tokens.ana}` },
    })
  ).json()) as { insights: { id: string }[] };
  expect(insights.insights.length).toBeGreaterThan(0);
  const rated = await request.put(`${BASE}/api/v1/insights/${insights.insights[0]?.id ?? ''}/feedback`, {
    headers: { authorization: `Bearer ${tokens.ana}` },
    data: { rating: 4 },
  });
  expect(rated.status()).toBe(200);
});

test('the auditor finds their own sign-in, verifies the chain, and sees it broken after a stored event is changed', async ({
  page,
  request,
}) => {
  await uiSignIn(page, 'audrey', 'acme');
  expect(await menu(page)).toContain('Audit trail');
  for (const hidden of ['Monitoring', 'Alerts', 'Feedback']) expect(await menu(page)).not.toContain(hidden);
  await openConsolePage(page, 'Audit trail');
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible();

  // The sign-in of this very session is in the trail, with its details.
  const signIn = page
    .getByRole('row')
    .filter({ hasText: 'auth.login.succeeded' })
    .filter({ hasText: 'audrey' })
    .first();
  await expect(signIn).toBeVisible();
  await signIn.getByRole('button', { name: 'auth.login.succeeded' }).click();
  await expect(page.getByRole('table').getByText('Request id', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Activity of audrey' })).toBeVisible();
  await checkA11y(page, 'audit explorer with details');
  await page.getByRole('button', { name: 'Activity of audrey' }).click();
  await expect(page.getByText('Activity of audrey: events where they acted')).toBeVisible();
  await page.getByRole('button', { name: 'Show everyone' }).click();

  // Filters: an action prefix narrows the list to that family.
  await page.getByLabel('Action').fill('user.*');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'user.created' }).first()).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'auth.login.succeeded' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Clear' }).click();

  await page.getByRole('button', { name: 'Verify the chain' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The chain is valid.' })).toBeVisible();
  await shoot(page, 'audit-explorer');

  // Change one stored event behind the server's back.
  const me = (await (
    await request.get(`${BASE}/api/v1/auth/me`, { headers: { authorization: `Bearer ${tokens.boss}` } })
  ).json()) as { user: { orgId: string } };
  const db = new Database(path.join(dataDir, 'pca.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    const changed = db
      .prepare("UPDATE audit_events SET reason = 'nothing to see' WHERE org_id = ? AND seq = 3")
      .run(me.user.orgId);
    expect(changed.changes).toBe(1);
  } finally {
    db.close();
  }
  await page.getByRole('button', { name: 'Verify the chain' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The chain is broken at sequence number 3.' })).toBeVisible();
  await checkA11y(page, 'audit explorer, broken chain');

  await page.getByRole('link', { name: 'Compliance report' }).click();
  await expect(page.getByRole('heading', { name: 'Compliance report' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Events by hour of day' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Events by action' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Failed sign-ins' })).toHaveText(/\D1$/);
  await expect(page.getByRole('img', { name: 'Failed sign-ins, lockouts and cross-tenant probes' })).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const csv = await readFile(await (await download).path(), 'utf8');
  expect(csv).toContain('failedLogins');
  const exported = page.waitForEvent('download');
  await page.getByLabel('Format').selectOption('jsonl');
  await page.getByRole('button', { name: 'Export events' }).click();
  const lines = (await readFile(await (await exported).path(), 'utf8')).trim().split('\n');
  expect(lines.some((line) => line.includes('auth.login.succeeded') && line.includes('audrey'))).toBe(true);
  await expect(page.getByText('No archive yet')).toBeVisible();
  await checkA11y(page, 'compliance report');
  await shoot(page, 'audit-report');
});

test('the admin acknowledges and resolves an alert, adds a webhook and sees its deliveries, and reads the feedback', async ({
  page,
  request,
}) => {
  await uiSignIn(page, 'boss', 'acme');
  const items = await menu(page);
  for (const shown of ['Audit trail', 'Alerts', 'Feedback']) expect(items).toContain(shown);
  expect(items).not.toContain('Monitoring');

  await openConsolePage(page, 'Alerts');
  await expect(page.getByRole('heading', { name: 'Alerts', exact: true })).toBeVisible();
  // No "all is quiet" check: the background chain check may already have raised its alert for the edited event.
  await page.getByLabel('Name').fill('Ops hook');
  await page.getByLabel('URL').fill(`http://127.0.0.1:${(hook.address() as AddressInfo).port}/pca`);
  await page.getByRole('button', { name: 'Add channel' }).click();
  await expect(page.getByTestId('one-time-secret')).toHaveText(/\S{20,}/);
  await page.getByRole('button', { name: 'Send a test' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Test event delivered (2xx).' })).toBeVisible();
  await expect.poll(() => received.filter((body) => body.includes('"event":"test"')).length).toBe(1);

  // An alert raised the way test/monitoring raises them: POST /api/v1/alerts.
  const raised = await request.post(`${BASE}/api/v1/alerts`, {
    headers: { authorization: `Bearer ${tokens.boss}` },
    data: {
      severity: 'warning',
      category: 'data',
      title: 'Tracking gap on Meta',
      message: 'No conversions since Monday',
    },
  });
  expect(raised.status()).toBe(201);
  const alertId = ((await raised.json()) as { id: string }).id;
  await page.reload();
  const row = page.getByRole('listitem', { name: 'Alert: Tracking gap on Meta' });
  await expect(row).toBeVisible();
  await checkA11y(page, 'alerts');
  await row.getByRole('button', { name: 'Acknowledge' }).click();
  await row.getByLabel(/Note/).fill('Looking at the pixel');
  await row.getByRole('button', { name: 'Confirm acknowledgement' }).click();
  await expect(row).toHaveCount(0);
  await page.getByRole('tab', { name: 'Acknowledged' }).click();
  await row.getByRole('button', { name: 'Resolve' }).click();
  await row.getByLabel(/Note/).fill('Pixel re-installed');
  await row.getByRole('button', { name: 'Confirm resolution' }).click();
  await page.getByRole('tab', { name: 'Resolved' }).click();
  await row.getByRole('button', { name: 'History' }).click();
  await expect(row.getByRole('list', { name: 'Alert history' })).toContainText('Looking at the pixel');
  await expect(row.getByRole('list', { name: 'Alert history' })).toContainText('Pixel re-installed');
  const stored = (await (
    await request.get(`${BASE}/api/v1/alerts/${alertId}`, { headers: { authorization: `Bearer ${tokens.boss}` } })
  ).json()) as { status: string; acknowledged: { note: string } };
  expect(stored.status).toBe('resolved');
  expect(stored.acknowledged.note).toBe('Looking at the pixel');
  await expect.poll(() => received.filter((body) => body.includes(alertId)).length).toBe(2);
  await page.getByRole('button', { name: 'Delivery log' }).click();
  await expect(page.getByRole('table', { name: 'Delivery attempts' }).getByText('delivered')).toHaveCount(2);
  await checkA11y(page, 'alerts, resolved with history and delivery log');
  await shoot(page, 'alerts');

  await openConsolePage(page, 'Feedback');
  await expect(page.getByRole('heading', { name: 'Feedback', exact: true })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Insight ratings' })).toHaveText(/\D1$/);
  await expect(page.getByRole('group', { name: 'Average rating' })).toContainText('4.00 / 5');
  await expect(page.getByRole('img', { name: 'How many insights got each rating from 1 to 5' })).toBeVisible();
  await checkA11y(page, 'feedback');
  await shoot(page, 'feedback');
});

test('the admin schedules the analysis as a weekly PDF to the webhook channel, runs it now and pauses it', async ({
  page,
}) => {
  await uiSignIn(page, 'boss', 'acme');
  await openConsolePage(page, 'Scheduled reports');
  await expect(page.getByRole('heading', { name: 'Scheduled reports', exact: true })).toBeVisible();
  await expect(page.getByText('No report is scheduled')).toBeVisible();
  const form = page.getByRole('form', { name: 'Schedule a report' });
  await form.getByLabel('Name').fill('Weekly client deck');
  await form.getByLabel('Analysis').selectOption({ index: 1 });
  await form.getByLabel('How often').selectOption('weekly');
  await form.getByLabel('On', { exact: true }).selectOption('monday');
  await form.getByLabel('E-mail to').fill('client@example.com');
  await form.getByRole('button', { name: 'Save schedule' }).click();
  // No mail server is configured on this instance: said next to the address.
  await expect(form.getByRole('alert')).toContainText('e-mail is not configured');
  await form.getByLabel('Or to a webhook channel').selectOption({ label: 'Ops hook' });
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Schedule "Weekly client deck" saved.' })).toBeVisible();
  const schedule = page.getByTestId('report-schedule');
  await expect(schedule).toContainText('Every Monday at 08:00 UTC · PDF deck · to Ops hook');
  await expect(schedule).toContainText('Next run');

  // Alert deliveries reach the same receiver at their own pace: only report deliveries are counted.
  const reports = () => received.filter((body) => body.includes('"event":"report.delivered"')).length;
  const before = reports();
  await schedule.getByRole('button', { name: 'Run now' }).click();
  await expect(schedule.getByRole('list', { name: 'Last runs' })).toContainText('Delivered', { timeout: 60_000 });
  await expect(schedule.getByRole('list', { name: 'Last runs' })).toContainText('run by hand');
  expect(reports()).toBe(before + 1);
  await schedule.getByRole('button', { name: 'Pause' }).click();
  await expect(schedule).toContainText('Paused');
  await checkA11y(page, 'scheduled reports');
  await shoot(page, 'report-schedules');
});

test('the operator watches the instance and edits an alert rule', async ({ page, request }) => {
  await uiSignIn(page, 'admin');
  await openConsolePage(page, 'Monitoring');
  await expect(page.getByRole('heading', { name: 'Monitoring' })).toBeVisible();
  await expect(page.getByRole('meter', { name: 'Memory used' })).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Latency per route' }).getByText('POST /api/v1/auth/login'),
  ).toBeVisible();
  await expect(page.getByText('store', { exact: true })).toBeVisible();
  // The history chart appears once the sampler has two samples (one every 5 s).
  await expect(page.getByRole('img', { name: /CPU, memory and disk use/ })).toBeVisible({ timeout: 30_000 });
  const threshold = page.getByLabel('Threshold of CPU above 80 % for 5 minutes');
  await threshold.fill('90');
  await page.getByRole('button', { name: 'Save rules' }).click();
  await expect(page.getByRole('button', { name: 'Save rules' })).toBeDisabled();
  const rules = (await (
    await request.get(`${BASE}/api/v1/alerts/rules`, { headers: { authorization: `Bearer ${tokens.operator}` } })
  ).json()) as { items: { metric: string; threshold: number }[] };
  expect(rules.items.find((rule) => rule.metric === 'cpu_percent')?.threshold).toBe(90);
  await checkA11y(page, 'monitoring');
  await shoot(page, 'monitoring');
});
