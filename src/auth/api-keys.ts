import type { Kysely, Selectable } from 'kysely';
import type { AuditRecorder } from '../audit/index.js';
import { AppError } from '../errors.js';
import { inTransaction } from '../store/transactions.js';
import { newId, type ApiKeyId, type UserId, type OrgId } from '../ids.js';
import { fromJson, toJson } from '../store/json.js';
import type { ApiKeyTable, Database } from '../store/schema.js';
import type { AuthDeps } from './auth-deps.js';
import { hashToken, newOpaqueToken } from './opaque-tokens.js';
import type { Permission } from './permissions.js';
import { assertMayManage, type Manager } from './management.js';

export const API_KEY_PREFIX = 'pca_';

export interface ApiKey {
  readonly id: ApiKeyId;
  readonly name: string;
  /** The first characters of the key, enough to recognise it. */
  readonly prefix: string;
  readonly scopes: Permission[];
  readonly createdBy: UserId;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

function present(row: Selectable<ApiKeyTable>): ApiKey {
  return {
    id: row.id as ApiKeyId,
    name: row.name,
    prefix: row.prefix,
    scopes: fromJson<Permission[]>(row.scopes, []),
    createdBy: row.user_id as UserId,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export interface KeyCreator {
  readonly userId: UserId;
  readonly orgId: OrgId;
  /** What the creator may do now: a key made by a key gets at most its parent's effective scopes. */
  readonly permissions: ReadonlySet<Permission>;
  /** Set when a key creates the key: the child expires no later than it and is revoked with it. */
  readonly parentKeyId?: string;
}

/**
 * Creates a key whose scopes are a subset of the creator's permissions; the
 * key is shown once. A key created by another key neither outranks nor
 * outlives it.
 */
export async function createApiKey(
  deps: AuthDeps,
  creator: KeyCreator,
  input: { name: string; scopes: Permission[]; expiresAt?: string },
  audit: AuditRecorder,
): Promise<{ apiKey: ApiKey; key: string }> {
  const beyond = input.scopes.filter((scope) => !creator.permissions.has(scope));
  if (beyond.length > 0) {
    throw new AppError('forbidden', `A key cannot have permissions its creator lacks: ${beyond.join(', ')}.`);
  }
  const now = deps.clock();
  if (input.expiresAt !== undefined && Date.parse(input.expiresAt) <= now.getTime()) {
    throw new AppError('validation', 'The expiry must be in the future.', {}, [
      { field: '/body/expiresAt', message: 'must be in the future' },
    ]);
  }
  if (creator.parentKeyId !== undefined) {
    const parent = await deps.db
      .selectFrom('api_keys')
      .select('expires_at')
      .where('id', '=', creator.parentKeyId)
      .executeTakeFirstOrThrow();
    if (
      parent.expires_at !== null &&
      (input.expiresAt === undefined || Date.parse(input.expiresAt) > Date.parse(parent.expires_at))
    ) {
      throw new AppError(
        'validation',
        `A key created by a key expires no later than it (${parent.expires_at}).`,
        { parentExpiresAt: parent.expires_at },
        [{ field: '/body/expiresAt', message: `must be at or before ${parent.expires_at}` }],
      );
    }
  }
  const key = newOpaqueToken(API_KEY_PREFIX);
  const row = {
    id: newId('key'),
    org_id: creator.orgId,
    user_id: creator.userId,
    name: input.name,
    prefix: key.slice(0, API_KEY_PREFIX.length + 6),
    key_hash: hashToken(key),
    scopes: toJson([...new Set(input.scopes)]),
    expires_at: input.expiresAt === undefined ? null : new Date(input.expiresAt).toISOString(),
    last_used_at: null,
    revoked_at: null,
    created_at: now.toISOString(),
    parent_key_id: creator.parentKeyId ?? null,
  };
  await inTransaction(deps.db, async (trx) => {
    await trx.insertInto('api_keys').values(row).execute();
    await audit.record(trx, {
      action: 'api_key.created',
      target: { type: 'api_key', id: row.id, name: row.name },
      details: {
        scopes: [...new Set(input.scopes)],
        expiresAt: row.expires_at,
        prefix: row.prefix,
        parentKeyId: row.parent_key_id,
      },
    });
  });
  return { apiKey: present(row), key };
}

export async function listApiKeys(db: Kysely<Database>, orgId: OrgId): Promise<ApiKey[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(present);
}

export async function revokeApiKey(
  deps: AuthDeps,
  orgId: OrgId,
  manager: Manager,
  id: string,
  audit: AuditRecorder,
): Promise<ApiKey> {
  const row = await deps.db
    .selectFrom('api_keys')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw new AppError('not-found', 'No such API key.');
  if (row.user_id !== manager.userId) {
    const owner = await deps.db
      .selectFrom('users')
      .select(['role', 'is_operator'])
      .where('id', '=', row.user_id)
      .executeTakeFirstOrThrow();
    assertMayManage(manager, owner, 'revoke the keys of');
  }
  const revokedAt = row.revoked_at ?? deps.clock().toISOString();
  await inTransaction(deps.db, async (trx) => {
    await trx.updateTable('api_keys').set({ revoked_at: revokedAt }).where('id', '=', id).execute();
    const revokedDescendants = await revokeDescendants(trx, [id], revokedAt);
    await audit.record(trx, {
      action: 'api_key.revoked',
      target: { type: 'api_key', id, name: row.name },
      details: { alreadyRevoked: row.revoked_at !== null, revokedDescendants },
    });
  });
  return present({ ...row, revoked_at: revokedAt });
}

/** Revokes every live key minted, directly or not, by one of `parents`. */
async function revokeDescendants(db: Kysely<Database>, parents: string[], at: string): Promise<number> {
  let revoked = 0;
  for (let level = parents; level.length > 0;) {
    const children = await db
      .selectFrom('api_keys')
      .select(['id', 'revoked_at'])
      .where('parent_key_id', 'in', level)
      .execute();
    const live = children.filter((child) => child.revoked_at === null).map((child) => child.id);
    if (live.length > 0) {
      await db.updateTable('api_keys').set({ revoked_at: at }).where('id', 'in', live).execute();
      revoked += live.length;
    }
    level = children.map((child) => child.id);
  }
  return revoked;
}

/**
 * Revokes every live key of a user: an admin's password reset and a
 * sign-out of every session are what one does when an account may be in
 * someone else's hands, and a key minted from a stolen session would
 * otherwise outlive both.
 */
export async function revokeUserApiKeys(db: Kysely<Database>, userId: UserId, at: string): Promise<number> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Revokes every live key of an organisation (suspension): reactivation starts with new keys. */
export async function revokeOrganizationApiKeys(db: Kysely<Database>, orgId: OrgId, at: string): Promise<number> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('org_id', '=', orgId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
