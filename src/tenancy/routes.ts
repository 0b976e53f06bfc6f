import { auditOf } from '../audit/index.js';
import { inTransaction } from '../store/transactions.js';
import { Type } from 'typebox';
import { type AuthDeps, Email, createUser, USERNAME_PATTERN, type Principal } from '../auth/index.js';
import { AppError } from '../errors.js';
import { principalOf } from '../server/access.js';
import type { HttpServer } from '../server/http.js';
import { IdParams, PageQuery, pageOf } from '../server/schemas.js';
import { createOrganization, listOrganizations, requireOrganization, updateOrganization } from './organizations.js';
import { organizationUsage } from '../commands/usage.js';
import { setOrganizationStatus } from '../commands/set-organization-status.js';
import type { OrgId } from '../ids.js';

const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const QuotasSchema = Type.Object({
  maxUsers: Count,
  maxAnalysesPerMonth: Count,
  maxDatasets: Count,
  maxStorageBytes: Count,
  maxUploadBytes: Count,
});
const FeaturesSchema = Type.Object({
  exports: Type.Boolean(),
  api_access: Type.Boolean(),
  llm_insights: Type.Boolean(),
  custom_branding: Type.Boolean(),
});
const Days = Type.Integer({ minimum: 1, maximum: 36_500 });
const RetentionSchema = Type.Object({ analysesDays: Days, datasetsDays: Days, auditDays: Days });
const QuotasPatch = Type.Partial(QuotasSchema, { additionalProperties: false });
const FeaturesPatch = Type.Partial(FeaturesSchema, { additionalProperties: false });
const RetentionPatch = Type.Partial(RetentionSchema, { additionalProperties: false });
const JsonObject = Type.Record(Type.String(), Type.Unknown());

const OrganizationSchema = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended')]),
  settings: JsonObject,
  quotas: QuotasSchema,
  features: FeaturesSchema,
  retention: RetentionSchema,
  metadata: JsonObject,
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const Name = Type.String({ minLength: 1, maxLength: 120 });

/** The operator sees every organisation; an admin only their own, and another's id is "not found". */
function assertCanSee(principal: Principal, orgId: string): void {
  if (!principal.permissions.has('platform:orgs') && principal.orgId !== orgId) {
    throw new AppError('not-found', 'No such organisation.');
  }
}

export function registerOrganizationRoutes(app: HttpServer, auth: AuthDeps): void {
  const operator = { access: { permission: 'platform:orgs' } } as const;
  const orgAdmin = { access: { permission: 'org:settings' } } as const;

  app.post(
    '/api/v1/orgs',
    {
      config: { ...operator, audit: ['org.created', 'user.created'] },
      schema: {
        'x-problems': ['conflict'],
        tags: ['organizations'],
        summary: 'Create an organisation (operator), optionally with its first admin',
        body: Type.Object(
          {
            name: Name,
            slug: Type.Optional(Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$' })),
            settings: Type.Optional(JsonObject),
            quotas: Type.Optional(QuotasPatch),
            features: Type.Optional(FeaturesPatch),
            retention: Type.Optional(RetentionPatch),
            metadata: Type.Optional(JsonObject),
            admin: Type.Optional(
              Type.Object(
                { username: Type.String({ pattern: USERNAME_PATTERN }), email: Type.Optional(Email) },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            organization: OrganizationSchema,
            admin: Type.Optional(
              Type.Object({ id: Type.String(), username: Type.String(), oneTimePassword: Type.String() }),
            ),
          }),
        },
      },
    },
    async (request, reply) => {
      const { admin, ...input } = request.body;
      const audit = auditOf(request);
      // The organisation and its first admin exist together or not at all.
      const { organization, created } = await inTransaction(auth.db, async (trx) => {
        const scoped = { ...auth, db: trx };
        const organization = await createOrganization(scoped, input, audit);
        const created = admin
          ? await createUser(
              scoped,
              organization.id,
              { username: admin.username, email: admin.email ?? null, role: 'admin' },
              audit,
            )
          : undefined;
        return { organization, created };
      });
      if (!created) return reply.code(201).send({ organization });
      return reply.code(201).send({
        organization,
        admin: { id: created.user.id, username: created.user.username, oneTimePassword: created.oneTimePassword ?? '' },
      });
    },
  );

  app.get(
    '/api/v1/orgs',
    {
      config: operator,
      schema: { tags: ['organizations'], querystring: PageQuery, response: { 200: pageOf(OrganizationSchema) } },
    },
    async (request) => listOrganizations(auth.db, request.query),
  );

  app.get(
    '/api/v1/orgs/:id',
    { config: orgAdmin, schema: { tags: ['organizations'], params: IdParams, response: { 200: OrganizationSchema } } },
    async (request) => {
      assertCanSee(principalOf(request), request.params.id);
      return requireOrganization(auth.db, request.params.id);
    },
  );

  app.patch(
    '/api/v1/orgs/:id',
    {
      config: { ...orgAdmin, audit: ['org.updated', 'org.settings_changed'] },
      schema: {
        tags: ['organizations'],
        summary: 'Update an organisation; quotas and features are the operator’s to change',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            settings: Type.Optional(JsonObject),
            quotas: Type.Optional(QuotasPatch),
            features: Type.Optional(FeaturesPatch),
            retention: Type.Optional(RetentionPatch),
            metadata: Type.Optional(JsonObject),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: OrganizationSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      assertCanSee(principal, request.params.id);
      const editor = principal.permissions.has('platform:orgs') ? 'operator' : 'org_admin';
      const { after } = await updateOrganization(auth, request.params.id, request.body, editor, auditOf(request));
      return after;
    },
  );

  app.post(
    '/api/v1/orgs/:id/suspend',
    {
      config: { ...operator, audit: ['org.suspended'] },
      schema: {
        'x-problems': ['conflict'],
        tags: ['organizations'],
        summary: 'Suspend: every session and API key of the organisation stops at once',
        params: IdParams,
        response: { 200: OrganizationSchema },
      },
    },
    async (request) =>
      setOrganizationStatus(
        auth,
        request.params.id as OrgId,
        'suspended',
        auditOf(request),
        principalOf(request).orgId,
      ),
  );

  app.post(
    '/api/v1/orgs/:id/reactivate',
    {
      config: { ...operator, audit: ['org.reactivated'] },
      schema: { tags: ['organizations'], params: IdParams, response: { 200: OrganizationSchema } },
    },
    async (request) => setOrganizationStatus(auth, request.params.id as OrgId, 'active', auditOf(request)),
  );

  app.get(
    '/api/v1/orgs/:id/usage',
    {
      config: orgAdmin,
      schema: {
        tags: ['organizations'],
        summary: 'Usage against quotas',
        params: IdParams,
        response: { 200: Type.Object({ usage: Type.Record(Type.String(), Type.Number()), quotas: QuotasSchema }) },
      },
    },
    async (request) => {
      assertCanSee(principalOf(request), request.params.id);
      const org = await requireOrganization(auth.db, request.params.id);
      return { usage: { ...(await organizationUsage(auth.db, org.id, auth.clock())) }, quotas: org.quotas };
    },
  );
}
