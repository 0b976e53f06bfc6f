import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { checkA11y } from './a11y';
import path from 'node:path';
// The server's own RFC 6238 implementation: the test plays the user's authenticator app.
import { totpCode } from '../../src/auth/totp.js';
import { OPERATOR_FIRST_PASSWORD } from './global-setup';

// Runs after workspace.spec.ts (file order): the operator's password is then already chosen.
const SHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');
const PASSWORD = 'chosen-Browser-pass-2026';

test.describe.configure({ mode: 'serial' });

async function shoot(page: Page, name: string, fullPage = true) {
  for (const [width, height] of [
    [1280, 800],
    [768, 1024],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}x${height}.png`, fullPage });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function login(request: APIRequestContext, username: string, password: string, organization?: string) {
  const response = await request.post('/api/v1/auth/login', {
    data: { username, password, ...(organization ? { organization } : {}) },
  });
  return {
    status: response.status(),
    token: response.ok() ? ((await response.json()) as { accessToken: string }).accessToken : '',
  };
}

async function mustLogin(
  request: APIRequestContext,
  username: string,
  password: string,
  organization?: string,
): Promise<string> {
  const { status, token } = await login(request, username, password, organization);
  expect(status, `login ${username}`).toBe(200);
  return token;
}

/** The operator's token, whether or not workspace.spec.ts ran first and chose the password. */
async function operatorToken(request: APIRequestContext): Promise<string> {
  const chosen = await login(request, 'admin', PASSWORD);
  if (chosen.status === 200) return chosen.token;
  const first = await mustLogin(request, 'admin', OPERATOR_FIRST_PASSWORD);
  expect(
    (
      await request.post('/api/v1/auth/password', {
        headers: { authorization: `Bearer ${first}` },
        data: { currentPassword: OPERATOR_FIRST_PASSWORD, newPassword: PASSWORD },
      })
    ).status(),
  ).toBe(200);
  return mustLogin(request, 'admin', PASSWORD);
}

/** Four campaigns over 30 days with steady spend and different returns; 25 October spends five times as much. */
function campaignsCsv(): string {
  const lines = ['Date,Platform,Campaign,Impressions,Clicks,Spend,Conversions,Revenue,Currency'];
  const campaigns = [
    ['Brand search', 6],
    ['Prospecting', 2.5],
    ['Retargeting', 4],
    ['Video awareness', 0.6],
  ] as const;
  for (let day = 1; day <= 30; day++) {
    const date = `2026-10-${String(day).padStart(2, '0')}`;
    campaigns.forEach(([name, roas], index) => {
      const spend = (100 + ((day * 7 + index * 13) % 11)) * (day === 25 ? 5 : 1);
      lines.push(
        `${date},Google Ads,${name},${spend * 40},${spend},${spend},${Math.round(spend / 20)},${(spend * roas).toFixed(2)},EUR`,
      );
    });
  }
  return lines.join('\n');
}

async function signIn(page: Page) {
  await page.goto('/');
  await page.getByLabel('Organisation').fill(state.org);
  await page.getByLabel('Username').fill(state.analyst);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('link', { name: /fin-ana/ })).toBeVisible();
}

const state = { org: 'finish', analyst: 'fin-ana', datasetId: '', analysisId: '' };

test('sets up an organisation with an analyst, a month of campaigns and a budget (through the API)', async ({
  request,
}) => {
  const operator = await operatorToken(request);
  const created = await request.post('/api/v1/orgs', {
    headers: { authorization: `Bearer ${operator}` },
    data: { name: 'Finish Media', slug: state.org, admin: { username: 'fin-boss' } },
  });
  expect(created.status()).toBe(201);
  const bossOtp = ((await created.json()) as { admin: { oneTimePassword: string } }).admin.oneTimePassword;
  const bossFirst = await mustLogin(request, 'fin-boss', bossOtp, state.org);
  expect(
    (
      await request.post('/api/v1/auth/password', {
        headers: { authorization: `Bearer ${bossFirst}` },
        data: { currentPassword: bossOtp, newPassword: PASSWORD },
      })
    ).status(),
  ).toBe(200);
  const boss = await mustLogin(request, 'fin-boss', PASSWORD, state.org);
  const user = await request.post('/api/v1/users', {
    headers: { authorization: `Bearer ${boss}` },
    data: { username: state.analyst, role: 'analyst' },
  });
  const otp = ((await user.json()) as { oneTimePassword: string }).oneTimePassword;
  const first = await mustLogin(request, state.analyst, otp, state.org);
  expect(
    (
      await request.post('/api/v1/auth/password', {
        headers: { authorization: `Bearer ${first}` },
        data: { currentPassword: otp, newPassword: PASSWORD },
      })
    ).status(),
  ).toBe(200);
  const analyst = await mustLogin(request, state.analyst, PASSWORD, state.org);
  const upload = await request.post('/api/v1/datasets', {
    headers: { authorization: `Bearer ${analyst}` },
    multipart: {
      file: { name: 'october.csv', mimeType: 'text/csv', buffer: Buffer.from(campaignsCsv()) },
      name: 'October campaigns',
    },
  });
  expect(upload.status()).toBe(201);
  state.datasetId = ((await upload.json()) as { id: string }).id;
  const budget = await request.post('/api/v1/budgets', {
    headers: { authorization: `Bearer ${analyst}` },
    data: {
      scope: 'campaign',
      name: 'Brand search',
      amount: 6000,
      currency: 'EUR',
      startDate: '2026-10-01',
      endDate: '2026-11-30',
    },
  });
  expect(budget.status()).toBe(201);
});

test('the analyst compares with last year, sees anomalies on the trend, the best and worst campaigns and pacing', async ({
  page,
  request,
}) => {
  await signIn(page);
  await page.getByRole('link', { name: 'New analysis' }).first().click();
  await page.getByRole('checkbox').first().check();
  await page.getByLabel('Name').fill('October review');
  await expect(page.getByLabel('Compare with')).toHaveValue('previous');
  await checkA11y(page, 'new analysis');
  await page.getByLabel('Compare with').selectOption('none');
  await page.getByRole('button', { name: 'Create analysis' }).click();
  await expect(page.getByTestId('kpi-spend')).toContainText('no comparison');
  state.analysisId = page.url().split('/').pop() ?? '';
  const analyst = await mustLogin(request, state.analyst, PASSWORD, state.org);
  const stored = (await (
    await request.get(`/api/v1/analyses/${state.analysisId}`, { headers: { authorization: `Bearer ${analyst}` } })
  ).json()) as { request: { comparison?: string }; result: { periodOverPeriod: unknown; totals: { spend: number }[] } };
  expect(stored.request.comparison).toBe('none');
  expect(stored.result.periodOverPeriod).toBeNull();

  // The anomalies the API found for spend are the ones marked and listed under the chart.
  const insights = (await (
    await request.get(`/api/v1/analyses/${state.analysisId}/insights`, {
      headers: { authorization: `Bearer ${analyst}` },
    })
  ).json()) as { anomalies: { payload: { metric: string; date: string } }[] };
  const spendAnomalies = insights.anomalies.filter((anomaly) => anomaly.payload.metric === 'spend');
  expect(spendAnomalies.length).toBeGreaterThan(0);
  expect(spendAnomalies.map((anomaly) => anomaly.payload.date)).toContain('2026-10-25');
  await expect(page.getByTestId('trend-anomalies').getByRole('listitem')).toHaveCount(spendAnomalies.length);
  await expect(page.getByRole('img', { name: /Spend by day, \d+ anomalies marked/ })).toBeVisible();
  await expect(page.locator('[role="img"][aria-label^="Spend by day"] svg')).toBeVisible();

  // Four campaigns by ROAS: the two best and the two worst (the deck's rule), none called both.
  const performers = page.getByTestId('performers');
  await expect(performers).toContainText('EUR · By ROAS (higher is better).');
  await expect(performers.getByRole('list').nth(0).getByRole('listitem')).toHaveText([/^Brand search/, /^Retargeting/]);
  await expect(performers.getByRole('list').nth(1).getByRole('listitem')).toHaveText([
    /^Video awareness/,
    /^Prospecting/,
  ]);
  await performers.screenshot({ path: `${SHOTS}/dashboard-performers.png` });

  // Pacing: the Brand search budget, spent to 31 October against its two-month line.
  const pacing = page.getByTestId('pacing-item');
  await expect(pacing).toHaveCount(1);
  await expect(pacing).toContainText('Brand search');
  await expect(pacing).toContainText('day 30 of 61');
  await expect(pacing).toContainText(/Overspending|On track|Underspending/);
  await checkA11y(page, 'dashboard with anomalies, performers and pacing');
  await shoot(page, 'dashboard-anomalies-pacing');

  // The same data compared with the same period last year: nothing there, said so on every tile.
  await page.getByRole('link', { name: 'Analyses', exact: true }).click();
  await page.getByRole('link', { name: 'New analysis' }).first().click();
  await page.getByRole('checkbox').first().check();
  await page.getByLabel('Compare with').selectOption('year');
  await page.getByLabel('Period').selectOption('custom');
  await page.getByLabel('From', { exact: true }).fill('2026-10-01');
  await page.getByLabel('To', { exact: true }).fill('2026-10-30');
  await page.getByRole('button', { name: 'Create analysis' }).click();
  await expect(page.getByText('(same period last year)')).toBeVisible();
  await expect(page.getByTestId('kpi-spend')).toContainText('no data a year before');
});

test('the dataset preview scrolls through every row, only those in view in the page', async ({ page }) => {
  await signIn(page);
  await page.goto(`/datasets/${state.datasetId}`);
  const scroller = page.getByTestId('preview-scroller');
  await expect(scroller.locator('tbody tr[data-index="0"]')).toContainText('2026-10-01');
  expect(await scroller.locator('tbody tr[data-index]').count()).toBeLessThan(40);
  await scroller.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
  await expect(scroller.locator('tbody tr[data-index="119"]')).toContainText('2026-10-30');
  expect(await scroller.locator('tbody tr[data-index]').count()).toBeLessThan(40);
  await checkA11y(page, 'dataset with the virtual preview');
});

/** A wide export with an ad group, funnel stage and video views on every row, a blank line and a totals line. */
function wideCsv(): string {
  const lines = [
    'Date,Platform,Campaign,Ad group,Funnel stage,Device,Country,Region,Age,Gender,Placement,Objective,Impressions,Reach,Clicks,Spend,Conversions,Revenue,Leads,Video views,Engagements,Currency',
  ];
  for (let day = 1; day <= 10; day++)
    lines.push(
      `2026-10-${String(day).padStart(2, '0')},Meta,Launch,Lookalikes ${day % 2},Awareness,Mobile,GB,London,25-34,female,Feed,Reach,${1000 + day},800,${20 + day},${50 + day},${day},${100 + day},2,${300 + day},40,GBP`,
    );
  lines.splice(5, 0, ','.repeat(21));
  lines.push('Total,,,,,,,,,,,,10055,8000,255,555,55,1055,20,3055,400,GBP');
  return lines.join('\n');
}

test('a first wide upload reads in words: labelled fields in the mapping, the rows and the breakdown tabs', async ({
  page,
  request,
}) => {
  const analyst = await mustLogin(request, state.analyst, PASSWORD, state.org);
  const upload = await request.post('/api/v1/datasets', {
    headers: { authorization: `Bearer ${analyst}` },
    multipart: {
      file: { name: 'wide.csv', mimeType: 'text/csv', buffer: Buffer.from(wideCsv()) },
      name: 'Wide export',
    },
  });
  expect(upload.status()).toBe(201);
  const dataset = (await upload.json()) as { id: string };

  await signIn(page);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(`/datasets/${dataset.id}`);
  // The mapping shows each field by its name; the value the API gets stays the key.
  const adGroup = page.getByLabel('Field for column Ad group');
  await expect(adGroup).toHaveValue('ad_group');
  await expect(adGroup.locator('option:checked')).toHaveText('Ad group');
  await expect(page.getByLabel('Field for column Video views').locator('option:checked')).toHaveText('Video views');
  const scroller = page.getByTestId('preview-scroller');
  await expect(scroller.getByRole('columnheader', { name: 'Funnel stage', exact: true })).toHaveCount(1);
  // The rows left out, and why: the API's counts, said in words.
  await expect(page.getByText('10 of 12 rows kept; left out 1 totals line and 1 blank line.')).toBeVisible();
  await expect(page.locator('main')).not.toContainText(/ad_group|funnel_stage|video_views/);
  // At 1400 px the wide table scrolls sideways inside its card; the page itself does not overflow.
  await expect(page.getByText('All 10 rows and 22 columns')).toBeVisible();
  const box = await scroller.evaluate((element) => ({
    scrollWidth: element.scrollWidth,
    clientWidth: element.clientWidth,
    right: element.getBoundingClientRect().right,
    cardRight: element.parentElement!.getBoundingClientRect().right,
    pageWidth: document.documentElement.scrollWidth,
  }));
  expect(box.scrollWidth).toBeGreaterThan(box.clientWidth);
  expect(box.right).toBeLessThanOrEqual(box.cardRight);
  expect(box.pageWidth).toBeLessThanOrEqual(1400);
  await scroller.scrollIntoViewIfNeeded();
  const last = scroller.getByRole('columnheader').last();
  await expect(last).not.toBeInViewport({ ratio: 1 });
  await scroller.evaluate((element) => element.scrollTo({ left: element.scrollWidth }));
  await expect(last).toBeInViewport({ ratio: 1 });
  await page.screenshot({ path: `${SHOTS}/dataset-wide-1400x900.png` });
  await scroller.evaluate((element) => element.scrollTo({ left: 0 }));
  await shoot(page, 'dataset-wide', true);

  const created = await request.post('/api/v1/analyses', {
    headers: { authorization: `Bearer ${analyst}` },
    data: { datasetIds: [dataset.id] },
  });
  expect(created.status()).toBe(201);
  await page.goto(`/analyses/${((await created.json()) as { id: string }).id}`);
  await expect(page.getByRole('tab', { name: 'Ad group' })).toBeVisible();
  await page.getByRole('tab', { name: 'Ad group' }).click();
  await expect(page.getByTestId('breakdown-ad_group').getByRole('columnheader').first()).toHaveText(/^Ad group/);
  await page.goto('/analyses/new');
  await expect(page.getByLabel('Filter by').locator('option')).toHaveText([
    'Platform',
    'Campaign',
    'Channel',
    'Device',
  ]);
});

test('a sheet without a currency column: the dashboard shows its figures, without a currency symbol', async ({
  page,
  request,
}) => {
  const analyst = await mustLogin(request, state.analyst, PASSWORD, state.org);
  const csv = campaignsCsv()
    .split('\n')
    .map((line) => line.slice(0, line.lastIndexOf(',')))
    .join('\n');
  const upload = await request.post('/api/v1/datasets', {
    headers: { authorization: `Bearer ${analyst}` },
    multipart: {
      file: { name: 'no-currency.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) },
      name: 'No currency',
    },
  });
  expect(upload.status()).toBe(201);
  const created = await request.post('/api/v1/analyses', {
    headers: { authorization: `Bearer ${analyst}` },
    data: { datasetIds: [((await upload.json()) as { id: string }).id] },
  });
  expect(created.status()).toBe(201);
  const analysis = (await created.json()) as {
    id: string;
    result: { totals: { currency: string | null; spend: number }[] };
  };
  expect(analysis.result.totals.map((row) => row.currency)).toEqual([null]);

  await signIn(page);
  await page.goto(`/analyses/${analysis.id}`);
  await expect(page.getByTestId('kpi-spend').locator('[data-value]')).toHaveAttribute(
    'data-value',
    String(analysis.result.totals[0]!.spend),
  );
  await expect(page.getByTestId('kpi-spend')).not.toContainText('–');
  await expect(page.getByTestId('kpi-spend')).not.toContainText('€');
  await expect(page.locator('[role="img"][aria-label^="Spend by day"] svg')).toBeVisible();
  // The breakdown by platform: its one platform and the total, in the same plain figures.
  const breakdown = page.getByRole('table').first();
  await expect(breakdown.locator('tbody tr')).toHaveCount(1);
  await expect(breakdown.locator('tbody tr')).toContainText('Google Ads');
  await expect(breakdown).toContainText(await page.getByTestId('kpi-spend').locator('[data-value]').innerText());
  await expect(page.getByText('no stated currency').first()).toBeVisible();
});

test('the analyst turns on two-factor authentication and then signs in with a code', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: /fin-ana/ }).click();
  const card = page.getByTestId('mfa');
  await expect(card).toContainText('Off');
  await card.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  await card.getByLabel('Current password').fill('not-my-password-1');
  await card.getByRole('button', { name: 'Continue' }).click();
  await expect(card.getByRole('alert')).toBeVisible();
  await card.getByLabel('Current password').fill(PASSWORD);
  await card.getByRole('button', { name: 'Continue' }).click();
  await expect(card.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await card.getByTestId('mfa-secret').innerText()).replace(/\s+/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await checkA11y(page, 'profile, MFA enrolment');
  await shoot(page, 'profile-mfa-enrol', false);
  await card.getByLabel('Code from the app').fill(totpCode(secret, new Date()));
  await card.getByRole('button', { name: 'Turn on' }).click();
  await expect(card.getByTestId('recovery-codes').getByRole('listitem')).not.toHaveCount(0);
  await expect(card).toContainText('shown only now');
  await card.getByRole('button', { name: 'I have saved them' }).click();
  await expect(card).toContainText('On');
  await expect(card.getByRole('button', { name: 'Turn off two-factor authentication' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByLabel('Organisation').fill(state.org);
  await page.getByLabel('Username').fill(state.analyst);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByLabel('Authentication code')).toBeVisible();
  // A code of the next 30-second step: the one used to enrol cannot be replayed.
  await page.getByLabel('Authentication code').fill(totpCode(secret, new Date(Date.now() + 30_000)));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('link', { name: /fin-ana/ })).toBeVisible();
  await page.getByRole('link', { name: /fin-ana/ }).click();
  await expect(page.getByTestId('mfa')).toContainText('On');
});
