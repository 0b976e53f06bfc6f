import type { Kysely, Selectable } from 'kysely';
import { changesBetween, type AuditRecorder } from '../audit/index.js';
import { AppError } from '../errors.js';
import { newId, type OrgId } from '../ids.js';
import { decodeCursor, pastCursor, toPage, type Page } from '../store/pagination.js';
import { fromJson, toJson } from '../store/json.js';
import type { Database, OrganizationTable } from '../store/schema.js';
import { inTransaction } from '../store/transactions.js';
import {
  DEFAULT_FEATURES,
  DEFAULT_QUOTAS,
  DEFAULT_RETENTION,
  type Features,
  type Quotas,
  type Retention,
} from './policy.js';

export type OrgStatus = 'active' | 'suspended';

export interface Organization {
  readonly id: OrgId;
  readonly slug: string;
  readonly name: string;
  readonly status: OrgStatus;
  readonly settings: Record<string, unknown>;
  readonly quotas: Quotas;
  readonly features: Features;
  readonly retention: Retention;
  readonly metadata: Record<string, unknown>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface TenancyDeps {
  readonly db: Kysely<Database>;
  readonly clock: () => Date;
}

export interface OrganizationInput {
  readonly name: string;
  readonly slug?: string;
  readonly settings?: Record<string, unknown>;
  readonly quotas?: Partial<Quotas>;
  readonly features?: Partial<Features>;
  readonly retention?: Partial<Retention>;
  readonly metadata?: Record<string, unknown>;
}

export type OrganizationPatch = Partial<Omit<OrganizationInput, 'slug'>>;

/** Who is changing an organisation: quotas and feature flags are the operator's to grant. */
export type OrgEditor = 'operator' | 'org_admin';

const METADATA_MAX_BYTES = 16 * 1024;
const SETTINGS_MAX_BYTES = 64 * 1024;

export function present(row: Selectable<OrganizationTable>): Organization {
  return {
    id: row.id as OrgId,
    slug: row.slug,
    name: row.name,
    status: row.status as OrgStatus,
    settings: fromJson(row.settings, {}),
    quotas: { ...DEFAULT_QUOTAS, ...fromJson<Partial<Quotas>>(row.quotas, {}) },
    features: { ...DEFAULT_FEATURES, ...fromJson<Partial<Features>>(row.features, {}) },
    retention: { ...DEFAULT_RETENTION, ...fromJson<Partial<Retention>>(row.retention, {}) },
    metadata: fromJson(row.metadata, {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

function assertSize(value: unknown, maxBytes: number, field: string): string {
  const text = toJson(value);
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new AppError('validation', `${field.split('/').pop()} must be at most ${maxBytes} bytes of JSON.`, {}, [
      { field, message: `must be at most ${maxBytes} bytes of JSON` },
    ]);
  }
  return text;
}

export async function createOrganization(
  deps: TenancyDeps,
  input: OrganizationInput,
  audit: AuditRecorder,
): Promise<Organization> {
  const slug = input.slug ?? slugify(input.name);
  if (!/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/.test(slug)) {
    throw new AppError('validation', 'The organisation needs a slug of lower-case letters, digits and dashes.', {}, [
      { field: '/body/slug', message: 'must be 1-48 lower-case letters, digits and dashes' },
    ]);
  }
  const existing = await deps.db.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirst();
  if (existing) throw new AppError('conflict', `An organisation with the slug "${slug}" already exists.`);
  const now = deps.clock().toISOString();
  const row = {
    id: newId('org'),
    slug,
    name: input.name,
    status: 'active',
    settings: assertSize(input.settings ?? {}, SETTINGS_MAX_BYTES, '/body/settings'),
    quotas: toJson({ ...DEFAULT_QUOTAS, ...input.quotas }),
    features: toJson({ ...DEFAULT_FEATURES, ...input.features }),
    retention: toJson({ ...DEFAULT_RETENTION, ...input.retention }),
    metadata: assertSize(input.metadata ?? {}, METADATA_MAX_BYTES, '/body/metadata'),
    created_at: now,
    updated_at: now,
  };
  const org = present(row);
  await inTransaction(deps.db, async (trx) => {
    await trx.insertInto('organizations').values(row).execute();
    await audit.record(trx, {
      action: 'org.created',
      orgId: org.id,
      target: { type: 'organization', id: org.id, name: org.name },
      details: { slug, quotas: org.quotas, features: org.features, retention: org.retention },
    });
  });
  return org;
}

export async function getOrganization(db: Kysely<Database>, id: string): Promise<Organization | undefined> {
  const row = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? present(row) : undefined;
}

export async function getOrganizationBySlug(db: Kysely<Database>, slug: string): Promise<Organization | undefined> {
  const row = await db.selectFrom('organizations').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row ? present(row) : undefined;
}

/** The organisation, or the same not-found problem whether it is missing or not the caller's. */
export async function requireOrganization(db: Kysely<Database>, id: string): Promise<Organization> {
  const org = await getOrganization(db, id);
  if (!org) throw new AppError('not-found', 'No such organisation.');
  return org;
}

export async function listOrganizations(
  db: Kysely<Database>,
  page: { limit: number; cursor?: string },
): Promise<Page<Organization>> {
  const cursor = decodeCursor(page.cursor);
  let query = db
    .selectFrom('organizations')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit + 1);
  if (cursor) {
    query = query.where(pastCursor(cursor, 'asc'));
  }
  return toPage(await query.execute(), page.limit, (row) => row.created_at, present);
}

export async function updateOrganization(
  deps: TenancyDeps,
  id: string,
  patch: OrganizationPatch,
  editor: OrgEditor,
  audit: AuditRecorder,
): Promise<{ before: Organization; after: Organization }> {
  const before = await requireOrganization(deps.db, id);
  if (editor !== 'operator' && (patch.quotas !== undefined || patch.features !== undefined)) {
    throw new AppError('forbidden', 'Quotas and feature flags are set by the platform operator.');
  }
  const after: Organization = {
    ...before,
    name: patch.name ?? before.name,
    settings: patch.settings ?? before.settings,
    quotas: { ...before.quotas, ...patch.quotas },
    features: { ...before.features, ...patch.features },
    retention: { ...before.retention, ...patch.retention },
    metadata: patch.metadata ?? before.metadata,
    updatedAt: deps.clock().toISOString(),
  };
  const changes = {
    name: after.name,
    settings: assertSize(after.settings, SETTINGS_MAX_BYTES, '/body/settings'),
    quotas: toJson(after.quotas),
    features: toJson(after.features),
    retention: toJson(after.retention),
    metadata: assertSize(after.metadata, METADATA_MAX_BYTES, '/body/metadata'),
    updated_at: after.updatedAt,
  };
  await inTransaction(deps.db, async (trx) => {
    await trx.updateTable('organizations').set(changes).where('id', '=', id).execute();
    const target = { type: 'organization', id, name: before.name };
    const policy = changesBetween(before, after, ['settings', 'quotas', 'features', 'retention']);
    const profile = changesBetween(before, after, ['name', 'metadata']);
    if (Object.keys(policy).length > 0)
      await audit.record(trx, {
        action: 'org.settings_changed',
        orgId: before.id,
        target,
        details: { changes: policy, editor },
      });
    if (Object.keys(profile).length > 0 || Object.keys(policy).length === 0) {
      await audit.record(trx, {
        action: 'org.updated',
        orgId: before.id,
        target,
        details: { changes: profile, editor },
      });
    }
  });
  return { before, after };
}
