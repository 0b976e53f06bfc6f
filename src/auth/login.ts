import type { Selectable } from 'kysely';
import type { AuditRecorder } from '../audit/index.js';
import { AppError } from '../errors.js';
import type { OrgId, SessionId, UserId } from '../ids.js';
import { consumeRateLimit } from '../store/rate-limits.js';
import type { UserTable } from '../store/schema.js';
import { inTransaction } from '../store/transactions.js';
import type { AuthDeps } from './auth-deps.js';
import { consumeSecondFactor } from './mfa.js';
import { issueTokens, type TokenPair } from './token-pair.js';

export type { TokenPair } from './token-pair.js';
import { normaliseUsername, presentUser, type User } from './users.js';
import { startSession, type ClientInfo } from './sessions.js';

export interface LoginInput {
  readonly username: string;
  readonly password: string;
  /** Organisation slug or id; the default organisation when omitted. */
  readonly organization?: string;
  /** A TOTP code or a recovery code, when the account has MFA. */
  readonly totp?: string;
}

/** Why a login failed, for the audit trail and alerts; the caller only ever sees one generic answer. */
export type LoginFailure =
  | 'unknown_user'
  | 'bad_password'
  | 'locked'
  | 'user_inactive'
  | 'org_inactive'
  | 'mfa_required'
  | 'bad_second_factor'
  | 'rate_limited'
  /** Too many password checks already running or queued on this instance. */
  | 'busy';

export type LoginOutcome =
  | { readonly kind: 'success'; readonly tokens: TokenPair; readonly user: User; readonly sessionId: SessionId }
  | {
      readonly kind: 'failure';
      readonly reason: LoginFailure;
      readonly userId?: UserId;
      readonly orgId?: OrgId;
      /** Set when this failure locked the account. */
      readonly lockedNow?: boolean;
      readonly retryAfterSeconds?: number;
    };

export const DEFAULT_ORG_SLUG = 'default';

/** The detail of a sign-in refused because the password-hashing queue is full. */
export const BUSY_DETAIL = 'Too many sign-ins at once; try again in a moment.';

/** The one answer every failed login gets, whatever the reason. */
export function loginRefusal(outcome: Extract<LoginOutcome, { kind: 'failure' }>): AppError {
  if (outcome.reason === 'rate_limited') {
    return new AppError('rate-limited', 'Too many login attempts from this address; try again later.', {
      retryAfter: outcome.retryAfterSeconds,
    });
  }
  if (outcome.reason === 'busy') {
    return new AppError('rate-limited', BUSY_DETAIL, { retryAfter: outcome.retryAfterSeconds });
  }
  if (outcome.reason === 'mfa_required') {
    return new AppError('mfa-required', 'This account needs a second factor: send `totp` with the login.');
  }
  return new AppError('unauthorized', 'Invalid credentials.');
}

async function findCandidate(
  deps: AuthDeps,
  input: LoginInput,
): Promise<{ row: Selectable<UserTable> | undefined; orgStatus: string | undefined; orgId: OrgId | undefined }> {
  const org = input.organization ?? DEFAULT_ORG_SLUG;
  const row = await deps.db
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.org_id')
    .selectAll('users')
    .select('organizations.status as org_status')
    .where((eb) => eb.or([eb('organizations.slug', '=', org), eb('organizations.id', '=', org)]))
    .where('users.username', '=', normaliseUsername(input.username))
    .executeTakeFirst();
  if (row) {
    const { org_status: orgStatus, ...user } = row;
    return { row: user, orgStatus, orgId: user.org_id as OrgId };
  }
  // An unknown user of a known organisation is recorded in that organisation's trail.
  const known = await deps.db
    .selectFrom('organizations')
    .select('id')
    .where((eb) => eb.or([eb('slug', '=', org), eb('id', '=', org)]))
    .executeTakeFirst();
  return { row: undefined, orgStatus: undefined, orgId: known?.id as OrgId | undefined };
}

type Failure = Extract<LoginOutcome, { kind: 'failure' }>;

/** Records a refused sign-in (in the caller's transaction when there is one) and returns it. */
async function refused(
  db: AuthDeps['db'],
  audit: AuditRecorder,
  attempted: string,
  failure: Failure,
  orgId: OrgId | undefined,
): Promise<Failure> {
  await audit.record(db, {
    action: 'auth.login.failed',
    ...(orgId !== undefined ? { orgId } : {}),
    actor: { type: 'user', id: failure.userId ?? null, name: attempted },
    target: { type: 'user', id: failure.userId ?? null, name: attempted },
    outcome: 'denied',
    reason: failure.reason,
  });
  return failure;
}

/**
 * Checks credentials with the same work and the same answer whether the
 * user exists or not; locks the account after repeated failures.
 */
export async function login(
  deps: AuthDeps,
  input: LoginInput,
  client: ClientInfo,
  audit: AuditRecorder,
): Promise<LoginOutcome> {
  const now = deps.clock();
  const at = now.toISOString();
  const attempted = normaliseUsername(input.username);
  const rate = await consumeRateLimit(
    deps.db,
    `login:ip:${client.ip ?? 'unknown'}`,
    deps.config.loginRateLimitPerMinute,
    60_000,
    now,
  );
  if (!rate.allowed) {
    return refused(
      deps.db,
      audit,
      attempted,
      { kind: 'failure', reason: 'rate_limited', retryAfterSeconds: rate.retryAfterSeconds },
      undefined,
    );
  }

  const { row, orgStatus, orgId } = await findCandidate(deps, input);
  const busy = (): Promise<Failure> =>
    refused(deps.db, audit, attempted, { kind: 'failure', reason: 'busy', retryAfterSeconds: 1 }, orgId);
  if (!row) {
    if ((await boundedVerify(deps, deps.dummyHash, input.password)) === 'busy') return busy();
    return refused(deps.db, audit, attempted, { kind: 'failure', reason: 'unknown_user' }, orgId);
  }
  const ids = { userId: row.id as UserId, orgId: row.org_id as OrgId };
  const deny = (reason: LoginFailure) =>
    refused(deps.db, audit, attempted, { kind: 'failure', reason, ...ids }, row.org_id as OrgId);
  const locked = row.locked_until !== null && row.locked_until > at;
  const passwordOk = await boundedVerify(deps, locked ? deps.dummyHash : row.password_hash, input.password);
  if (passwordOk === 'busy') return busy();
  if (locked) return deny('locked');
  if (!passwordOk) return recordFailure(deps, row, now, 'bad_password', audit);
  if (row.status !== 'active') return deny('user_inactive');
  if (orgStatus !== 'active') return deny('org_inactive');

  if (row.mfa_secret !== null) {
    if (input.totp === undefined || input.totp === '') return deny('mfa_required');
    if (!(await consumeSecondFactor(deps, row, input.totp, now))) {
      return recordFailure(deps, row, now, 'bad_second_factor', audit);
    }
  }

  const rehash = deps.hasher.needsRehash(row.password_hash) ? await deps.hasher.hash(input.password) : undefined;
  const user = presentUser({ ...row, failed_logins: 0, locked_until: null, last_login_at: at });
  const { sessionId, refreshToken } = await inTransaction(deps.db, async (trx) => {
    await trx
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null, last_login_at: at, ...(rehash ? { password_hash: rehash } : {}) })
      .where('id', '=', row.id)
      .execute();
    const session = await startSession(trx, user, client, now, deps.config.refreshTokenDays);
    await audit.record(trx, {
      action: 'auth.login.succeeded',
      orgId: user.orgId,
      actor: { type: 'user', id: user.id, name: user.username },
      target: { type: 'session', id: session.sessionId },
      details: { mfa: row.mfa_secret !== null, ...(rehash ? { passwordRehashed: true } : {}) },
    });
    return session;
  });
  return { kind: 'success', user, sessionId, tokens: await issueTokens(deps, user, sessionId, refreshToken, now) };
}

/** A verify through the bounded hasher; a full queue is an answer of its own, not an error. */
async function boundedVerify(deps: AuthDeps, stored: string, password: string): Promise<boolean | 'busy'> {
  try {
    return await deps.hasher.verify(stored, password);
  } catch (error) {
    if (error instanceof AppError && error.kind === 'rate-limited') return 'busy';
    throw error;
  }
}

async function recordFailure(
  deps: AuthDeps,
  row: Selectable<UserTable>,
  now: Date,
  reason: LoginFailure,
  audit: AuditRecorder,
): Promise<LoginOutcome> {
  // The counter restarts at 0 when a lock is set, so a lock that has run out starts afresh.
  const failures = row.failed_logins + 1;
  const lockedNow = failures >= deps.config.lockoutThreshold;
  const lockedUntil = lockedNow ? new Date(now.getTime() + deps.config.lockoutMinutes * 60_000).toISOString() : null;
  const failure: Failure = { kind: 'failure', reason, userId: row.id as UserId, orgId: row.org_id as OrgId, lockedNow };
  return inTransaction(deps.db, async (trx) => {
    await trx
      .updateTable('users')
      .set({ failed_logins: lockedNow ? 0 : failures, locked_until: lockedUntil })
      .where('id', '=', row.id)
      .execute();
    await refused(trx, audit, row.username, failure, row.org_id as OrgId);
    if (lockedNow) {
      await audit.record(trx, {
        action: 'auth.account.locked',
        orgId: row.org_id as OrgId,
        actor: { type: 'user', id: row.id, name: row.username },
        target: { type: 'user', id: row.id, name: row.username },
        outcome: 'denied',
        reason: `${failures} consecutive failed sign-ins`,
        details: { lockedUntil },
      });
    }
    return failure;
  });
}
