import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OPERATOR_PERMISSIONS,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  ROLES,
  type Permission,
  type Role,
} from '../../src/auth/permissions.js';
import type { RouteEntry } from '../../src/server/route-table.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { bearer, type Session, type TestOrg } from '../helpers/identity.js';
import { seedOperator, seedOrg } from '../helpers/seed.js';
import { multipart } from '../helpers/multipart.js';

type RouteInfo = RouteEntry;

/**
 * Every /api/v1 route and the access it must declare: the permission (or
 * `signed-in`, or `public`), then its flags. A route added, removed or
 * re-guarded changes this table on purpose, in review.
 */
const EXPECTED_ACCESS: Record<string, string> = {
  'GET /api/v1/monitoring/requests': 'monitoring:read',
  'GET /api/v1/monitoring/system': 'platform:monitoring',
  'GET /api/v1/monitoring/system/history': 'platform:monitoring',
  'GET /api/v1/monitoring/health': 'platform:monitoring',
  'GET /api/v1/alerts/rules': 'platform:monitoring',
  'PUT /api/v1/alerts/rules': 'platform:monitoring',
  'GET /api/v1/alerts': 'monitoring:read',
  'POST /api/v1/alerts': 'alerts:manage',
  'GET /api/v1/alerts/:id': 'monitoring:read',
  'POST /api/v1/alerts/:id/acknowledge': 'alerts:manage',
  'POST /api/v1/alerts/:id/resolve': 'alerts:manage',
  'GET /api/v1/alerts/channels': 'alerts:manage',
  'POST /api/v1/alerts/channels': 'alerts:manage',
  'DELETE /api/v1/alerts/channels/:id': 'alerts:manage',
  'GET /api/v1/alerts/channels/:id/deliveries': 'alerts:manage',
  'POST /api/v1/alerts/channels/:id/test': 'alerts:manage',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/refresh': 'public',
  'POST /api/v1/auth/logout': 'signed-in users-only during-password-change',
  'POST /api/v1/auth/logout-all': 'signed-in users-only during-password-change',
  'GET /api/v1/auth/sessions': 'signed-in users-only',
  'DELETE /api/v1/auth/sessions/:id': 'signed-in users-only',
  'GET /api/v1/auth/me': 'signed-in during-password-change',
  'POST /api/v1/auth/password': 'signed-in users-only during-password-change',
  'POST /api/v1/auth/mfa/setup': 'signed-in users-only',
  'POST /api/v1/auth/mfa/enable': 'signed-in users-only',
  'POST /api/v1/auth/mfa/disable': 'signed-in users-only',
  'GET /api/v1/roles': 'signed-in',
  'GET /api/v1/users': 'users:manage',
  'POST /api/v1/users': 'users:manage',
  'GET /api/v1/users/:id': 'users:manage',
  'GET /api/v1/users/:id/sessions': 'users:manage',
  'PATCH /api/v1/users/:id': 'users:manage',
  'POST /api/v1/users/:id/deactivate': 'users:manage',
  'POST /api/v1/users/:id/reactivate': 'users:manage',
  'POST /api/v1/users/:id/reset-password': 'users:manage',
  'POST /api/v1/api-keys': 'api_keys:manage feature:api_access',
  'POST /api/v1/ask': 'analyses:read',
  'PUT /api/v1/ask/:id/rating': 'feedback:write',
  'GET /api/v1/ask/history': 'analyses:read',
  'GET /api/v1/ask/reviews': 'feedback:read',
  'GET /api/v1/api-keys': 'api_keys:manage feature:api_access',
  'DELETE /api/v1/api-keys/:id': 'api_keys:manage feature:api_access',
  'POST /api/v1/orgs': 'platform:orgs',
  'GET /api/v1/orgs': 'platform:orgs',
  'GET /api/v1/orgs/:id': 'org:settings',
  'PATCH /api/v1/orgs/:id': 'org:settings',
  'POST /api/v1/orgs/:id/suspend': 'platform:orgs',
  'POST /api/v1/orgs/:id/reactivate': 'platform:orgs',
  'GET /api/v1/orgs/:id/usage': 'org:settings',
  'POST /api/v1/datasets': 'datasets:upload',
  'GET /api/v1/datasets': 'analyses:read',
  'GET /api/v1/datasets/:id': 'analyses:read',
  'DELETE /api/v1/datasets/:id': 'datasets:delete',
  'PATCH /api/v1/datasets/:id/mapping': 'datasets:upload',
  'GET /api/v1/datasets/:id/preview': 'analyses:read',
  'POST /api/v1/analyses': 'analyses:create',
  'GET /api/v1/analyses': 'analyses:read',
  'GET /api/v1/analyses/:id': 'analyses:read',
  'DELETE /api/v1/analyses/:id': 'analyses:delete',
  'GET /api/v1/analyses/:id/export': 'data:export feature:exports',
  'POST /api/v1/query': 'analyses:read',
  'GET /api/v1/audit/events': 'audit:read',
  'GET /api/v1/audit/users/:id/activity': 'audit:read',
  'GET /api/v1/audit/verify': 'audit:read',
  'GET /api/v1/audit/report': 'audit:read',
  'GET /api/v1/audit/export': 'audit:read',
  'GET /api/v1/audit/archives': 'audit:read',
  'GET /api/v1/audit/catalog': 'audit:read',
  'GET /api/v1/analyses/:id/insights': 'analyses:read',
  'PUT /api/v1/insights/:id/feedback': 'feedback:write reads:analyses:read',
  'DELETE /api/v1/insights/:id/feedback': 'feedback:write reads:analyses:read',
  'PUT /api/v1/recommendations/:id/feedback': 'feedback:write reads:analyses:read',
  'PUT /api/v1/analyses/:id/feedback': 'feedback:write reads:analyses:read',
  'GET /api/v1/feedback/analytics': 'feedback:read',
  'GET /api/v1/feedback/suggestions': 'feedback:read',
  'GET /api/v1/feedback/export': 'feedback:read',
  'GET /api/v1/insights/rules': 'analyses:read',
  'POST /api/v1/insights/rules/:ruleId/restore': 'org:settings',
  'POST /api/v1/budgets': 'analyses:create',
  'POST /api/v1/budgets/upload': 'analyses:create',
  'GET /api/v1/budgets': 'analyses:read',
  'DELETE /api/v1/budgets/:id': 'analyses:create',
  'PUT /api/v1/budgets/:id': 'analyses:create',
  'GET /api/v1/budgets/pacing': 'analyses:read',
  'GET /api/v1/report-schedules': 'analyses:read feature:exports',
  'POST /api/v1/report-schedules': 'reports:manage feature:exports',
  'GET /api/v1/report-schedules/:id': 'analyses:read feature:exports',
  'PATCH /api/v1/report-schedules/:id': 'reports:manage feature:exports',
  'DELETE /api/v1/report-schedules/:id': 'reports:manage feature:exports',
  'POST /api/v1/report-schedules/:id/run': 'reports:manage feature:exports',
  'GET /api/v1/report-schedules/:id/runs': 'analyses:read feature:exports',
};

/** A declared rule in the table's words. */
function ruleOf(access: RouteInfo['access']): string {
  if (access === undefined) return 'undeclared';
  if ('public' in access) return 'public';
  const flags = [
    access.readsTarget !== undefined ? `reads:${access.readsTarget}` : undefined,
    access.feature !== undefined ? `feature:${access.feature}` : undefined,
    access.usersOnly ? 'users-only' : undefined,
    access.duringPasswordChange ? 'during-password-change' : undefined,
  ];
  return [access.permission ?? 'signed-in', ...flags].filter((part) => part !== undefined).join(' ');
}

function fill(url: string, id: string): string {
  return url.replace(/:[A-Za-z]+/g, id);
}

describe.each(BACKENDS)('access control [%s]', (backend) => {
  let t: TestApp;
  let routes: RouteInfo[] = [];
  let operator: Session;
  let a: TestOrg;
  let b: TestOrg;

  beforeAll(async () => {
    t = await createTestApp(backend, { env: { PCA_LOGIN_RATE_LIMIT: '1000', PCA_WEBHOOK_ALLOW_PRIVATE: 'true' } });
    // Every /api/v1 route the app serves, read from the app itself.
    routes = t.app.routeTable.filter((route) => route.url.startsWith('/api/'));
    operator = await seedOperator(t);
    a = await seedOrg(t, 'alpha');
    b = await seedOrg(t, 'beta');
  }, 120_000);
  afterAll(() => t.dispose());

  it('declares on each route exactly the access the table expects, and serves no route the table lacks', () => {
    expect(Object.fromEntries(routes.map((route) => [`${route.method} ${route.url}`, ruleOf(route.access)]))).toEqual(
      EXPECTED_ACCESS,
    );
  });

  it('every /api/v1 route declares its access rule', () => {
    const undeclared = routes
      .filter((route) => route.access === undefined)
      .map((route) => `${route.method} ${route.url}`);
    expect(undeclared).toEqual([]);
  });

  it('refuses every non-public route without credentials (401)', async () => {
    for (const route of routes.filter((candidate) => !(candidate.access && 'public' in candidate.access))) {
      const response = await t.app.inject({ method: route.method as 'GET', url: fill(route.url, 'x_1') });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
  });

  it('allows or refuses each role on each route exactly as the permission table says', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const access = route.access;
      if (!access || 'public' in access || access.permission === null) continue;
      const permission: Permission = access.permission;
      for (const role of ROLES) {
        const held: readonly Permission[] = ROLE_PERMISSIONS[role];
        const allowed =
          held.includes(permission) && (access.readsTarget === undefined || held.includes(access.readsTarget));
        const response = await t.app.inject({
          method: route.method as 'GET',
          url: fill(route.url, 'missing_1'),
          headers: bearer(a.users[role].accessToken),
          payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
        });
        const refused = response.statusCode === 403 && response.json<{ type: string }>().type === '/problems/forbidden';
        if (allowed === refused) failures.push(`${role} ${route.method} ${route.url}: ${response.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('serves instance-wide monitoring to the operator only', async () => {
    const platformRoutes = routes.filter(
      (route) =>
        route.method === 'GET' &&
        route.access &&
        !('public' in route.access) &&
        route.access.permission === 'platform:monitoring',
    );
    expect(platformRoutes.length).toBeGreaterThan(0);
    for (const route of platformRoutes) {
      const response = await t.app.inject({
        method: route.method as 'GET',
        url: route.url,
        headers: bearer(operator.accessToken),
      });
      expect(response.statusCode, route.url).toBe(200);
    }
  });

  it('gives platform:orgs to the operator only', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/orgs', headers: bearer(operator.accessToken) });
    expect(list.statusCode).toBe(200);
    for (const role of ROLES) {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/v1/orgs',
        headers: bearer(a.users[role].accessToken),
      });
      expect(response.statusCode).toBe(403);
    }
  });

  it('answers 404 for another organisation’s ids on every route that takes one', async () => {
    const roleFor = (route: RouteInfo): Role => {
      const access = route.access;
      const permission = access && !('public' in access) ? access.permission : null;
      return permission === null
        ? 'admin'
        : (ROLES.find((role) => (ROLE_PERMISSIONS[role] as readonly string[]).includes(permission)) ?? 'admin');
    };
    // b's resources: a user, an API key, a session, the organisation itself.
    const keyResponse = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(b.users.admin.accessToken),
      payload: { name: 'b key', scopes: ['analyses:read'] },
    });
    const bKeyId = keyResponse.json<{ apiKey: { id: string } }>().apiKey.id;
    const bSessions = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/sessions',
      headers: bearer(b.users.viewer.accessToken),
    });
    const bSessionId = bSessions.json<{ items: { id: string }[] }>().items[0]!.id;
    const form = multipart({ name: 'b.csv', content: 'Date,Campaign,Spend\n2025-11-01,B only,5\n' });
    const bDataset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...bearer(b.users.analyst.accessToken), ...form.headers },
      payload: form.payload,
    });
    const bDatasetId = bDataset.json<{ id: string }>().id;
    const bAnalysis = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: bearer(b.users.analyst.accessToken),
      payload: { datasetIds: [bDatasetId] },
    });
    const bAnalysisId = bAnalysis.json<{ id: string }>().id;
    const bInsights = await t.app.inject({
      method: 'GET',
      url: `/api/v1/analyses/${bAnalysisId}/insights`,
      headers: bearer(b.users.analyst.accessToken),
    });
    const bItems = bInsights.json<{ insights: { id: string }[]; recommendations: { id: string }[] }>();
    const bInsightId = bItems.insights[0]!.id;
    const bRecommendationId = bItems.recommendations[0]!.id;
    const bBudget = await t.app.inject({
      method: 'POST',
      url: '/api/v1/budgets',
      headers: bearer(b.users.analyst.accessToken),
      payload: { scope: 'campaign', name: 'B only', amount: 10, startDate: '2025-11-01', endDate: '2025-11-30' },
    });
    const bBudgetId = bBudget.json<{ id: string }>().id;
    const bAlert = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alerts',
      headers: bearer(b.users.admin.accessToken),
      payload: { severity: 'info', category: 'data', title: 'b only' },
    });
    const bAlertId = bAlert.json<{ id: string }>().id;
    const bChannel = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/channels',
      headers: bearer(b.users.admin.accessToken),
      payload: { name: 'b hook', url: 'http://127.0.0.1:9/never' },
    });
    const bChannelId = bChannel.json<{ channel: { id: string } }>().channel.id;
    const bQuestion = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ask',
      headers: bearer(b.users.admin.accessToken),
      payload: { question: 'spend by campaign', datasetIds: [bDatasetId] },
    });
    const bQuestionId = bQuestion.json<{ id: string }>().id;
    const bSchedule = await t.app.inject({
      method: 'POST',
      url: '/api/v1/report-schedules',
      headers: bearer(b.users.analyst.accessToken),
      payload: {
        name: 'b report',
        report: { kind: 'datasets', datasetIds: [bDatasetId] },
        format: 'csv',
        cadence: { kind: 'daily', time: '06:00' },
        destination: { kind: 'webhook', channelId: bChannelId },
      },
    });
    expect(bSchedule.statusCode, bSchedule.body).toBe(201);
    const bScheduleId = bSchedule.json<{ id: string }>().id;
    const idFor = (url: string): string => {
      if (url.startsWith('/api/v1/ask')) return bQuestionId;
      if (url.startsWith('/api/v1/alerts/channels')) return bChannelId;
      if (url.startsWith('/api/v1/report-schedules')) return bScheduleId;
      if (url.startsWith('/api/v1/alerts')) return bAlertId;
      if (url.startsWith('/api/v1/datasets')) return bDatasetId;
      if (url.startsWith('/api/v1/analyses')) return bAnalysisId;
      if (url.startsWith('/api/v1/insights')) return bInsightId;
      if (url.startsWith('/api/v1/recommendations')) return bRecommendationId;
      if (url.startsWith('/api/v1/budgets')) return bBudgetId;
      if (url.startsWith('/api/v1/users') || url.startsWith('/api/v1/audit/users')) return b.users.analyst.userId;
      if (url.startsWith('/api/v1/api-keys')) return bKeyId;
      if (url.startsWith('/api/v1/auth/sessions')) return bSessionId;
      if (url.startsWith('/api/v1/orgs')) return b.orgId;
      throw new Error(`no foreign id known for ${url}`);
    };
    const failures: string[] = [];
    for (const route of routes.filter((candidate) => candidate.url.includes(':id'))) {
      const access = route.access;
      if (access && !('public' in access) && access.permission?.startsWith('platform:')) continue;
      const role = roleFor(route);
      const response = await t.app.inject({
        method: route.method as 'GET',
        url: fill(route.url, idFor(route.url)),
        headers: bearer(a.users[role].accessToken),
        payload:
          route.method === 'PUT'
            ? route.url.startsWith('/api/v1/budgets')
              ? { scope: 'campaign', name: 'taken over', amount: 1, startDate: '2025-11-01', endDate: '2025-11-30' }
              : route.url.startsWith('/api/v1/ask')
                ? { rating: 'wrong' }
                : route.url.startsWith('/api/v1/insights')
                  ? { rating: 3 }
                  : route.url.startsWith('/api/v1/recommendations')
                    ? { implemented: true }
                    : { overall: 3, usefulness: 3, accuracy: 3, actionability: 3 }
            : route.method !== 'PATCH'
              ? undefined
              : route.url.startsWith('/api/v1/orgs')
                ? { name: 'x' }
                : route.url.startsWith('/api/v1/datasets')
                  ? { mapping: { Spend: 'spend' } }
                  : route.url.startsWith('/api/v1/report-schedules')
                    ? { enabled: false }
                    : { displayName: 'x' },
      });
      if (response.statusCode !== 404)
        failures.push(`${route.method} ${route.url}: ${response.statusCode} ${response.body}`);
    }
    expect(failures).toEqual([]);
    // Another tenant's dataset cannot be reached through the query surface or an analysis either.
    for (const [url, payload] of [
      ['/api/v1/query', { datasetIds: [bDatasetId], metrics: ['spend'], dimensions: [] }],
      ['/api/v1/analyses', { datasetIds: [bDatasetId] }],
    ] as const) {
      const response = await t.app.inject({ method: 'POST', url, headers: bearer(a.users.admin.accessToken), payload });
      expect(response.statusCode, url).toBe(404);
    }
    // And b's resources are untouched.
    const stillThere = await t.app.inject({
      method: 'GET',
      url: `/api/v1/users/${b.users.analyst.userId}`,
      headers: bearer(b.users.admin.accessToken),
    });
    expect(stillThere.json<{ status: string; displayName: string | null }>()).toMatchObject({
      status: 'active',
      displayName: null,
    });
  });

  it('serves the permission table at /api/v1/roles', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/roles',
      headers: bearer(a.users.viewer.accessToken),
    });
    const body = response.json<{
      roles: { name: Role; permissions: Permission[] }[];
      operatorPermissions: Permission[];
    }>();
    for (const role of ROLES) {
      expect(body.roles.find((entry) => entry.name === role)?.permissions).toEqual([...ROLE_PERMISSIONS[role]]);
    }
    expect(body.operatorPermissions).toEqual([...OPERATOR_PERMISSIONS]);
  });

  it('gives no role a permission that no route lets it use, and routes check no permission nobody holds', () => {
    const usable = (role: Role, permission: Permission): boolean =>
      routes.some((route) => {
        const access = route.access;
        if (!access || 'public' in access || access.permission !== permission) return false;
        return access.readsTarget === undefined || ROLE_PERMISSIONS[role].includes(access.readsTarget);
      });
    const dead = ROLES.flatMap((role) =>
      ROLE_PERMISSIONS[role]
        .filter((permission) => !usable(role, permission))
        .map((permission) => `${role} ${permission}`),
    );
    expect(dead).toEqual([]);
    const checked = new Set(
      routes.flatMap((route) =>
        route.access && !('public' in route.access) && route.access.permission ? [route.access.permission] : [],
      ),
    );
    expect([...PERMISSIONS].filter((permission) => !checked.has(permission))).toEqual([]);
  });

  it('gives an organisation’s admin its own request statistics and the operator the instance’s', async () => {
    type Report = { scope: string; total: number; routes: { route: string; count: number }[] };
    const requests = async (session: Session): Promise<Report> => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/v1/monitoring/requests?minutes=60',
        headers: bearer(session.accessToken),
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<Report>();
    };
    const countOf = (report: Report, route: string) => report.routes.find((entry) => entry.route === route)?.count ?? 0;
    const before = await requests(a.users.admin);
    const instanceBefore = await requests(operator);
    for (let i = 0; i < 5; i++)
      await t.app.inject({ method: 'GET', url: '/api/v1/datasets', headers: bearer(b.users.viewer.accessToken) });
    await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(a.users.admin.accessToken) });
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'nobody', password: 'not-the-password-1', organization: 'alpha' },
    });
    expect(signIn.statusCode).toBe(401);
    const after = await requests(a.users.admin);
    const instance = await requests(operator);
    expect(after.scope).toBe('organization');
    expect(instance.scope).toBe('instance');
    // b's requests count for the instance, not for a; a's own do.
    expect(countOf(after, 'GET /api/v1/datasets')).toBe(countOf(before, 'GET /api/v1/datasets'));
    expect(countOf(instance, 'GET /api/v1/datasets')).toBe(countOf(instanceBefore, 'GET /api/v1/datasets') + 5);
    expect(countOf(after, 'GET /api/v1/users')).toBe(countOf(before, 'GET /api/v1/users') + 1);
    // Anonymous requests (sign-ins) belong to no organisation.
    expect(countOf(after, 'POST /api/v1/auth/login')).toBe(0);
    expect(countOf(instance, 'POST /api/v1/auth/login')).toBeGreaterThan(0);
    expect(instance.total).toBeGreaterThan(after.total);
    // Its own alerts too, but not the instance's system figures or alert rules.
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: bearer(a.users.admin.accessToken) }))
        .statusCode,
    ).toBe(200);
    for (const url of ['/api/v1/monitoring/system', '/api/v1/monitoring/health', '/api/v1/alerts/rules']) {
      expect(
        (await t.app.inject({ method: 'GET', url, headers: bearer(a.users.admin.accessToken) })).statusCode,
        url,
      ).toBe(403);
    }
  });

  it('refuses feedback on an insight to a caller that cannot read it: the auditor, and a key scoped to feedback only', async () => {
    const form = multipart({
      name: 'a.csv',
      content:
        'Date,Campaign,Impressions,Clicks,Spend,Conversions,Revenue\n2025-11-01,A one,1000,20,50,2,90\n2025-11-02,A two,1000,10,50,1,20\n',
    });
    const dataset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...bearer(a.users.analyst.accessToken), ...form.headers },
      payload: form.payload,
    });
    const analysis = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analyses',
      headers: bearer(a.users.analyst.accessToken),
      payload: { datasetIds: [dataset.json<{ id: string }>().id] },
    });
    const analysisId = analysis.json<{ id: string }>().id;
    const items = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/analyses/${analysisId}/insights`,
        headers: bearer(a.users.viewer.accessToken),
      })
    ).json<{ insights: { id: string }[] }>();
    const insightId = items.insights[0]!.id;
    const rate = (token: string) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/insights/${insightId}/feedback`,
        headers: bearer(token),
        payload: { rating: 2 },
      });
    // The auditor cannot read the analysis, so it cannot rate it either.
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/analyses/${analysisId}`,
          headers: bearer(a.users.auditor.accessToken),
        })
      ).statusCode,
    ).toBe(403);
    const byAuditor = await rate(a.users.auditor.accessToken);
    expect(byAuditor.statusCode).toBe(403);
    const overall = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/analyses/${analysisId}/feedback`,
      headers: bearer(a.users.auditor.accessToken),
      payload: { overall: 1, usefulness: 1, accuracy: 1, actionability: 1 },
    });
    expect(overall.statusCode).toBe(403);
    const key = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(a.users.admin.accessToken),
      payload: { name: 'feedback only', scopes: ['feedback:write'] },
    });
    const secret = key.json<{ key: string }>().key;
    expect((await rate(secret)).json<{ type: string; permission: string }>()).toMatchObject({
      type: '/problems/forbidden',
      permission: 'analyses:read',
    });
    // A viewer reads the analysis and rates it.
    expect((await rate(a.users.viewer.accessToken)).statusCode).toBe(200);
  });
});
