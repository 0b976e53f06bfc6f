import type { Kysely } from 'kysely';
import { countActiveUsers } from '../auth/users.js';
import type { Database } from '../store/schema.js';

/** What an organisation uses against its quotas. Analyses, datasets and bytes join as those features land. */
export interface Usage {
  readonly users: number;
}

export async function organizationUsage(db: Kysely<Database>, orgId: string): Promise<Usage> {
  return { users: await countActiveUsers(db, orgId) };
}
