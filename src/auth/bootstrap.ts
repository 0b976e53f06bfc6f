import type { AuditRecorder } from '../audit/index.js';
import type { Kysely } from 'kysely';
import { AppError } from '../errors.js';
import type { OrgId } from '../ids.js';
import type { Database } from '../store/schema.js';
import { createOrganization, getOrganizationBySlug } from '../tenancy/index.js';
import type { AuthDeps } from './auth-deps.js';
import { DEFAULT_ORG_SLUG } from './login.js';
import { assertPasswordPolicy } from './passwords.js';
import { createUser, oneTimePassword } from './users.js';

export const OPERATOR_USERNAME = 'admin';

/** The platform's organisation: the one the operator belongs to (instance-wide data and system alerts live there). */
export async function platformOrganizationId(db: Kysely<Database>): Promise<OrgId | undefined> {
  const operator = await db.selectFrom('users').select('org_id').where('is_operator', '=', 1).executeTakeFirst();
  return operator?.org_id as OrgId | undefined;
}

export type BootstrapResult =
  | { readonly kind: 'existing' }
  /** `generatedPassword` is set only when none was configured: show it once, on the console. */
  | { readonly kind: 'created'; readonly generatedPassword?: string };

/**
 * On an empty store, creates the `default` organisation and the operator
 * `admin`, who must change the first password before doing anything else.
 */
export async function ensureOperator(
  deps: AuthDeps,
  configuredPassword: string | undefined,
  audit: AuditRecorder,
): Promise<BootstrapResult> {
  const existing = await deps.db.selectFrom('users').select('id').where('is_operator', '=', 1).executeTakeFirst();
  if (existing) return { kind: 'existing' };
  if (configuredPassword !== undefined) {
    try {
      assertPasswordPolicy(configuredPassword, { username: OPERATOR_USERNAME });
    } catch (error) {
      const reason = error instanceof AppError ? error.message : String(error);
      throw new Error(`PCA_ADMIN_PASSWORD: expected a password the policy accepts (${reason})`);
    }
  }
  const password = configuredPassword ?? oneTimePassword();
  let org = await getOrganizationBySlug(deps.db, DEFAULT_ORG_SLUG);
  try {
    org ??= await createOrganization(deps, { name: 'Default', slug: DEFAULT_ORG_SLUG }, audit);
    await createUser(deps, org.id, { username: OPERATOR_USERNAME, role: 'admin', password, isOperator: true }, audit);
  } catch (error) {
    // Another instance bootstrapped at the same moment.
    if (error instanceof AppError && error.kind === 'conflict') return { kind: 'existing' };
    throw error;
  }
  return configuredPassword === undefined ? { kind: 'created', generatedPassword: password } : { kind: 'created' };
}
