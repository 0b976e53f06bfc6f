import {
  archiveExpiredEvents,
  systemRecorder,
  auditedOrganizations,
  verifyChain,
  type VerifyResult,
} from '../audit/index.js';
import type { OpenContext } from '../runtime.js';
import { getOrganization, getOrganizationBySlug, requireOrganization } from '../tenancy/index.js';
import { withLocalContext } from './context.js';
import type { OrgId } from '../ids.js';

async function organizationIds(ctx: OpenContext, slugOrId: string | undefined): Promise<OrgId[]> {
  if (slugOrId === undefined) return auditedOrganizations(ctx.store.db);
  const org = (await getOrganizationBySlug(ctx.store.db, slugOrId)) ?? (await getOrganization(ctx.store.db, slugOrId));
  if (!org) throw new Error(`no organisation "${slugOrId}"`);
  return [org.id];
}

function line(result: VerifyResult): string {
  const archives = result.archivesChecked !== undefined ? `, ${result.archivesChecked} archive file(s)` : '';
  return result.valid
    ? `${result.orgId}  valid   ${result.checked} events${archives}\n`
    : `${result.orgId}  BROKEN  at seq ${result.firstBrokenSeq}: ${result.reason} (${result.checked} events verified before it${archives})\n`;
}

export const auditVerify = (options: { org?: string; archives?: boolean; json?: boolean }) =>
  withLocalContext(async (ctx) => {
    const results: VerifyResult[] = [];
    for (const orgId of await organizationIds(ctx, options.org)) {
      const result = await verifyChain(
        ctx.store.db,
        ctx.audit.key,
        orgId,
        options.archives ? { archiveRoot: ctx.layout.auditArchive } : {},
      );
      if (!result.valid) {
        await systemRecorder(ctx.audit, 'cli', orgId).record(ctx.store.db, {
          action: 'audit.chain_broken',
          target: { type: 'audit_trail', id: orgId },
          outcome: 'failure',
          reason: result.reason ?? 'broken',
          details: { ...result },
        });
      }
      results.push(result);
    }
    process.stdout.write(options.json ? `${JSON.stringify(results, null, 2)}\n` : results.map(line).join(''));
    if (results.some((result) => !result.valid)) process.exitCode = 1;
  });

export const auditArchive = (options: { org?: string }) =>
  withLocalContext(async (ctx) => {
    for (const orgId of await organizationIds(ctx, options.org)) {
      const org = await requireOrganization(ctx.store.db, orgId);
      const outcome = await archiveExpiredEvents(
        { db: ctx.store.db, layout: ctx.layout, audit: ctx.audit },
        org,
        ctx.clock(),
      );
      process.stdout.write(
        `${org.id}  archived ${outcome.events} events${outcome.files.length > 0 ? ` into ${outcome.files.join(', ')}` : ''}\n`,
      );
    }
  });
