import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { inTransaction } from '../store/transactions.js';
import type { FeatureFlag, Features, QuotaName, Quotas } from './policy.js';
import type { OrgId } from '../ids.js';

/** Refuses creating `adding` more of a thing when it would pass the organisation's quota. */
export function assertWithinQuota(quotas: Quotas, quota: QuotaName, usage: number, adding = 1): void {
  const limit = quotas[quota];
  if (usage + adding > limit) {
    throw new AppError('quota-exceeded', `This would exceed the organisation's ${quota} quota (${limit}).`, {
      quota,
      limit,
      usage,
    });
  }
}

export function assertFeature(features: Features, feature: FeatureFlag): void {
  if (!features[feature]) {
    throw new AppError('feature-disabled', `The feature "${feature}" is not enabled for this organisation.`, {
      feature,
    });
  }
}

/**
 * Runs `work` in a transaction that holds the organisation's row lock, so that
 * concurrent creations cannot both pass a quota (or both remove the last
 * admin). A no-op update takes the lock on PostgreSQL and the write lock on
 * SQLite alike.
 */
export function withOrganizationLock<T>(
  db: Kysely<Database>,
  orgId: OrgId,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return inTransaction(db, async (trx) => {
    await trx
      .updateTable('organizations')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('id', '=', orgId)
      .execute();
    return work(trx);
  });
}
