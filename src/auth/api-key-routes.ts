import { auditOf } from '../audit/index.js';
import { Type } from 'typebox';
import { principalOf } from '../server/access.js';
import type { HttpServer } from '../server/http.js';
import { IdParams, Nullable } from '../server/schemas.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js';
import type { AuthDeps } from './auth-deps.js';
import { PermissionSchema } from './schemas.js';

const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(PermissionSchema),
  createdBy: Type.String(),
  createdAt: Type.String(),
  expiresAt: Nullable(Type.String()),
  lastUsedAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
});

const access = { access: { permission: 'api_keys:manage', feature: 'api_access' } } as const;

export function registerApiKeyRoutes(app: HttpServer, auth: AuthDeps): void {
  app.post(
    '/api/v1/api-keys',
    {
      config: { ...access, audit: ['api_key.created'] },
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key (pca_…), shown once; scopes must be a subset of your permissions',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            scopes: Type.Array(PermissionSchema, { minItems: 1, maxItems: 32 }),
            expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ apiKey: ApiKeySchema, key: Type.String() }) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const creator = { ...principal, ...(principal.kind === 'api_key' ? { parentKeyId: principal.apiKeyId } : {}) };
      const created = await createApiKey(auth, creator, request.body, auditOf(request));
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/api-keys',
    {
      config: access,
      schema: { tags: ['api-keys'], response: { 200: Type.Object({ items: Type.Array(ApiKeySchema) }) } },
    },
    async (request) => ({ items: await listApiKeys(auth.db, principalOf(request).orgId) }),
  );

  app.delete(
    '/api/v1/api-keys/:id',
    {
      config: { ...access, audit: ['api_key.revoked'] },
      schema: { tags: ['api-keys'], summary: 'Revoke a key; it stops working at once', params: IdParams },
    },
    async (request, reply) => {
      await revokeApiKey(auth, principalOf(request).orgId, principalOf(request), request.params.id, auditOf(request));
      return reply.code(204).send();
    },
  );
}
