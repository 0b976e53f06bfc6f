import type { Kysely } from 'kysely';
import type { AuditRecorder } from '../audit/index.js';
import { AppError } from '../errors.js';
import { newId, type SessionId, type OrgId, type UserId } from '../ids.js';
import type { Database } from '../store/schema.js';
import { inTransaction } from '../store/transactions.js';
import { revokeUserApiKeys } from './api-keys.js';
import { hashToken, newOpaqueToken } from './opaque-tokens.js';

export const REFRESH_TOKEN_PREFIX = 'rt_';

export interface ClientInfo {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface SessionView {
  readonly id: SessionId;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastUsedAt: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly current: boolean;
}

/** Opens a session (a refresh-token family) and returns its first refresh token. */
export async function startSession(
  db: Kysely<Database>,
  user: { id: string; orgId: OrgId },
  client: ClientInfo,
  now: Date,
  lifetimeDays: number,
): Promise<{ sessionId: SessionId; refreshToken: string }> {
  const sessionId = newId('ses');
  const refreshToken = newOpaqueToken(REFRESH_TOKEN_PREFIX);
  const at = now.toISOString();
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        id: sessionId,
        org_id: user.orgId,
        user_id: user.id,
        created_at: at,
        expires_at: new Date(now.getTime() + lifetimeDays * 86_400_000).toISOString(),
        last_used_at: at,
        revoked_at: null,
        revoked_reason: null,
        ip: client.ip,
        user_agent: client.userAgent?.slice(0, 256) ?? null,
      })
      .execute();
    await trx
      .insertInto('refresh_tokens')
      .values({ token_hash: hashToken(refreshToken), session_id: sessionId, created_at: at, used_at: null })
      .execute();
  });
  return { sessionId, refreshToken };
}

export type RotationResult =
  | { readonly kind: 'rotated'; readonly sessionId: SessionId; readonly userId: UserId; readonly refreshToken: string }
  | { readonly kind: 'reused'; readonly sessionId: SessionId; readonly userId: UserId; readonly orgId: OrgId }
  | { readonly kind: 'invalid' };

/**
 * Exchanges a refresh token for a new one. A token is single-use: presenting
 * one that was already used revokes its whole family (the session).
 */
export async function rotateRefreshToken(
  db: Kysely<Database>,
  token: string,
  now: Date,
  audit: AuditRecorder,
): Promise<RotationResult> {
  const at = now.toISOString();
  const found = await db
    .selectFrom('refresh_tokens')
    .innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
    .select([
      'refresh_tokens.token_hash',
      'refresh_tokens.used_at',
      'sessions.id as session_id',
      'sessions.user_id',
      'sessions.org_id',
      'sessions.revoked_at',
      'sessions.expires_at',
    ])
    .where('refresh_tokens.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!found) return { kind: 'invalid' };
  const sessionId = found.session_id as SessionId;
  if (found.revoked_at !== null || found.expires_at <= at) return { kind: 'invalid' };
  const reused = async (): Promise<RotationResult> => {
    await inTransaction(db, async (trx) => {
      await revokeSession(trx, sessionId, 'refresh_token_reuse', at);
      await audit.record(trx, {
        action: 'auth.refresh_token.reused',
        orgId: found.org_id as OrgId,
        actor: { type: 'user', id: found.user_id, name: null },
        target: { type: 'session', id: sessionId },
        outcome: 'denied',
        reason: 'a used refresh token was presented again; the session is revoked',
      });
    });
    return { kind: 'reused', sessionId, userId: found.user_id as UserId, orgId: found.org_id as OrgId };
  };
  if (found.used_at !== null) return reused();
  const refreshToken = newOpaqueToken(REFRESH_TOKEN_PREFIX);
  const claimed = await db.transaction().execute(async (trx) => {
    // Only one of two concurrent presentations can claim the token; the other is a reuse.
    const result = await trx
      .updateTable('refresh_tokens')
      .set({ used_at: at })
      .where('token_hash', '=', found.token_hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await trx
      .insertInto('refresh_tokens')
      .values({ token_hash: hashToken(refreshToken), session_id: sessionId, created_at: at, used_at: null })
      .execute();
    await trx.updateTable('sessions').set({ last_used_at: at }).where('id', '=', sessionId).execute();
    await audit.record(trx, {
      action: 'auth.session.refreshed',
      orgId: found.org_id as OrgId,
      actor: { type: 'user', id: found.user_id, name: null },
      target: { type: 'session', id: sessionId },
    });
    return true;
  });
  if (!claimed) return reused();
  return { kind: 'rotated', sessionId, userId: found.user_id as UserId, refreshToken };
}

export async function revokeSession(
  db: Kysely<Database>,
  sessionId: SessionId,
  reason: string,
  at: string,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Ends every live session of a user, optionally keeping one (the caller's own). */
export async function revokeUserSessions(
  db: Kysely<Database>,
  userId: UserId,
  reason: string,
  at: string,
  keep?: string,
): Promise<number> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keep !== undefined) query = query.where('id', '!=', keep);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Ends every live session of an organisation's users (suspension: nothing comes back on reactivation). */
export async function revokeOrganizationSessions(
  db: Kysely<Database>,
  orgId: OrgId,
  reason: string,
  at: string,
): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('org_id', '=', orgId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function listSessions(
  db: Kysely<Database>,
  userId: UserId,
  currentSessionId: string | undefined,
  now: Date,
): Promise<SessionView[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id as SessionId,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    ip: row.ip,
    userAgent: row.user_agent,
    current: row.id === currentSessionId,
  }));
}

/** Revokes one of the caller's own sessions; anyone else's is "not found". */
export async function revokeOwnSession(
  db: Kysely<Database>,
  userId: UserId,
  sessionId: SessionId,
  at: string,
  audit: AuditRecorder,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const row = await trx
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw new AppError('not-found', 'No such session.');
    await revokeSession(trx, sessionId, 'user_revoked', at);
    await audit.record(trx, { action: 'auth.session.revoked', target: { type: 'session', id: sessionId } });
  });
}

/** Signing out: this session, or every session of the account. */
export async function logout(
  db: Kysely<Database>,
  user: { userId: UserId; sessionId: SessionId },
  scope: 'session' | 'all',
  at: string,
  audit: AuditRecorder,
): Promise<number> {
  return inTransaction(db, async (trx) => {
    let revoked = 1;
    let revokedApiKeys = 0;
    if (scope === 'all') {
      revoked = await revokeUserSessions(trx, user.userId, 'logout_all', at);
      revokedApiKeys = await revokeUserApiKeys(trx, user.userId, at);
    } else await revokeSession(trx, user.sessionId, 'logout', at);
    await audit.record(trx, {
      action: 'auth.logout',
      target: { type: scope === 'all' ? 'user' : 'session', id: scope === 'all' ? user.userId : user.sessionId },
      details: { scope, revokedSessions: revoked, ...(scope === 'all' ? { revokedApiKeys } : {}) },
    });
    return revoked;
  });
}

/** Removes an organisation's sessions that ended (expired or revoked) before a time; returns how many. */
export async function purgeEndedSessions(db: Kysely<Database>, orgId: OrgId, before: string): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('org_id', '=', orgId)
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
