import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

type OwnedTable =
  'users' | 'datasets' | 'analyses' | 'api_keys' | 'alerts' | 'alert_channels' | 'sessions' | 'insights' | 'budgets';

/** Which table holds an id of each prefix (ids are `prefix_…`, see ids.ts). */
const TABLE_BY_PREFIX: Readonly<Record<string, OwnedTable>> = {
  usr: 'users',
  ds: 'datasets',
  an: 'analyses',
  key: 'api_keys',
  alr: 'alerts',
  chn: 'alert_channels',
  ses: 'sessions',
  ins: 'insights',
  rec: 'insights',
  anm: 'insights',
  bud: 'budgets',
};

/**
 * Whether an id the caller could not see belongs to another organisation: the
 * caller still gets a plain 404, but the trail records a cross-tenant probe.
 */
export async function ownedElsewhere(db: Kysely<Database>, id: string, callerOrgId: string): Promise<boolean> {
  const prefix = id.slice(0, id.indexOf('_'));
  if (prefix === 'org') {
    const org = await db.selectFrom('organizations').select('id').where('id', '=', id).executeTakeFirst();
    return org !== undefined && org.id !== callerOrgId;
  }
  const table = TABLE_BY_PREFIX[prefix];
  if (table === undefined) return false;
  const row = await db.selectFrom(table).select('org_id').where('id', '=', id).executeTakeFirst();
  return row !== undefined && row.org_id !== callerOrgId;
}
