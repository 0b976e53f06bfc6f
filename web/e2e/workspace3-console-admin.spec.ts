// Runs after workspace.spec.ts (file order) on the shared server: that spec tests the operator's very first sign-in.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { checkA11y } from './a11y';
import path from 'node:path';
import { OPERATOR_FIRST_PASSWORD } from './global-setup';

const SHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');
const PASSWORD = 'chosen-Browser-pass-2026';
const ORG = 'console-co';

test.describe.configure({ mode: 'serial' });

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/console-${name}.png`, fullPage: true });
}

async function apiLogin(
  request: APIRequestContext,
  username: string,
  password: string,
  organization?: string,
): Promise<{ status: number; token: string }> {
  const response = await request.post('/api/v1/auth/login', {
    data: { username, password, ...(organization ? { organization } : {}) },
  });
  const body = (await response.json()) as { accessToken?: string };
  return { status: response.status(), token: body.accessToken ?? '' };
}

async function uiSignIn(page: Page, username: string, password: string, organization?: string) {
  await page.goto('/');
  if (organization) await page.getByLabel('Organisation').fill(organization);
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function forcedChange(page: Page, current: string) {
  await expect(page.getByRole('heading', { name: 'Choose your own password' })).toBeVisible();
  await page.getByLabel('Current password').fill(current);
  await page.getByLabel('New password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Analyses', exact: true })).toBeVisible();
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to PCA Agent' })).toBeVisible();
}

/** The console's menu as the signed-in user sees it. */
async function consoleMenu(page: Page): Promise<string[]> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Console' }).click();
  const nav = page.getByRole('navigation', { name: 'Console' });
  await expect(nav).toBeVisible();
  return nav.getByRole('link').allTextContents();
}

async function openConsolePage(page: Page, label: string, heading: string) {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label }).click();
  await expect(page.getByRole('heading', { name: heading, exact: true, level: 1 })).toBeVisible();
}

async function oneTimeSecret(page: Page): Promise<string> {
  const secret = page.getByTestId('one-time-secret');
  await expect(secret).toBeVisible();
  const value = (await secret.textContent()) ?? '';
  expect(value.length).toBeGreaterThan(8);
  return value;
}

const secrets: Record<'chief' | 'ana' | 'vic', string> = { chief: '', ana: '', vic: '' };

test('the operator sees the whole console and creates, edits, suspends and reactivates an organisation', async ({
  page,
  request,
}) => {
  // Whether another spec already changed the operator's first password or not.
  const first = await apiLogin(request, 'admin', PASSWORD);
  if (first.status === 200) await uiSignIn(page, 'admin', PASSWORD);
  else {
    await uiSignIn(page, 'admin', OPERATOR_FIRST_PASSWORD);
    await forcedChange(page, OPERATOR_FIRST_PASSWORD);
  }
  await expect(page.getByRole('heading', { name: 'Analyses', exact: true })).toBeVisible();
  expect(await consoleMenu(page)).toEqual([
    'Users',
    'API keys',
    'Settings',
    'Budgets',
    'Scheduled reports',
    'Organisations',
    'Audit trail',
    'Monitoring',
    'Alerts',
    'Feedback',
  ]);
  await openConsolePage(page, 'Organisations', 'Organisations');
  await page.getByLabel('Name', { exact: true }).fill('Console Co');
  await page.getByLabel('Sign-in name (slug)').fill(ORG);
  await page.getByLabel("First admin's username").fill('chief');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  secrets.chief = await oneTimeSecret(page);
  await page.getByRole('button', { name: 'Done' }).click();

  const row = page.locator(`li[data-org="${ORG}"]`);
  await row.getByRole('button', { name: 'Manage' }).click();
  await row.getByLabel('Users', { exact: true }).fill('9');
  await row.getByLabel('LLM summaries').setChecked(true);
  await row.getByRole('button', { name: 'Save quotas and features' }).click();
  await expect(row.getByRole('status')).toHaveText('Saved.');
  await expect(row.getByRole('meter', { name: 'Active users' })).toHaveAttribute('aria-valuetext', '1 of 9');
  await checkA11y(page, 'organisations');
  await shoot(page, 'organisations');

  const operator = (await apiLogin(request, 'admin', PASSWORD)).token;
  const orgs = (await (
    await request.get('/api/v1/orgs?limit=200', { headers: { authorization: `Bearer ${operator}` } })
  ).json()) as { items: { slug: string; quotas: { maxUsers: number }; features: { llm_insights: boolean } }[] };
  expect(orgs.items.find((org) => org.slug === ORG)).toMatchObject({
    quotas: { maxUsers: 9 },
    features: { llm_insights: true },
  });

  await row.getByRole('button', { name: 'Suspend' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Suspend' }).click();
  await expect(row.getByText('Suspended', { exact: true })).toBeVisible();
  expect((await apiLogin(request, 'chief', secrets.chief, ORG)).status).not.toBe(200);
  await row.getByRole('button', { name: 'Reactivate' }).click();
  await expect(row.getByText('Active', { exact: true })).toBeVisible();
  await signOut(page);
});

test('the organisation admin runs users, API keys, settings and budgets, and is not offered the operator’s page', async ({
  page,
  request,
}) => {
  await uiSignIn(page, 'chief', secrets.chief, ORG);
  await forcedChange(page, secrets.chief);
  expect(await consoleMenu(page)).toEqual([
    'Users',
    'API keys',
    'Settings',
    'Budgets',
    'Scheduled reports',
    'Audit trail',
    'Alerts',
    'Feedback',
  ]);
  // The operator's page is not offered; an address typed by hand explains, and the server refuses anyway.
  await page.goto('/console/organisations');
  await expect(page.getByRole('heading', { name: 'Not available to your role' })).toBeVisible();
  // Access tokens live 30 s here: a fresh one for each check.
  const auth = async () => ({ authorization: `Bearer ${(await apiLogin(request, 'chief', PASSWORD, ORG)).token}` });
  expect((await request.get('/api/v1/orgs', { headers: await auth() })).status()).toBe(403);

  // Users: create with a role, the one-time password shown once.
  await page.goto('/console/users');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  for (const [username, role] of [
    ['ana', 'analyst'],
    ['vic', 'viewer'],
    ['temp', 'viewer'],
  ] as const) {
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Role', { exact: true }).selectOption(role);
    await page.getByRole('button', { name: 'Add user' }).click();
    const secret = await oneTimeSecret(page);
    if (username !== 'temp') secrets[username] = secret;
    await page.getByRole('button', { name: 'Done' }).click();
  }
  const temp = page.locator('tr[data-username="temp"]');
  await temp.getByLabel('Role of temp').selectOption('auditor');
  await expect(temp.getByLabel('Role of temp')).toHaveValue('auditor');
  await temp.getByRole('button', { name: 'Deactivate' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Deactivate' }).click();
  await expect(temp.getByText('Deactivated')).toBeVisible();
  await temp.getByRole('button', { name: 'Reactivate' }).click();
  await expect(temp.getByText('Active', { exact: true })).toBeVisible();
  await temp.getByRole('button', { name: 'Reset password' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Reset' }).click();
  const reset = await oneTimeSecret(page);
  expect((await apiLogin(request, 'temp', reset, ORG)).status).toBe(200);
  await page.getByRole('button', { name: 'Done' }).click();
  // The admin's own row: last sign-in and its live sessions.
  const own = page.locator('tr[data-username="chief"]');
  await expect(own.locator('td').nth(3)).not.toHaveText('Never');
  await own.getByRole('button', { name: 'Sessions' }).click();
  await expect(page.getByText(/last active/).first()).toBeVisible();
  await checkA11y(page, 'users');
  await shoot(page, 'users');

  // API keys: the secret once, it works against the API, its last use shows, revoked it stops.
  await openConsolePage(page, 'API keys', 'API keys');
  await page.getByLabel('Name', { exact: true }).fill('reporting script');
  await page.getByLabel('analyses:read').check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = await oneTimeSecret(page);
  expect(key).toMatch(/^pca_/);
  expect((await request.get('/api/v1/analyses', { headers: { authorization: `Bearer ${key}` } })).status()).toBe(200);
  expect((await request.get('/api/v1/users', { headers: { authorization: `Bearer ${key}` } })).status()).toBe(403);
  await page.getByRole('button', { name: 'Done' }).click();
  await page.reload();
  const keyRow = page.locator('tr[data-key-name="reporting script"]');
  await expect(keyRow.getByTestId('last-used')).not.toHaveText('Never');
  await checkA11y(page, 'api keys');
  await shoot(page, 'api-keys');
  await keyRow.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(keyRow.getByText('Revoked')).toBeVisible();
  expect((await request.get('/api/v1/analyses', { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);

  // Settings: benchmarks, pacing, retention, metadata; usage against the quotas the operator set.
  await openConsolePage(page, 'Settings', 'Settings');
  await page.getByLabel('Industry').selectOption('saas');
  await page.getByLabel('Segment').selectOption('B2B');
  await page.getByLabel('Overrides (JSON)').fill('{ "Meta": { "ctr": 1.4 } }');
  await page.getByLabel('Under-pacing below').fill('0.85');
  await page.getByLabel('Over-pacing above').fill('1.15');
  await page.getByLabel('Analyses (days)').fill('400');
  await page.getByLabel('Metadata (JSON)').fill('{ "costCentre": "EMEA-12" }');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(page.getByRole('meter', { name: 'Active users' })).toHaveAttribute('aria-valuetext', '4 of 9');
  const me = (await (await request.get('/api/v1/auth/me', { headers: await auth() })).json()) as {
    user: { orgId: string };
  };
  const org = (await (await request.get(`/api/v1/orgs/${me.user.orgId}`, { headers: await auth() })).json()) as Record<
    string,
    unknown
  >;
  expect(org).toMatchObject({
    settings: {
      benchmarks: { industry: 'saas', segment: 'B2B', overrides: { Meta: { ctr: 1.4 } } },
      pacing: { under: 0.85, over: 1.15 },
    },
    retention: { analysesDays: 400 },
    metadata: { costCentre: 'EMEA-12' },
  });
  await checkA11y(page, 'settings');
  await shoot(page, 'settings');

  // Budgets: add one, a bad file names every bad row and stores nothing, a good file adds all.
  await openConsolePage(page, 'Budgets', 'Budgets');
  await page.getByLabel('Campaign name').fill('Spring sale');
  await page.getByLabel('Amount').fill('5000');
  await page.getByLabel('Currency (optional)').fill('EUR');
  await page.getByLabel('Starts').fill('2026-03-01');
  await page.getByLabel('Ends').fill('2026-03-31');
  await page.getByRole('button', { name: 'Add budget' }).click();
  await expect(page.getByRole('cell', { name: 'Spring sale' })).toBeVisible();
  await page
    .getByRole('row', { name: /Spring sale/ })
    .getByRole('button', { name: 'Edit' })
    .click();
  await page.getByLabel('Amount').fill('6500');
  await page.getByRole('button', { name: 'Save budget' }).click();
  await expect(page.getByRole('status')).toHaveText('Budget "Spring sale" saved.');
  await expect(page.getByRole('row', { name: /Spring sale/ })).toContainText('€6,500.00');
  const bad =
    'scope,name,amount,startDate,endDate\ncampaign,Fine,100,2026-04-01,2026-04-30\nchannel,Wrong scope,100,2026-04-01,2026-04-30\ncampaign,Backwards,-5,2026-04-30,2026-04-01\n';
  await page
    .getByLabel('Budget file (.csv)')
    .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  const problems = page.getByRole('list', { name: 'Rows with problems' });
  await expect(problems).toContainText('Row 2 (line 3): scope');
  await expect(problems).toContainText('Row 3 (line 4): amount');
  await expect(problems).toContainText('Row 3 (line 4): endDate');
  await expect(page.getByRole('cell', { name: 'Fine', exact: true })).toHaveCount(0);
  await checkA11y(page, 'budgets with a bad file');
  await shoot(page, 'budgets-bad-file');
  const good =
    'scope,name,amount,currency,start,end\ncampaign,Summer,2500,EUR,2026-06-01,2026-06-30\nplatform,Meta,8000,EUR,2026-06-01,2026-06-30\n';
  await page
    .getByLabel('Budget file (.csv)')
    .setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await expect(page.getByRole('status')).toHaveText('2 budgets added from the file.');
  await expect(page.getByRole('cell', { name: 'Summer' })).toBeVisible();
  await checkA11y(page, 'budgets');
  await shoot(page, 'budgets');
  await signOut(page);
});

test('an analyst sees only budgets, scheduled reports and feedback in the console; a viewer sees no console at all', async ({
  page,
  request,
}) => {
  await uiSignIn(page, 'ana', secrets.ana, ORG);
  await forcedChange(page, secrets.ana);
  expect(await consoleMenu(page)).toEqual(['Budgets', 'Scheduled reports', 'Feedback']);
  await expect(page.getByRole('heading', { name: 'Budgets', level: 1 })).toBeVisible();
  await checkA11y(page, 'analyst budgets');
  await page.goto('/console/users');
  await expect(page.getByRole('heading', { name: 'Not available to your role' })).toBeVisible();
  const ana = (await apiLogin(request, 'ana', PASSWORD, ORG)).token;
  expect((await request.get('/api/v1/users', { headers: { authorization: `Bearer ${ana}` } })).status()).toBe(403);
  await signOut(page);

  await uiSignIn(page, 'vic', secrets.vic, ORG);
  await forcedChange(page, secrets.vic);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Console' })).toHaveCount(0);
  await page.goto('/console');
  await expect(page.getByRole('heading', { name: 'Nothing to administer' })).toBeVisible();
  await checkA11y(page, 'viewer console');
  const vic = (await apiLogin(request, 'vic', PASSWORD, ORG)).token;
  expect(
    (await request.post('/api/v1/budgets', { headers: { authorization: `Bearer ${vic}` }, data: {} })).status(),
  ).toBe(403);
});
