import { DEFAULT_FEATURES, type Features } from '../tenancy/index.js';
import type { ApiKeyId, OrgId, UserId } from '../ids.js';
import { fromJson } from '../store/json.js';
import type { AccessClaims } from './access-tokens.js';
import { API_KEY_PREFIX } from './api-keys.js';
import type { AuthDeps } from './auth-deps.js';
import { hashToken } from './opaque-tokens.js';
import { principalCacheOf } from './principal-cache.js';
import { isPermission, isRole, permissionsOf, type Permission } from './permissions.js';
import type { Principal } from './principal.js';

/** last_used_at is written at most this often per session or key, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

function features(json: string): Features {
  return { ...DEFAULT_FEATURES, ...fromJson<Partial<Features>>(json, {}) };
}

/**
 * Resolves a bearer credential to a principal, re-checking on every request
 * that the session (or key), the user and the organisation are all still
 * live, so logout, deactivation and suspension take effect at once.
 */
export async function authenticate(deps: AuthDeps, bearer: string): Promise<Principal | undefined> {
  return bearer.startsWith(API_KEY_PREFIX) ? authenticateApiKey(deps, bearer) : authenticateAccessToken(deps, bearer);
}

/** A cached principal (see principal-cache.ts), its last_used_at written when a minute has passed. */
async function cached(
  deps: AuthDeps,
  key: string,
  epoch: number,
  now: Date,
  touch: (at: string) => Promise<unknown>,
): Promise<Principal | undefined> {
  const hit = principalCacheOf(deps.db).get(key, epoch, now.getTime());
  if (!hit) return undefined;
  if (now.getTime() - hit.touchedAt > TOUCH_INTERVAL_MS) {
    hit.touchedAt = now.getTime();
    await touch(now.toISOString());
  }
  return hit.principal;
}

/**
 * The principal when it is known without waiting: cached, under the epoch the store gives at
 * once (SQLite outside a transaction), and with no last-used write due. Undefined means "ask
 * `authenticate`", never "refused": the checks are the same, only the waiting is saved.
 */
export function knownPrincipal(deps: AuthDeps, bearer: string): Principal | undefined {
  // First whether the store answers at once: on PostgreSQL it never does, and `authenticate`
  // would verify the token or hash the key a second time.
  const cache = principalCacheOf(deps.db);
  const epoch = cache.epochNow();
  if (epoch === undefined) return undefined;
  const at = deps.clock();
  const now = at.getTime();
  let key: string;
  if (bearer.startsWith(API_KEY_PREFIX)) key = `key:${hashToken(bearer)}`;
  else {
    const claims = deps.signer.verify(bearer, at);
    if (!claims) return undefined;
    key = sessionKey(claims);
  }
  const hit = cache.get(key, epoch, now);
  return hit && now - hit.touchedAt <= TOUCH_INTERVAL_MS ? hit.principal : undefined;
}

function sessionKey(claims: AccessClaims): string {
  return `session:${claims.sid}:${claims.sub}:${claims.org}`;
}

async function authenticateAccessToken(deps: AuthDeps, token: string): Promise<Principal | undefined> {
  const now = deps.clock();
  const claims = deps.signer.verify(token, now);
  if (!claims) return undefined;
  const cache = principalCacheOf(deps.db);
  const key = sessionKey(claims);
  const epoch = await cache.epoch();
  const hit = await cached(deps, key, epoch, now, (at) =>
    deps.db.updateTable('sessions').set({ last_used_at: at }).where('id', '=', claims.sid).execute(),
  );
  if (hit) return hit;
  const at = now.toISOString();
  const row = await deps.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('organizations', 'organizations.id', 'users.org_id')
    .select([
      'sessions.expires_at',
      'sessions.last_used_at',
      'users.username',
      'users.role',
      'users.is_operator',
      'users.must_change_password',
      'organizations.features',
    ])
    .where('sessions.id', '=', claims.sid)
    .where('sessions.user_id', '=', claims.sub)
    .where('users.org_id', '=', claims.org)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', at)
    .where('users.status', '=', 'active')
    .where('organizations.status', '=', 'active')
    .executeTakeFirst();
  if (!row || !isRole(row.role)) return undefined;
  let touchedAt = Date.parse(row.last_used_at);
  if (now.getTime() - touchedAt > TOUCH_INTERVAL_MS) {
    await deps.db.updateTable('sessions').set({ last_used_at: at }).where('id', '=', claims.sid).execute();
    touchedAt = now.getTime();
  }
  const isOperator = row.is_operator === 1;
  const principal: Principal = {
    kind: 'user',
    userId: claims.sub,
    orgId: claims.org,
    sessionId: claims.sid,
    username: row.username,
    // The role is read from the store, not the token, so a demotion applies at once.
    role: row.role,
    isOperator,
    mustChangePassword: row.must_change_password === 1,
    permissions: permissionsOf(row.role, isOperator),
    features: features(row.features),
  };
  cache.set(key, epoch, { principal, validUntil: Date.parse(row.expires_at), touchedAt });
  return principal;
}

async function authenticateApiKey(deps: AuthDeps, key: string): Promise<Principal | undefined> {
  const now = deps.clock();
  const cache = principalCacheOf(deps.db);
  const keyHash = hashToken(key);
  const cacheKey = `key:${keyHash}`;
  const epoch = await cache.epoch();
  const hit = await cached(deps, cacheKey, epoch, now, (at) =>
    deps.db.updateTable('api_keys').set({ last_used_at: at }).where('key_hash', '=', keyHash).execute(),
  );
  if (hit) return hit;
  const at = now.toISOString();
  const row = await deps.db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.user_id')
    .innerJoin('organizations', 'organizations.id', 'api_keys.org_id')
    .select([
      'api_keys.id',
      'api_keys.name',
      'api_keys.scopes',
      'api_keys.expires_at',
      'api_keys.last_used_at',
      'users.id as user_id',
      'users.org_id',
      'users.username',
      'users.role',
      'users.is_operator',
      'organizations.features',
    ])
    .where('api_keys.key_hash', '=', keyHash)
    .where('api_keys.revoked_at', 'is', null)
    .where('users.status', '=', 'active')
    .where('organizations.status', '=', 'active')
    .executeTakeFirst();
  if (!row || !isRole(row.role)) return undefined;
  if (row.expires_at !== null && row.expires_at <= at) return undefined;
  const orgFeatures = features(row.features);
  if (!orgFeatures.api_access) return undefined;
  let touchedAt = row.last_used_at === null ? -Infinity : Date.parse(row.last_used_at);
  if (now.getTime() - touchedAt > TOUCH_INTERVAL_MS) {
    await deps.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', row.id).execute();
    touchedAt = now.getTime();
  }
  // A key never holds more than its creator holds today (the operator's platform scope included).
  const creator = permissionsOf(row.role, row.is_operator === 1);
  const scopes = fromJson<string[]>(row.scopes, []).filter(isPermission);
  const permissions = new Set<Permission>(scopes.filter((scope) => creator.has(scope)));
  const principal: Principal = {
    kind: 'api_key',
    apiKeyId: row.id as ApiKeyId,
    apiKeyName: row.name,
    userId: row.user_id as UserId,
    orgId: row.org_id as OrgId,
    username: row.username,
    role: row.role,
    permissions,
    features: orgFeatures,
  };
  cache.set(cacheKey, epoch, {
    principal,
    validUntil: row.expires_at === null ? Infinity : Date.parse(row.expires_at),
    touchedAt,
  });
  return principal;
}
