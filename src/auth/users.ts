import { randomBytes } from 'node:crypto';
import type { CompiledQuery, Kysely, Selectable } from 'kysely';
import { changesBetween, type AuditRecorder } from '../audit/index.js';
import { AppError } from '../errors.js';
import { newId, type OrgId, type UserId } from '../ids.js';
import { decodeCursor, pastCursor, toPage, type Page } from '../store/pagination.js';
import { readNow } from '../store/read-now.js';
import type { Database, UserTable } from '../store/schema.js';
import { inTransaction } from '../store/transactions.js';
import { assertWithinQuota, withOrganizationLock, requireOrganization } from '../tenancy/index.js';
import type { AuthDeps } from './auth-deps.js';
import { assertPasswordPolicy } from './passwords.js';
import { revokeUserApiKeys } from './api-keys.js';
import { assertMayManage, type Manager } from './management.js';
import type { Role } from './permissions.js';
import { revokeUserSessions } from './sessions.js';

export type UserStatus = 'active' | 'deactivated';

export interface User {
  readonly id: UserId;
  readonly orgId: OrgId;
  readonly username: string;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly role: Role;
  readonly isOperator: boolean;
  readonly status: UserStatus;
  readonly mustChangePassword: boolean;
  readonly mfaEnabled: boolean;
  readonly lockedUntil: string | null;
  readonly failedLogins: number;
  readonly lastLoginAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function presentUser(row: Selectable<UserTable>): User {
  return {
    id: row.id as UserId,
    orgId: row.org_id as OrgId,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    role: row.role as Role,
    isOperator: row.is_operator === 1,
    status: row.status as UserStatus,
    mustChangePassword: row.must_change_password === 1,
    mfaEnabled: row.mfa_secret !== null,
    lockedUntil: row.locked_until,
    failedLogins: row.failed_logins,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const USERNAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$';

/** Usernames are case-insensitive: stored and looked up in lower case. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** A one-time password that meets the policy; the user must change it at first login. */
export function oneTimePassword(): string {
  return randomBytes(15).toString('base64url');
}

export async function countActiveUsers(db: Kysely<Database>, orgId: OrgId): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Stand-ins for the two parameters of the compiled user read, swapped for the real ids on each run. */
const USER_MARK = '\u0000user';
const ORG_MARK = '\u0000org';

/** The user read compiled once per store: `GET /auth/me` runs it on every call. */
const userReads = new WeakMap<Kysely<Database>, CompiledQuery<Selectable<UserTable>>>();

function userRead(db: Kysely<Database>): CompiledQuery<Selectable<UserTable>> {
  let compiled = userReads.get(db);
  if (compiled === undefined) {
    compiled = db.selectFrom('users').selectAll().where('id', '=', USER_MARK).where('org_id', '=', ORG_MARK).compile();
    if (!compiled.parameters.includes(USER_MARK) || !compiled.parameters.includes(ORG_MARK)) {
      throw new Error('the user read did not compile to parameters');
    }
    userReads.set(db, compiled);
  }
  return compiled;
}

async function userRow(db: Kysely<Database>, orgId: OrgId, userId: UserId): Promise<Selectable<UserTable>> {
  const compiled = userRead(db);
  const parameters = compiled.parameters.map((value) =>
    value === USER_MARK ? userId : value === ORG_MARK ? orgId : value,
  );
  const query: CompiledQuery<Selectable<UserTable>> = { ...compiled, parameters };
  const rows = readNow(db, query) ?? (await db.executeQuery(query)).rows;
  const row = rows[0];
  if (!row) throw new AppError('not-found', 'No such user.');
  return row;
}

export async function getUser(db: Kysely<Database>, orgId: OrgId, userId: UserId): Promise<User> {
  return presentUser(await userRow(db, orgId, userId));
}

/** The id of an organisation's user by username (any case), or undefined. */
export async function findUserIdByUsername(
  db: Kysely<Database>,
  orgId: OrgId,
  username: string,
): Promise<UserId | undefined> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('org_id', '=', orgId)
    .where('username', '=', normaliseUsername(username))
    .executeTakeFirst();
  return row?.id as UserId | undefined;
}

export async function listUsers(
  db: Kysely<Database>,
  orgId: OrgId,
  page: { limit: number; cursor?: string },
): Promise<Page<User>> {
  const cursor = decodeCursor(page.cursor);
  let query = db
    .selectFrom('users')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit + 1);
  if (cursor) {
    query = query.where(pastCursor(cursor, 'asc'));
  }
  return toPage(await query.execute(), page.limit, (row) => row.created_at, presentUser);
}

export interface NewUser {
  readonly username: string;
  readonly email?: string | null;
  readonly displayName?: string | null;
  readonly role: Role;
  /** When omitted a one-time password is generated and returned once. */
  readonly password?: string;
  readonly isOperator?: boolean;
}

export interface CreatedUser {
  readonly user: User;
  /** Present when the password was generated: shown once, never stored in clear. */
  readonly oneTimePassword?: string;
}

/** Creates a user who must choose their own password at first login. */
export async function createUser(
  deps: AuthDeps,
  orgId: OrgId,
  input: NewUser,
  audit: AuditRecorder,
): Promise<CreatedUser> {
  await requireOrganization(deps.db, orgId);
  const username = normaliseUsername(input.username);
  if (!new RegExp(USERNAME_PATTERN).test(username)) {
    throw new AppError('validation', 'The username is not valid.', {}, [
      { field: '/body/username', message: 'must be 2-64 letters, digits, dots, dashes, underscores or @' },
    ]);
  }
  const generated = input.password === undefined ? oneTimePassword() : undefined;
  const password = input.password ?? generated!;
  assertPasswordPolicy(password, { username, email: input.email ?? null }, '/body/password');
  const now = deps.clock().toISOString();
  const row = {
    id: newId('usr'),
    org_id: orgId,
    username,
    email: input.email ?? null,
    display_name: input.displayName ?? null,
    role: input.role,
    is_operator: input.isOperator ? 1 : 0,
    status: 'active',
    password_hash: await deps.hasher.hash(password),
    must_change_password: 1,
    password_changed_at: now,
    failed_logins: 0,
    locked_until: null,
    mfa_secret: null,
    mfa_pending_secret: null,
    mfa_last_step: null,
    recovery_codes: null,
    last_login_at: null,
    created_at: now,
    updated_at: now,
  };
  // The hash is computed above; the quota and name checks and the insert hold the organisation's lock.
  await withOrganizationLock(deps.db, orgId, async (trx) => {
    const org = await requireOrganization(trx, orgId);
    assertWithinQuota(org.quotas, 'maxUsers', await countActiveUsers(trx, orgId));
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where('org_id', '=', orgId)
      .where('username', '=', username)
      .executeTakeFirst();
    if (taken) throw new AppError('conflict', `The username "${username}" is already taken in this organisation.`);
    await trx.insertInto('users').values(row).execute();
    await audit.record(trx, {
      action: 'user.created',
      orgId,
      target: { type: 'user', id: row.id, name: username },
      details: {
        role: row.role,
        email: row.email,
        displayName: row.display_name,
        isOperator: row.is_operator === 1,
        generatedPassword: generated !== undefined,
      },
    });
  });
  return { user: presentUser(row), ...(generated ? { oneTimePassword: generated } : {}) };
}

async function assertNotLastAdmin(db: Kysely<Database>, orgId: OrgId, userId: UserId, action: string): Promise<void> {
  const others = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .where('id', '!=', userId)
    .executeTakeFirstOrThrow();
  if (Number(others.n) === 0) {
    throw new AppError('conflict', `The last active admin of an organisation cannot be ${action}.`);
  }
}

export interface UserPatch {
  readonly email?: string | null;
  readonly displayName?: string | null;
  readonly role?: Role;
}

export async function updateUser(
  deps: AuthDeps,
  orgId: OrgId,
  manager: Manager,
  userId: UserId,
  patch: UserPatch,
  audit: AuditRecorder,
): Promise<{ before: User; after: User }> {
  return withOrganizationLock(deps.db, orgId, async (trx) => {
    const row = await userRow(trx, orgId, userId);
    const before = presentUser(row);
    assertMayManage(
      manager,
      row,
      patch.role !== undefined && patch.role !== before.role ? 'change the role of' : 'edit',
      patch.role,
    );
    if (patch.role !== undefined && patch.role !== before.role) {
      if (userId === manager.userId) throw new AppError('forbidden', 'Nobody may change their own role.');
      if (before.role === 'admin' && before.status === 'active') {
        await assertNotLastAdmin(trx, orgId, userId, 'demoted');
      }
    }
    const now = deps.clock().toISOString();
    const changes = {
      ...(patch.email !== undefined ? { email: patch.email } : {}),
      ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      updated_at: now,
    };
    await trx.updateTable('users').set(changes).where('id', '=', userId).where('org_id', '=', orgId).execute();
    const after = presentUser({ ...row, ...changes });
    const target = { type: 'user', id: userId, name: before.username };
    const profile = changesBetween(before, after, ['email', 'displayName']);
    if (after.role !== before.role) {
      await audit.record(trx, {
        action: 'user.role_changed',
        target,
        details: { changes: changesBetween(before, after, ['role']) },
      });
    }
    // A patch that changes nothing is still recorded as the update it asked for.
    if (Object.keys(profile).length > 0 || after.role === before.role) {
      await audit.record(trx, { action: 'user.updated', target, details: { changes: profile } });
    }
    return { before, after };
  });
}

export async function setUserStatus(
  deps: AuthDeps,
  orgId: OrgId,
  manager: Manager,
  userId: UserId,
  status: UserStatus,
  audit: AuditRecorder,
): Promise<User> {
  return withOrganizationLock(deps.db, orgId, async (trx) => {
    const row = await userRow(trx, orgId, userId);
    assertMayManage(manager, row, status === 'deactivated' ? 'deactivate' : 'reactivate');
    if (status === 'deactivated' && row.status === 'active' && row.role === 'admin') {
      await assertNotLastAdmin(trx, orgId, userId, 'deactivated');
    }
    if (status === 'active' && row.status !== 'active') {
      const org = await requireOrganization(trx, orgId);
      assertWithinQuota(org.quotas, 'maxUsers', await countActiveUsers(trx, orgId));
    }
    const now = deps.clock().toISOString();
    await trx.updateTable('users').set({ status, updated_at: now }).where('id', '=', userId).execute();
    const revokedSessions =
      status === 'deactivated' ? await revokeUserSessions(trx, userId, 'user_deactivated', now) : 0;
    await audit.record(trx, {
      action: status === 'deactivated' ? 'user.deactivated' : 'user.reactivated',
      target: { type: 'user', id: userId, name: row.username },
      details: { changes: { status: { from: row.status, to: status } }, revokedSessions },
    });
    return presentUser({ ...row, status, updated_at: now });
  });
}

/** An admin's reset: a one-time password, sessions ended, lockout cleared. */
export async function resetPassword(
  deps: AuthDeps,
  orgId: OrgId,
  manager: Manager,
  userId: UserId,
  audit: AuditRecorder,
): Promise<{ user: User; oneTimePassword: string }> {
  const row = await userRow(deps.db, orgId, userId);
  assertMayManage(manager, row, 'reset the password of');
  const password = oneTimePassword();
  const now = deps.clock().toISOString();
  const changes = {
    password_hash: await deps.hasher.hash(password),
    must_change_password: 1,
    password_changed_at: now,
    failed_logins: 0,
    locked_until: null,
    updated_at: now,
  };
  await inTransaction(deps.db, async (trx) => {
    await trx.updateTable('users').set(changes).where('id', '=', userId).execute();
    const revokedSessions = await revokeUserSessions(trx, userId, 'password_reset', now);
    const revokedApiKeys = await revokeUserApiKeys(trx, userId, now);
    await audit.record(trx, {
      action: 'auth.password.reset',
      target: { type: 'user', id: userId, name: row.username },
      details: { revokedSessions, revokedApiKeys, lockoutCleared: row.locked_until !== null },
    });
  });
  return { user: presentUser({ ...row, ...changes }), oneTimePassword: password };
}
