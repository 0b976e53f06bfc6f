import type { AuthDeps } from '../../src/auth/auth-deps.js';
import { OPERATOR_USERNAME } from '../../src/auth/bootstrap.js';
import { issueTokens } from '../../src/auth/token-pair.js';
import type { Role } from '../../src/auth/permissions.js';
import { ROLES } from '../../src/auth/permissions.js';
import { startSession } from '../../src/auth/sessions.js';
import { createUser, type User } from '../../src/auth/users.js';
import { systemRecorder } from '../../src/audit/recorder.js';
import type { OrgId, UserId } from '../../src/ids.js';
import type { OpenContext } from '../../src/runtime.js';
import { createOrganization } from '../../src/tenancy/organizations.js';
import { OPERATOR_PASSWORD, USER_PASSWORD, type Session, type TestOrg } from './identity.js';

/*
 * Organisations, users and signed-in sessions made through the services, not
 * through HTTP: no first-login password change, and one password hash per
 * password and process instead of a hash and two verifications per user.
 * The users end as the HTTP path leaves them (their own password, nothing
 * restricted), so tests that sign in again or step up still can. Tests of
 * login, first login and password changes keep going through HTTP
 * (test/helpers/identity.ts).
 */

/** What the seed needs of a running instance: a TestApp or a Runtime. */
export interface Seedable {
  readonly ctx: OpenContext;
}

const hashes = new Map<string, Promise<string>>();

/** A hasher that computes each password's hash once per process (per algorithm): seeded users share it. */
function memoisedHasher(auth: AuthDeps): AuthDeps['hasher'] {
  const { passwordHash, bcryptCost } = auth.config;
  return {
    ...auth.hasher,
    hash: (password) => {
      const key = `${passwordHash}:${bcryptCost}:${password}`;
      let hash = hashes.get(key);
      if (hash === undefined) {
        hash = auth.hasher.hash(password);
        hashes.set(key, hash);
      }
      return hash;
    },
  };
}

async function signIn(auth: AuthDeps, user: Pick<User, 'id' | 'orgId' | 'role'>): Promise<Session> {
  const now = auth.clock();
  const { sessionId, refreshToken } = await startSession(
    auth.db,
    user,
    { ip: '127.0.0.1', userAgent: 'test-seed' },
    now,
    auth.config.refreshTokenDays,
  );
  const tokens = await issueTokens(auth, user, sessionId, refreshToken, now);
  return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, userId: user.id, orgId: user.orgId };
}

/** A user with USER_PASSWORD (already chosen: nothing restricted) and a live session. */
export async function seedUser(
  t: Seedable,
  orgId: OrgId,
  username: string,
  role: Role,
  password = USER_PASSWORD,
): Promise<Session> {
  const auth = { ...t.ctx.auth, hasher: memoisedHasher(t.ctx.auth) };
  const { user } = await createUser(
    auth,
    orgId,
    { username, role, password },
    systemRecorder(t.ctx.audit, 'test-seed'),
  );
  // As after the first-login change: the password is the user's own.
  await auth.db.updateTable('users').set({ must_change_password: 0 }).where('id', '=', user.id).execute();
  return signIn(auth, user);
}

/** The operator with OPERATOR_PASSWORD already chosen, signed in. */
export async function seedOperator(t: Seedable): Promise<Session> {
  const auth = t.ctx.auth;
  const operator = await auth.db
    .selectFrom('users')
    .select(['id', 'org_id', 'role'])
    .where('is_operator', '=', 1)
    .where('username', '=', OPERATOR_USERNAME)
    .executeTakeFirstOrThrow();
  await auth.db
    .updateTable('users')
    .set({ password_hash: await memoisedHasher(auth).hash(OPERATOR_PASSWORD), must_change_password: 0 })
    .where('id', '=', operator.id)
    .execute();
  return signIn(auth, { id: operator.id as UserId, orgId: operator.org_id as OrgId, role: operator.role as Role });
}

/**
 * An organisation with one signed-in user of every role: the same names as
 * the HTTP path gives them (`boss` the admin, `<role>-user` the others).
 */
export async function seedOrg(t: Seedable, slug: string): Promise<TestOrg> {
  const org = await createOrganization(
    t.ctx.auth,
    { name: `Org ${slug}`, slug },
    systemRecorder(t.ctx.audit, 'test-seed'),
  );
  const users = {} as Record<Role, Session>;
  for (const role of ROLES) {
    users[role] = await seedUser(t, org.id, role === 'admin' ? 'boss' : `${role}-user`, role);
  }
  return { orgId: org.id, slug, users };
}
