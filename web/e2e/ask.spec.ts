import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { checkA11y } from './a11y';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { E2E_PORT } from '../playwright.config';

/**
 * The dashboard's ask box against its own `pca serve` (a fresh data dir, so
 * this spec changes no account the other specs sign in with).
 */
const PORT = E2E_PORT + 7;
const BASE = `http://127.0.0.1:${PORT}`;
const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = path.join(ROOT, 'docs/screenshots');
const FIRST = 'first-Operator-pass-2026';
const PASSWORD = 'chosen-Ask-pass-2026';

test.describe.configure({ mode: 'serial' });
test.use({ baseURL: BASE });

let server: ChildProcess | undefined;
let dataDir = '';
let analysisId = '';

/** A month of three platforms; Meta's spend jumps fivefold on 2025-12-25 (an anomaly the analysis stores). */
function campaigns(): string {
  const lines = ['Date,Platform,Campaign,Ad set,Impressions,Clicks,Spend,Conversions,Revenue'];
  const plan = [
    ['Meta', 'Winter Sale', 'Lookalike 1%'],
    ['Google Ads', 'Brand Search', 'Exact'],
    ['TikTok', 'Creator Push', 'Broad 18-34'],
  ] as const;
  for (let i = 0; i < 31; i++) {
    const day = new Date(Date.UTC(2025, 11, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const wobble = 1 + ((i * 7) % 11) / 100;
    plan.forEach(([platform, campaign, adSet], index) => {
      const base = [1200, 800, 500][index]!;
      const spend = base * wobble * (platform === 'Meta' && day === '2025-12-25' ? 5 : 1);
      const clicks = Math.round((base / [0.9, 1.6, 0.6][index]!) * wobble);
      const conversions = Math.round(clicks * [0.04, 0.07, 0.02][index]!);
      lines.push(
        `${day},${platform},${campaign},${adSet},${clicks * 40},${clicks},${spend.toFixed(2)},${conversions},${(conversions * [70, 55, 48][index]!).toFixed(2)}`,
      );
    });
  }
  return `${lines.join('\n')}\n`;
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

async function choosePassword(request: APIRequestContext, token: string, current: string) {
  const response = await request.post(`${BASE}/api/v1/auth/password`, {
    headers: { authorization: `Bearer ${token}` },
    data: { currentPassword: current, newPassword: PASSWORD },
  });
  expect(response.status()).toBe(200);
}

async function signIn(page: Page, username: string) {
  await page.goto('/');
  await page.getByLabel('Organisation').fill('askco');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Analyses', exact: true })).toBeVisible();
}

test.beforeAll(async ({ request }) => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'pca-e2e-ask-'));
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
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 90_000;
  while (
    !(await fetch(`${BASE}/health/live`)
      .then((response) => response.ok)
      .catch(() => false))
  ) {
    if (server.exitCode !== null || Date.now() > deadline) throw new Error('pca serve did not start');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const operator = await login(request, 'admin', FIRST);
  await choosePassword(request, operator, FIRST);
  const created = await request.post(`${BASE}/api/v1/orgs`, {
    headers: { authorization: `Bearer ${operator}` },
    data: { name: 'Ask Co', slug: 'askco', admin: { username: 'boss' } },
  });
  expect(created.status()).toBe(201);
  const bossOtp = ((await created.json()) as { admin: { oneTimePassword: string } }).admin.oneTimePassword;
  const boss = await login(request, 'boss', bossOtp, 'askco');
  await choosePassword(request, boss, bossOtp);
  const analyst = await request.post(`${BASE}/api/v1/users`, {
    headers: { authorization: `Bearer ${boss}` },
    data: { username: 'ana', role: 'analyst' },
  });
  const anaOtp = ((await analyst.json()) as { oneTimePassword: string }).oneTimePassword;
  const ana = await login(request, 'ana', anaOtp, 'askco');
  await choosePassword(request, ana, anaOtp);
  const upload = await request.post(`${BASE}/api/v1/datasets`, {
    headers: { authorization: `Bearer ${ana}` },
    multipart: { file: { name: 'december.csv', mimeType: 'text/csv', buffer: Buffer.from(campaigns()) } },
  });
  expect(upload.status()).toBe(201);
  const datasetId = ((await upload.json()) as { id: string }).id;
  const analysis = await request.post(`${BASE}/api/v1/analyses`, {
    headers: { authorization: `Bearer ${ana}` },
    data: { datasetIds: [datasetId], name: 'December paid media' },
  });
  expect(analysis.status()).toBe(201);
  analysisId = ((await analysis.json()) as { id: string }).id;
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server!.once('exit', resolve));
  }
  await rm(dataDir, { recursive: true, force: true });
});

test('the analyst asks the dashboard, sees how each question was read, and rates the answers', async ({ page }) => {
  await signIn(page, 'ana');
  await page.getByRole('link', { name: 'December paid media' }).click();
  const box = page.getByTestId('ask-box');
  await expect(box.getByRole('heading', { name: 'Ask the data' })).toBeVisible();
  expect(page.url()).toContain(analysisId);

  await box.getByLabel('Your question').fill('Top 3 campaigns by spend');
  await box.getByRole('button', { name: 'Ask' }).click();
  const answer = box.getByTestId('ask-answer');
  await expect(answer).toContainText('Winter Sale');
  await expect(answer).toContainText('Read as:');
  const table = answer.getByTestId('ask-table');
  await expect(table.locator('tbody tr')).toHaveCount(3);
  // Headers are the labels the dashboard uses, and spend is written as its tables write money.
  await expect(table.getByRole('columnheader')).toHaveText(['Campaign', 'Spend']);
  await expect(table.locator('tbody tr').first().locator('td').nth(1)).toHaveText(/^\d{1,3}(,\d{3})*\.\d{2}$/);
  await expect(answer.getByRole('img', { name: /Chart: Spend by campaign/ })).toBeVisible();
  await answer.getByRole('button', { name: 'Useful' }).click();
  await expect(answer.getByRole('status')).toContainText('rated useful');

  await box.getByLabel('Your question').fill('Why did spend go up on the 25th?');
  await box.getByRole('button', { name: 'Ask' }).click();
  await expect(answer).toContainText('What the analysis found then');
  await expect(answer).toContainText('Meta');
  await expect(table.getByRole('columnheader')).toHaveText([
    'Breakdown',
    'Name',
    'Spend',
    'Spend before',
    'Spend change',
  ]);
  await expect(table.getByRole('cell', { name: 'Platform', exact: true })).toBeVisible();
  await checkA11y(page, 'dashboard with an answer');
  await page.setViewportSize({ width: 1280, height: 900 });
  await box.scrollIntoViewIfNeeded();
  await box.screenshot({ path: path.join(SHOTS, 'ask.png') });

  await answer.getByRole('button', { name: 'Wrong' }).click();
  await answer.getByLabel('What was wrong (optional)').fill('I wanted it by ad set');
  await answer.getByLabel('The question as you meant it (optional)').fill('the other one');
  await answer.getByRole('button', { name: 'Send' }).click();
  // A rewording that reads as no question is refused, and nothing is stored.
  await expect(answer.getByRole('alert')).toBeVisible();
  await answer.getByLabel('The question as you meant it (optional)').fill('Spend by ad set on 25 December');
  await answer.getByRole('button', { name: 'Send' }).click();
  await expect(answer.getByRole('status')).toContainText('rated wrong');

  await box.getByLabel('Your question').fill('what is the weather in Paris');
  await box.getByRole('button', { name: 'Ask' }).click();
  const clarification = box.getByTestId('ask-clarification');
  await expect(clarification).toContainText("I can't answer that");
  await clarification.getByRole('button', { name: 'a ranking' }).click();
  await expect(box.getByTestId('ask-answer')).toContainText('Read as:');
  await expect(box.getByRole('button', { name: 'Top 3 campaigns by spend' })).toBeVisible();
});

test('the admin reviews the answers rated wrong, with the comment and the rewording', async ({ page }) => {
  await signIn(page, 'boss');
  await page.getByRole('link', { name: 'Answer reviews' }).click();
  const list = page.getByTestId('ask-reviews');
  await expect(list).toContainText('Why did spend go up on the 25th?');
  await expect(list).toContainText('I wanted it by ad set');
  await expect(list).toContainText('Spend by ad set on 25 December');
  await checkA11y(page, 'answer reviews');
  await page.screenshot({ path: path.join(SHOTS, 'ask-reviews.png'), fullPage: true });
});
