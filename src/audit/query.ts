import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import { AppError } from '../errors.js';
import type { AuditEventTable, Database } from '../store/schema.js';
import { listManifests, readArchiveRows } from './archive.js';
import type { AuditOutcome, AuditSeverity } from './catalog.js';
import type { AuditEvent, JsonValue } from './event.js';
import type { OrgId } from '../ids.js';

type Row = Selectable<AuditEventTable>;

export interface EventFilters {
  readonly from?: string;
  readonly to?: string;
  /** An exact action, or a prefix ending in `.*` (`auth.*`). */
  readonly action?: string;
  readonly actorId?: string;
  readonly actorType?: string;
  readonly targetId?: string;
  readonly targetType?: string;
  readonly outcome?: AuditOutcome;
  readonly severity?: AuditSeverity;
  readonly requestId?: string;
  /** Events about a user: as actor or as target. */
  readonly involving?: string;
}

export function presentEvent(row: Row): AuditEvent {
  return {
    id: row.id,
    seq: Number(row.seq),
    occurredAt: row.occurred_at,
    orgId: row.org_id as OrgId,
    actor: {
      type: row.actor_type as AuditEvent['actor']['type'],
      id: row.actor_id,
      name: row.actor_name,
      ip: row.actor_ip,
      userAgent: row.actor_user_agent,
    },
    action: row.action,
    target: { type: row.target_type, id: row.target_id, name: row.target_name },
    outcome: row.outcome as AuditOutcome,
    reason: row.reason,
    severity: row.severity as AuditSeverity,
    requestId: row.request_id,
    details: JSON.parse(row.details) as { [key: string]: JsonValue },
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Applies the filters in SQL; every value a bound parameter. */
export function filtered<O>(
  query: SelectQueryBuilder<Database, 'audit_events', O>,
  filters: EventFilters,
): SelectQueryBuilder<Database, 'audit_events', O> {
  let q = query;
  if (filters.from !== undefined) q = q.where('occurred_at', '>=', filters.from);
  if (filters.to !== undefined) q = q.where('occurred_at', '<', filters.to);
  if (filters.action !== undefined) {
    // A prefix compared as a substring: no LIKE wildcards to escape, no collation to trust.
    const prefix = filters.action.endsWith('.*') ? filters.action.slice(0, -1) : undefined;
    q =
      prefix !== undefined
        ? q.where(sql<string>`substr(action, 1, ${prefix.length})`, '=', prefix)
        : q.where('action', '=', filters.action);
  }
  if (filters.actorId !== undefined) q = q.where('actor_id', '=', filters.actorId);
  if (filters.actorType !== undefined) q = q.where('actor_type', '=', filters.actorType);
  if (filters.targetId !== undefined) q = q.where('target_id', '=', filters.targetId);
  if (filters.targetType !== undefined) q = q.where('target_type', '=', filters.targetType);
  if (filters.outcome !== undefined) q = q.where('outcome', '=', filters.outcome);
  if (filters.severity !== undefined) q = q.where('severity', '=', filters.severity);
  if (filters.requestId !== undefined) q = q.where('request_id', '=', filters.requestId);
  const involving = filters.involving;
  if (involving !== undefined)
    q = q.where((eb) => eb.or([eb('actor_id', '=', involving), eb('target_id', '=', involving)]));
  return q;
}

/** The same filters over rows read back from an archive file. */
function matches(row: Row, filters: EventFilters): boolean {
  const action = filters.action;
  return (
    (filters.from === undefined || row.occurred_at >= filters.from) &&
    (filters.to === undefined || row.occurred_at < filters.to) &&
    (action === undefined ||
      (action.endsWith('.*') ? row.action.startsWith(action.slice(0, -1)) : row.action === action)) &&
    (filters.actorId === undefined || row.actor_id === filters.actorId) &&
    (filters.actorType === undefined || row.actor_type === filters.actorType) &&
    (filters.targetId === undefined || row.target_id === filters.targetId) &&
    (filters.targetType === undefined || row.target_type === filters.targetType) &&
    (filters.outcome === undefined || row.outcome === filters.outcome) &&
    (filters.severity === undefined || row.severity === filters.severity) &&
    (filters.requestId === undefined || row.request_id === filters.requestId) &&
    (filters.involving === undefined || row.actor_id === filters.involving || row.target_id === filters.involving)
  );
}

const encodeSeq = (seq: number) => Buffer.from(`seq:${seq}`, 'utf8').toString('base64url');

function decodeSeq(cursor: string | undefined): number | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw new AppError('validation', 'The cursor is not one this API returned.', {}, [
      { field: '/querystring/cursor', message: 'is not a valid cursor' },
    ]);
  }
  return Number(match[1]);
}

export interface EventPage {
  readonly items: AuditEvent[];
  readonly nextCursor: string | null;
}

/**
 * An organisation's events, newest first, by sequence number. With
 * `archiveRoot` the search continues into the archive files once the table
 * runs out.
 */
export async function listEvents(
  db: Kysely<Database>,
  orgId: OrgId,
  filters: EventFilters,
  page: { limit: number; cursor?: string },
  archiveRoot?: string,
): Promise<EventPage> {
  const before = decodeSeq(page.cursor);
  let query = filtered(db.selectFrom('audit_events').selectAll().where('org_id', '=', orgId), filters);
  if (before !== undefined) query = query.where('seq', '<', before);
  const rows = await query
    .orderBy('seq', 'desc')
    .limit(page.limit + 1)
    .execute();
  if (rows.length <= page.limit && archiveRoot !== undefined) {
    const lowest = rows.length > 0 ? Number(rows[rows.length - 1]!.seq) : before;
    for (const manifest of (await listManifests(archiveRoot, orgId)).reverse()) {
      if (rows.length > page.limit) break;
      if (lowest !== undefined && manifest.fromSeq >= lowest) continue;
      if (
        (filters.to !== undefined && manifest.fromTime >= filters.to) ||
        (filters.from !== undefined && manifest.toTime < filters.from)
      )
        continue;
      const archived = (await readArchiveRows(archiveRoot, manifest))
        .filter((row) => (lowest === undefined || Number(row.seq) < lowest) && matches(row, filters))
        .reverse();
      rows.push(...archived.slice(0, page.limit + 1 - rows.length));
    }
  }
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(presentEvent),
    nextCursor: rows.length > page.limit && last ? encodeSeq(Number(last.seq)) : null,
  };
}
