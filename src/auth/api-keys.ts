import type { Kysely, Selectable } from 'kysely';
import type { AuditRecorder } from '../audit/recorder.js';
import { AppError } from '../errors.js';
import { inTransaction } from '../store/transactions.js';
import { newId, type ApiKeyId, type UserId } from '../ids.js';
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

/** Creates a key whose scopes are a subset of the creator's permissions; the key is shown once. */
export async function createApiKey(
  deps: AuthDeps,
  creator: { userId: string; orgId: string; permissions: ReadonlySet<Permission> },
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
  };
  await inTransaction(deps.db, async (trx) => {
    await trx.insertInto('api_keys').values(row).execute();
    await audit.record(trx, {
      action: 'api_key.created',
      target: { type: 'api_key', id: row.id, name: row.name },
      details: { scopes: [...new Set(input.scopes)], expiresAt: row.expires_at, prefix: row.prefix },
    });
  });
  return { apiKey: present(row), key };
}

export async function listApiKeys(db: Kysely<Database>, orgId: string): Promise<ApiKey[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(present);
}

export async function revokeApiKey(deps: AuthDeps, orgId: string, manager: Manager, id: string, audit: AuditRecorder): Promise<ApiKey> {
  const row = await deps.db
    .selectFrom('api_keys')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw new AppError('not-found', 'No such API key.');
  if (row.user_id !== manager.userId) {
    const owner = await deps.db.selectFrom('users').select(['role', 'is_operator']).where('id', '=', row.user_id).executeTakeFirstOrThrow();
    assertMayManage(manager, owner, 'revoke the keys of');
  }
  const revokedAt = row.revoked_at ?? deps.clock().toISOString();
  await inTransaction(deps.db, async (trx) => {
    await trx.updateTable('api_keys').set({ revoked_at: revokedAt }).where('id', '=', id).execute();
    await audit.record(trx, {
      action: 'api_key.revoked',
      target: { type: 'api_key', id, name: row.name },
      details: { alreadyRevoked: row.revoked_at !== null },
    });
  });
  return present({ ...row, revoked_at: revokedAt });
}
