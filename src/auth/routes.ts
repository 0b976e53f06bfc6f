import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { auditOf } from '../audit/index.js';
import { AppError } from '../errors.js';
import { principalOf, userPrincipalOf } from '../server/access.js';
import type { HttpServer } from '../server/http.js';
import { IdParams } from '../server/schemas.js';
import { changePassword, refreshSession } from './account.js';
import type { Metrics } from '../monitoring/index.js';
import type { AuthDeps } from './auth-deps.js';
import {
  assertSameOriginBrowser,
  clearRefreshCookie,
  refreshCookieOf,
  setRefreshCookie,
  wantsCookieSession,
} from './browser-session.js';
import { BUSY_DETAIL, login, loginRefusal } from './login.js';
import { disableMfa, enableMfa, setupMfa } from './mfa.js';
import { OPERATOR_PERMISSIONS, PERMISSIONS, ROLES, ROLE_DESCRIPTIONS, ROLE_PERMISSIONS } from './permissions.js';
import { PermissionSchema, RoleSchema, UserSchema } from './schemas.js';
import { listSessions, logout, revokeOwnSession, type ClientInfo } from './sessions.js';
import { getUser } from './users.js';
import type { SessionId } from '../ids.js';

function clientOf(request: FastifyRequest): ClientInfo {
  const agent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent : null };
}

const Password = Type.String({ minLength: 1, maxLength: 1024 });

/** A browser client (X-PCA-CSRF) gets its refresh token as a cookie only, never in the body. */
const SessionTokensSchema = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.Optional(Type.String()),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer(),
});

export function registerAuthRoutes(app: HttpServer, auth: AuthDeps, metrics: Pick<Metrics, 'logins'>): void {
  const busyLogins = metrics.logins.labels({ outcome: 'busy' });
  app.post(
    '/api/v1/auth/login',
    {
      config: {
        access: { public: true },
        audit: ['auth.login.succeeded', 'auth.login.failed', 'auth.account.locked'],
        // Past the hashing queue a sign-in is refused at the door: no body read, no store write, and
        // the audit trail gets one summary per address and minute. A storm of refusals each doing a
        // rate-limit write, a user lookup and a chained event held the event loop for seconds.
        door: {
          closed: () => auth.hasher.saturated(),
          detail: BUSY_DETAIL,
          retryAfterSeconds: 1,
          refused: () => busyLogins.inc(),
        },
      },
      schema: {
        'x-problems': ['unauthorized', 'forbidden'],
        tags: ['auth'],
        summary: 'Sign in; returns an access token (15 min) and a single-use refresh token',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 128 }),
            password: Password,
            organization: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            totp: Type.Optional(Type.String({ maxLength: 32 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Intersect([SessionTokensSchema, Type.Object({ user: UserSchema })]) },
      },
    },
    async (request, reply) => {
      const browser = wantsCookieSession(request);
      if (browser) assertSameOriginBrowser(request);
      const outcome = await login(auth, request.body, clientOf(request), auditOf(request));
      metrics.logins.inc({ outcome: outcome.kind === 'success' ? 'success' : outcome.reason });
      if (outcome.kind === 'failure') {
        if (outcome.retryAfterSeconds !== undefined) reply.header('retry-after', String(outcome.retryAfterSeconds));
        throw loginRefusal(outcome);
      }
      if (!browser) return { ...outcome.tokens, user: outcome.user };
      const { refreshToken, ...tokens } = outcome.tokens;
      setRefreshCookie(request, reply, refreshToken, auth.config.refreshTokenDays * 86_400);
      return { ...tokens, user: outcome.user };
    },
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      config: { access: { public: true }, audit: ['auth.session.refreshed', 'auth.refresh_token.reused'] },
      schema: {
        'x-problems': ['unauthorized', 'forbidden'],
        tags: ['auth'],
        summary:
          'Exchange a refresh token (in the body, or the session cookie with X-PCA-CSRF: 1) for new tokens; a reused refresh token ends its whole session',
        body: Type.Object(
          { refreshToken: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) },
          { additionalProperties: false },
        ),
        response: { 200: SessionTokensSchema },
      },
    },
    async (request, reply) => {
      const fromBody = request.body.refreshToken;
      if (fromBody !== undefined && !wantsCookieSession(request)) {
        const outcome = await refreshSession(auth, fromBody, auditOf(request));
        if (outcome.kind !== 'refreshed') throw new AppError('unauthorized', 'The refresh token is not valid.');
        return outcome.tokens;
      }
      assertSameOriginBrowser(request);
      const cookie = fromBody ?? refreshCookieOf(request);
      if (cookie === undefined) throw new AppError('unauthorized', 'No session: sign in again.');
      const outcome = await refreshSession(auth, cookie, auditOf(request));
      if (outcome.kind !== 'refreshed') {
        clearRefreshCookie(request, reply);
        throw new AppError('unauthorized', 'The session has ended: sign in again.');
      }
      const { refreshToken, ...tokens } = outcome.tokens;
      setRefreshCookie(request, reply, refreshToken, auth.config.refreshTokenDays * 86_400);
      return tokens;
    },
  );

  const selfAccess = { permission: null, duringPasswordChange: true, usersOnly: true } as const;

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: selfAccess, audit: ['auth.logout'] },
      schema: {
        tags: ['auth'],
        summary: 'End this session (and clear the browser session cookie)',
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await logout(auth.db, userPrincipalOf(request), 'session', auth.clock().toISOString(), auditOf(request));
      clearRefreshCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/logout-all',
    {
      config: { access: selfAccess, audit: ['auth.logout'] },
      schema: {
        tags: ['auth'],
        summary: 'End every session of this account, this one included',
        response: { 200: Type.Object({ revokedSessions: Type.Integer() }) },
      },
    },
    async (request, reply) => {
      const revokedSessions = await logout(
        auth.db,
        userPrincipalOf(request),
        'all',
        auth.clock().toISOString(),
        auditOf(request),
      );
      clearRefreshCookie(request, reply);
      return { revokedSessions };
    },
  );

  app.get(
    '/api/v1/auth/sessions',
    {
      config: { access: { permission: null, usersOnly: true } },
      schema: {
        tags: ['auth'],
        summary: "The caller's live sessions",
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                createdAt: Type.String(),
                expiresAt: Type.String(),
                lastUsedAt: Type.String(),
                ip: Type.Union([Type.String(), Type.Null()]),
                userAgent: Type.Union([Type.String(), Type.Null()]),
                current: Type.Boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const principal = userPrincipalOf(request);
      return { items: await listSessions(auth.db, principal.userId, principal.sessionId, auth.clock()) };
    },
  );

  app.delete(
    '/api/v1/auth/sessions/:id',
    {
      config: { access: { permission: null, usersOnly: true }, audit: ['auth.session.revoked'] },
      schema: { tags: ['auth'], summary: "End one of the caller's sessions", params: IdParams },
    },
    async (request, reply) => {
      const principal = userPrincipalOf(request);
      await revokeOwnSession(
        auth.db,
        principal.userId,
        request.params.id as SessionId,
        auth.clock().toISOString(),
        auditOf(request),
      );
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      config: { access: { permission: null, duringPasswordChange: true } },
      schema: {
        tags: ['auth'],
        summary: 'Who the caller is, with their permissions and organisation features',
        response: {
          200: Type.Object({
            user: UserSchema,
            via: Type.Union([Type.Literal('session'), Type.Literal('api_key')]),
            permissions: Type.Array(PermissionSchema),
            features: Type.Record(Type.String(), Type.Boolean()),
          }),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return {
        user: await getUser(auth.db, principal.orgId, principal.userId),
        via: principal.kind === 'user' ? ('session' as const) : ('api_key' as const),
        permissions: [...principal.permissions],
        features: { ...principal.features },
      };
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      config: { access: selfAccess, audit: ['auth.password.changed', 'auth.account.locked'] },
      schema: {
        tags: ['auth'],
        summary: 'Change your password; every other session of the account ends',
        body: Type.Object(
          { currentPassword: Password, newPassword: Type.String({ minLength: 1, maxLength: 1024 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ revokedSessions: Type.Integer() }) },
      },
    },
    async (request) => {
      const principal = userPrincipalOf(request);
      return changePassword(
        auth,
        principal.userId,
        principal.sessionId,
        request.body.currentPassword,
        request.body.newPassword,
        auditOf(request),
      );
    },
  );

  const mfaAccess = { permission: null, usersOnly: true } as const;

  app.post(
    '/api/v1/auth/mfa/setup',
    {
      config: { access: mfaAccess, audit: ['auth.mfa.setup_started', 'auth.account.locked'] },
      schema: {
        'x-problems': ['conflict'],
        tags: ['auth'],
        summary: 'Start TOTP enrolment (needs the password): a secret and an otpauth:// URI for an authenticator app',
        body: Type.Object({ password: Password }, { additionalProperties: false }),
        response: { 200: Type.Object({ secret: Type.String(), otpauthUri: Type.String() }) },
      },
    },
    async (request) => setupMfa(auth, userPrincipalOf(request).userId, request.body.password, auditOf(request)),
  );

  app.post(
    '/api/v1/auth/mfa/enable',
    {
      config: { access: mfaAccess, audit: ['auth.mfa.enabled', 'auth.account.locked'] },
      schema: {
        'x-problems': ['conflict'],
        tags: ['auth'],
        summary: 'Confirm enrolment with the password and a current code; returns one-time recovery codes (shown once)',
        body: Type.Object(
          { password: Password, code: Type.String({ pattern: '^\\d{6}$' }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }) },
      },
    },
    async (request) =>
      enableMfa(auth, userPrincipalOf(request).userId, request.body.password, request.body.code, auditOf(request)),
  );

  app.post(
    '/api/v1/auth/mfa/disable',
    {
      config: { access: mfaAccess, audit: ['auth.mfa.disabled', 'auth.account.locked'] },
      schema: {
        'x-problems': ['conflict'],
        tags: ['auth'],
        summary: 'Turn TOTP off; needs the password and a current code or recovery code',
        body: Type.Object(
          { password: Password, code: Type.String({ minLength: 1, maxLength: 32 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      await disableMfa(
        auth,
        userPrincipalOf(request).userId,
        request.body.password,
        request.body.code,
        auditOf(request),
      );
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/roles',
    {
      config: { access: { permission: null } },
      schema: {
        tags: ['auth'],
        summary: 'The roles and the permissions each grants (the one permission table)',
        response: {
          200: Type.Object({
            roles: Type.Array(
              Type.Object({ name: RoleSchema, description: Type.String(), permissions: Type.Array(PermissionSchema) }),
            ),
            permissions: Type.Array(PermissionSchema),
            operatorPermissions: Type.Array(PermissionSchema),
          }),
        },
      },
    },
    async () => ({
      roles: ROLES.map((name) => ({
        name,
        description: ROLE_DESCRIPTIONS[name],
        permissions: [...ROLE_PERMISSIONS[name]],
      })),
      permissions: [...PERMISSIONS],
      operatorPermissions: [...OPERATOR_PERMISSIONS],
    }),
  );
}
