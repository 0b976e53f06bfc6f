import { sql, type Selectable } from 'kysely';
import type { AuditRecorder } from '../audit/index.js';
import { consumeRateLimit } from '../store/rate-limits.js';
import type { UserTable } from '../store/schema.js';
import { AppError } from '../errors.js';
import { inTransaction } from '../store/transactions.js';
import type { OrgId, SessionId, UserId } from '../ids.js';
import type { AuthDeps } from './auth-deps.js';
import { issueTokens, type TokenPair } from './token-pair.js';
import { assertPasswordPolicy } from './passwords.js';
import type { Role } from './permissions.js';
import { revokeUserSessions, rotateRefreshToken, type RotationResult } from './sessions.js';

/** Checks of the current password per account per minute (password change, MFA changes); the lockout usually stops guessing first. */
export const PASSWORD_CHECKS_PER_MINUTE = 10;

/**
 * The check of a signed-in user's own password before a sensitive change:
 * throttled per account, refused while the account is locked, and each
 * failure counted toward the lockout exactly as a failed sign-in is, so a
 * stolen session cannot guess the password at leisure.
 */
export async function checkCurrentPassword(
  deps: AuthDeps,
  row: Selectable<UserTable>,
  password: string,
  audit: AuditRecorder,
): Promise<void> {
  const now = deps.clock();
  const rate = await consumeRateLimit(deps.db, `password-check:${row.id}`, PASSWORD_CHECKS_PER_MINUTE, 60_000, now);
  if (!rate.allowed) {
    throw new AppError('rate-limited', 'Too many password checks for this account; try again later.', {
      retryAfter: rate.retryAfterSeconds,
    });
  }
  const locked = row.locked_until !== null && row.locked_until > now.toISOString();
  const ok = await deps.hasher.verify(locked ? deps.dummyHash : row.password_hash, password);
  if (locked) throw new AppError('unauthorized', 'The account is locked after repeated failures; try again later.');
  if (ok) return;
  await inTransaction(deps.db, async (trx) => {
    // Incremented in the statement, so concurrent guesses each count.
    const counted = await trx
      .updateTable('users')
      .set({ failed_logins: sql<number>`failed_logins + 1` })
      .where('id', '=', row.id)
      .returning('failed_logins')
      .executeTakeFirstOrThrow();
    if (counted.failed_logins < deps.config.lockoutThreshold) return;
    const lockedUntil = new Date(now.getTime() + deps.config.lockoutMinutes * 60_000).toISOString();
    await trx
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: lockedUntil })
      .where('id', '=', row.id)
      .execute();
    await audit.record(trx, {
      action: 'auth.account.locked',
      actor: { type: 'user', id: row.id, name: row.username },
      target: { type: 'user', id: row.id, name: row.username },
      outcome: 'denied',
      reason: `${counted.failed_logins} consecutive failed password checks`,
      details: { lockedUntil },
    });
  });
  throw new AppError('unauthorized', 'The current password is not correct.');
}

/** Changing one's own password ends every other session of the account. */
export async function changePassword(
  deps: AuthDeps,
  userId: UserId,
  currentSessionId: string | undefined,
  currentPassword: string,
  newPassword: string,
  audit: AuditRecorder,
): Promise<{ revokedSessions: number }> {
  const row = await deps.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!row) throw new AppError('unauthorized', 'The current password is not correct.');
  await checkCurrentPassword(deps, row, currentPassword, audit);
  assertPasswordPolicy(newPassword, { username: row.username, email: row.email });
  if (await deps.hasher.verify(row.password_hash, newPassword)) {
    throw new AppError('validation', 'The new password must differ from the current one.', {}, [
      { field: '/body/newPassword', message: 'must differ from the current password' },
    ]);
  }
  const now = deps.clock().toISOString();
  const passwordHash = await deps.hasher.hash(newPassword);
  return inTransaction(deps.db, async (trx) => {
    await trx
      .updateTable('users')
      .set({
        password_hash: passwordHash,
        must_change_password: 0,
        password_changed_at: now,
        updated_at: now,
        failed_logins: 0,
      })
      .where('id', '=', userId)
      .execute();
    const revokedSessions = await revokeUserSessions(trx, userId, 'password_changed', now, currentSessionId);
    await audit.record(trx, {
      action: 'auth.password.changed',
      target: { type: 'user', id: userId, name: row.username },
      details: { revokedSessions, wasOneTimePassword: row.must_change_password === 1 },
    });
    return { revokedSessions };
  });
}

export type RefreshOutcome =
  | { readonly kind: 'refreshed'; readonly tokens: TokenPair; readonly userId: UserId; readonly sessionId: SessionId }
  | Exclude<RotationResult, { kind: 'rotated' }>;

/** Rotates the refresh token and issues a new access token, if the user and organisation are still active. */
export async function refreshSession(
  deps: AuthDeps,
  refreshToken: string,
  audit: AuditRecorder,
): Promise<RefreshOutcome> {
  const now = deps.clock();
  const rotation = await rotateRefreshToken(deps.db, refreshToken, now, audit);
  if (rotation.kind !== 'rotated') return rotation;
  const user = await deps.db
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.org_id')
    .select(['users.id', 'users.org_id', 'users.role', 'users.status', 'organizations.status as org_status'])
    .where('users.id', '=', rotation.userId)
    .executeTakeFirst();
  if (!user || user.status !== 'active' || user.org_status !== 'active') return { kind: 'invalid' };
  const tokens = await issueTokens(
    deps,
    { id: user.id as UserId, orgId: user.org_id as OrgId, role: user.role as Role },
    rotation.sessionId,
    rotation.refreshToken,
    now,
  );
  return { kind: 'refreshed', tokens, userId: user.id as UserId, sessionId: rotation.sessionId };
}
