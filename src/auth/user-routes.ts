import { Type } from 'typebox';
import { auditOf, type AuditAction } from '../audit/index.js';
import { principalOf } from '../server/access.js';
import type { HttpServer } from '../server/http.js';
import { IdParams, Nullable, PageQuery, pageOf } from '../server/schemas.js';
import type { AuthDeps } from './auth-deps.js';
import { listSessions } from './sessions.js';
import { Email, RoleSchema, UserSchema } from './schemas.js';
import { USERNAME_PATTERN, createUser, getUser, listUsers, resetPassword, setUserStatus, updateUser } from './users.js';
import type { UserId } from '../ids.js';

const manage = { access: { permission: 'users:manage' } } as const;
const managing = (...audit: AuditAction[]) => ({ ...manage, audit });

export function registerUserRoutes(app: HttpServer, auth: AuthDeps): void {
  app.get(
    '/api/v1/users',
    {
      config: manage,
      schema: {
        tags: ['users'],
        summary: 'Users of the organisation',
        querystring: PageQuery,
        response: { 200: pageOf(UserSchema) },
      },
    },
    async (request) => listUsers(auth.db, principalOf(request).orgId, request.query),
  );

  app.post(
    '/api/v1/users',
    {
      config: managing('user.created'),
      schema: {
        'x-problems': ['conflict'],
        tags: ['users'],
        summary:
          'Create a user; without a password a one-time password is returned once (it must be changed at first login)',
        body: Type.Object(
          {
            username: Type.String({ pattern: USERNAME_PATTERN }),
            email: Type.Optional(Nullable(Email)),
            displayName: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
            role: RoleSchema,
            password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ user: UserSchema, oneTimePassword: Type.Optional(Type.String()) }) },
      },
    },
    async (request, reply) => {
      const created = await createUser(auth, principalOf(request).orgId, request.body, auditOf(request));
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/users/:id/sessions',
    {
      config: manage,
      schema: {
        tags: ['users'],
        summary:
          "A user's live sessions (where and since when they are signed in); end them with reset-password or deactivate",
        params: IdParams,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                createdAt: Type.String(),
                expiresAt: Type.String(),
                lastUsedAt: Type.String(),
                ip: Nullable(Type.String()),
                userAgent: Nullable(Type.String()),
                current: Type.Boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      // Looked up in the caller's organisation first: another organisation's user is "not found".
      const user = await getUser(auth.db, principal.orgId, request.params.id as UserId);
      const current = principal.kind === 'user' ? principal.sessionId : undefined;
      return { items: await listSessions(auth.db, user.id, current, auth.clock()) };
    },
  );

  app.get(
    '/api/v1/users/:id',
    { config: manage, schema: { tags: ['users'], params: IdParams, response: { 200: UserSchema } } },
    async (request) => getUser(auth.db, principalOf(request).orgId, request.params.id as UserId),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: managing('user.updated', 'user.role_changed'),
      schema: {
        'x-problems': ['conflict'],
        tags: ['users'],
        summary: 'Change email, display name or role (never your own role; never the last admin)',
        params: IdParams,
        body: Type.Object(
          {
            email: Type.Optional(Nullable(Email)),
            displayName: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
            role: Type.Optional(RoleSchema),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { after } = await updateUser(
        auth,
        principal.orgId,
        principal,
        request.params.id as UserId,
        request.body,
        auditOf(request),
      );
      return after;
    },
  );

  app.post(
    '/api/v1/users/:id/deactivate',
    {
      config: managing('user.deactivated'),
      schema: {
        'x-problems': ['conflict'],
        tags: ['users'],
        summary: 'Deactivate: sessions end at once',
        params: IdParams,
        response: { 200: UserSchema },
      },
    },
    async (request) =>
      setUserStatus(
        auth,
        principalOf(request).orgId,
        principalOf(request),
        request.params.id as UserId,
        'deactivated',
        auditOf(request),
      ),
  );

  app.post(
    '/api/v1/users/:id/reactivate',
    {
      config: managing('user.reactivated'),
      schema: { tags: ['users'], params: IdParams, response: { 200: UserSchema } },
    },
    async (request) =>
      setUserStatus(
        auth,
        principalOf(request).orgId,
        principalOf(request),
        request.params.id as UserId,
        'active',
        auditOf(request),
      ),
  );

  app.post(
    '/api/v1/users/:id/reset-password',
    {
      config: managing('auth.password.reset'),
      schema: {
        tags: ['users'],
        summary:
          'Issue a one-time password (shown once; must be changed); ends the user’s sessions and clears a lockout',
        params: IdParams,
        response: { 200: Type.Object({ user: UserSchema, oneTimePassword: Type.String() }) },
      },
    },
    async (request) =>
      resetPassword(
        auth,
        principalOf(request).orgId,
        principalOf(request),
        request.params.id as UserId,
        auditOf(request),
      ),
  );
}
