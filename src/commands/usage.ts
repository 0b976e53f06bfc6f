import type { Kysely } from 'kysely';
import { analysesThisMonth, datasetUsage } from '../analysis/index.js';
import { countActiveUsers } from '../auth/index.js';
import type { Database } from '../store/schema.js';
import type { OrgId } from '../ids.js';

/** What an organisation uses against its quotas. */
export interface Usage {
  readonly users: number;
  readonly analysesThisMonth: number;
  readonly datasets: number;
  readonly storageBytes: number;
}

export async function organizationUsage(db: Kysely<Database>, orgId: OrgId, now: Date): Promise<Usage> {
  const [users, analyses, datasets] = await Promise.all([
    countActiveUsers(db, orgId),
    analysesThisMonth(db, orgId, now),
    datasetUsage(db, orgId),
  ]);
  return { users, analysesThisMonth: analyses, datasets: datasets.datasets, storageBytes: datasets.bytes };
}
