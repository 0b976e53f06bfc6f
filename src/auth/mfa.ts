import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { AuditRecorder } from '../audit/index.js';
import { AppError } from '../errors.js';
import { inTransaction } from '../store/transactions.js';
import { fromJson, toJson } from '../store/json.js';
import type { UserTable } from '../store/schema.js';
import { checkCurrentPassword } from './account.js';
import type { AuthDeps } from './auth-deps.js';
import { hashToken } from './opaque-tokens.js';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp.js';
import type { UserId } from '../ids.js';

export const MFA_ISSUER = 'PCA Agent';
const RECOVERY_CODE_COUNT = 10;

async function userRow(deps: AuthDeps, userId: UserId): Promise<Selectable<UserTable>> {
  const row = await deps.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!row) throw new AppError('not-found', 'No such user.');
  return row;
}

function recoveryCode(): string {
  const raw = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').toLowerCase();
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
}

/**
 * Starts enrolment: a new secret, kept pending (encrypted) until a code
 * confirms it. Needs the password, so a stolen session cannot enrol its own
 * device and lock the owner out.
 */
export async function setupMfa(
  deps: AuthDeps,
  userId: UserId,
  password: string,
  audit: AuditRecorder,
): Promise<{ secret: string; otpauthUri: string }> {
  const row = await userRow(deps, userId);
  if (row.mfa_secret !== null) throw new AppError('conflict', 'MFA is already enabled; disable it first.');
  await checkCurrentPassword(deps, row, password, audit);
  const secret = newTotpSecret();
  await inTransaction(deps.db, async (trx) => {
    await trx
      .updateTable('users')
      .set({ mfa_pending_secret: deps.box.seal(secret), updated_at: deps.clock().toISOString() })
      .where('id', '=', userId)
      .execute();
    await audit.record(trx, {
      action: 'auth.mfa.setup_started',
      target: { type: 'user', id: userId, name: row.username },
    });
  });
  return { secret, otpauthUri: otpauthUri(secret, row.username, MFA_ISSUER) };
}

/** Confirms enrolment with the password and a code from the app; returns one-time recovery codes, shown once. */
export async function enableMfa(
  deps: AuthDeps,
  userId: UserId,
  password: string,
  code: string,
  audit: AuditRecorder,
): Promise<{ recoveryCodes: string[] }> {
  const row = await userRow(deps, userId);
  if (row.mfa_secret !== null) throw new AppError('conflict', 'MFA is already enabled.');
  if (row.mfa_pending_secret === null) throw new AppError('conflict', 'Start with POST /api/v1/auth/mfa/setup.');
  await checkCurrentPassword(deps, row, password, audit);
  const secret = deps.box.open(row.mfa_pending_secret);
  const step = verifyTotp(secret, code, deps.clock(), null);
  if (step === undefined) {
    throw new AppError('validation', 'The code does not match; check the device clock.', {}, [
      { field: '/body/code', message: 'does not match the pending secret' },
    ]);
  }
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode);
  await inTransaction(deps.db, async (trx) => {
    await trx
      .updateTable('users')
      .set({
        mfa_secret: row.mfa_pending_secret,
        mfa_pending_secret: null,
        mfa_last_step: step,
        recovery_codes: toJson(recoveryCodes.map(hashToken)),
        updated_at: deps.clock().toISOString(),
      })
      .where('id', '=', userId)
      .execute();
    await audit.record(trx, { action: 'auth.mfa.enabled', target: { type: 'user', id: userId, name: row.username } });
  });
  return { recoveryCodes };
}

/**
 * Accepts a TOTP code (not replayable: its step must be newer than the last
 * accepted) or an unused recovery code (consumed).
 */
export async function consumeSecondFactor(
  deps: AuthDeps,
  row: Selectable<UserTable>,
  code: string,
  now: Date,
): Promise<boolean> {
  if (row.mfa_secret === null) return true;
  const trimmed = code.trim();
  const step = verifyTotp(deps.box.open(row.mfa_secret), trimmed, now, row.mfa_last_step);
  if (step !== undefined) {
    // Conditional on the previous step, so two logins cannot both use one code.
    const result = await deps.db
      .updateTable('users')
      .set({ mfa_last_step: step })
      .where('id', '=', row.id)
      .where((eb) =>
        row.mfa_last_step === null ? eb('mfa_last_step', 'is', null) : eb('mfa_last_step', '=', row.mfa_last_step),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
  const hashes = fromJson<string[]>(row.recovery_codes, []);
  const hashed = hashToken(trimmed.toLowerCase());
  if (!hashes.includes(hashed)) return false;
  const result = await deps.db
    .updateTable('users')
    .set({ recovery_codes: toJson(hashes.filter((candidate) => candidate !== hashed)) })
    .where('id', '=', row.id)
    .where('recovery_codes', '=', row.recovery_codes)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Turning MFA off needs the password and a current second factor. */
export async function disableMfa(
  deps: AuthDeps,
  userId: UserId,
  password: string,
  code: string,
  audit: AuditRecorder,
): Promise<void> {
  const row = await userRow(deps, userId);
  if (row.mfa_secret === null) throw new AppError('conflict', 'MFA is not enabled.');
  await checkCurrentPassword(deps, row, password, audit);
  if (!(await consumeSecondFactor(deps, row, code, deps.clock())))
    throw new AppError('unauthorized', 'Invalid credentials.');
  await inTransaction(deps.db, async (trx) => {
    await trx
      .updateTable('users')
      .set({
        mfa_secret: null,
        mfa_pending_secret: null,
        mfa_last_step: null,
        recovery_codes: null,
        updated_at: deps.clock().toISOString(),
      })
      .where('id', '=', userId)
      .execute();
    await audit.record(trx, { action: 'auth.mfa.disabled', target: { type: 'user', id: userId, name: row.username } });
  });
}
