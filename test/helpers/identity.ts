import type { Role } from '../../src/auth/permissions.js';
import { ROLES } from '../../src/auth/permissions.js';
import type { OrgId } from '../../src/ids.js';
import type { HttpServer } from '../../src/server/http.js';
import { OPERATOR_FIRST_PASSWORD } from './backends.js';

export const OPERATOR_PASSWORD = 'operator-Chosen-pass-2026';
/** The password every test user ends up with after their first-login change. */
export const USER_PASSWORD = 'user-Chosen-pass-2026!';

export interface Session {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly userId: string;
  readonly orgId: OrgId;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export async function login(
  app: HttpServer,
  username: string,
  password: string,
  organization?: string,
  extra: Record<string, string> = {},
): Promise<Session> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password, ...(organization ? { organization } : {}), ...extra },
  });
  if (response.statusCode !== 200) throw new Error(`login ${username} failed: ${response.statusCode} ${response.body}`);
  const body = response.json<{ accessToken: string; refreshToken: string; user: { id: string; orgId: OrgId } }>();
  return {
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    userId: body.user.id,
    orgId: body.user.orgId,
  };
}

/** Signs in with a first password and changes it: a ready session. */
export async function firstLogin(
  app: HttpServer,
  username: string,
  firstPassword: string,
  newPassword: string,
  organization?: string,
): Promise<Session> {
  const first = await login(app, username, firstPassword, organization);
  const change = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: bearer(first.accessToken),
    payload: { currentPassword: firstPassword, newPassword },
  });
  if (change.statusCode !== 200) throw new Error(`password change failed: ${change.statusCode} ${change.body}`);
  // The session that changed the password stays live and is now unrestricted.
  return first;
}

export function operatorSession(app: HttpServer): Promise<Session> {
  return firstLogin(app, 'admin', OPERATOR_FIRST_PASSWORD, OPERATOR_PASSWORD);
}

export interface TestOrg {
  readonly orgId: OrgId;
  readonly slug: string;
  readonly users: Record<Role, Session>;
}

/** An organisation with one signed-in user of every role (its admin created with it). */
export async function orgWithEveryRole(app: HttpServer, operator: Session, slug: string): Promise<TestOrg> {
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/orgs',
    headers: bearer(operator.accessToken),
    payload: { name: `Org ${slug}`, slug, admin: { username: 'boss' } },
  });
  if (created.statusCode !== 201) throw new Error(`org create failed: ${created.body}`);
  const { organization, admin } = created.json<{
    organization: { id: OrgId };
    admin: { oneTimePassword: string };
  }>();
  const adminSession = await firstLogin(app, 'boss', admin.oneTimePassword, USER_PASSWORD, slug);
  const users = { admin: adminSession } as Record<Role, Session>;
  for (const role of ROLES.filter((candidate) => candidate !== 'admin')) {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(adminSession.accessToken),
      payload: { username: `${role}-user`, role },
    });
    if (response.statusCode !== 201) throw new Error(`user create failed: ${response.body}`);
    const { oneTimePassword } = response.json<{ oneTimePassword: string }>();
    users[role] = await firstLogin(app, `${role}-user`, oneTimePassword, USER_PASSWORD, slug);
  }
  return { orgId: organization.id, slug, users };
}
