import { revokeOrganizationApiKeys, revokeOrganizationSessions } from '../auth/index.js';
import type { AuditRecorder } from '../audit/index.js';
import { AppError } from '../errors.js';
import { inTransaction } from '../store/transactions.js';
import { requireOrganization, type Organization, type OrgStatus, type TenancyDeps } from '../tenancy/index.js';
import type { OrgId } from '../ids.js';

/**
 * Suspension takes effect at once (every request re-checks the
 * organisation's status) and for good: its sessions and API keys are
 * revoked, so reactivation brings none of them back; users sign in again and
 * admins issue new keys.
 */
export async function setOrganizationStatus(
  deps: TenancyDeps,
  id: OrgId,
  status: OrgStatus,
  audit: AuditRecorder,
  protectedOrgId?: string,
): Promise<Organization> {
  const org = await requireOrganization(deps.db, id);
  if (status === 'suspended' && id === protectedOrgId) {
    throw new AppError('conflict', "The operator's own organisation cannot be suspended.");
  }
  const updatedAt = deps.clock().toISOString();
  await inTransaction(deps.db, async (trx) => {
    await trx.updateTable('organizations').set({ status, updated_at: updatedAt }).where('id', '=', id).execute();
    const revoked =
      status === 'suspended'
        ? {
            revokedSessions: await revokeOrganizationSessions(trx, id, 'org_suspended', updatedAt),
            revokedApiKeys: await revokeOrganizationApiKeys(trx, id, updatedAt),
          }
        : {};
    await audit.record(trx, {
      action: status === 'suspended' ? 'org.suspended' : 'org.reactivated',
      orgId: id,
      target: { type: 'organization', id, name: org.name },
      details: { changes: { status: { from: org.status, to: status } }, ...revoked },
    });
  });
  return { ...org, status, updatedAt };
}
