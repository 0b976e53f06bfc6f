import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../../errors.js';
import { newId, type OrgId } from '../../ids.js';
import type { AlertTable, Database } from '../../store/schema.js';
import { inTransaction } from '../../store/transactions.js';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const CATEGORIES = ['system', 'security', 'performance', 'data'] as const;
export type Category = (typeof CATEGORIES)[number];
export const STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof STATUSES)[number];

export interface Alert {
  readonly id: string;
  readonly fingerprint: string;
  readonly severity: Severity;
  readonly category: Category;
  readonly title: string;
  readonly message: string;
  readonly status: AlertStatus;
  readonly count: number;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly acknowledged: { by: string; at: string; note: string | null } | null;
  readonly resolved: { by: string | null; at: string; how: 'manual' | 'auto' } | null;
}

export interface AlertHistoryEntry {
  readonly at: string;
  readonly event: 'opened' | 'repeated' | 'acknowledged' | 'resolved' | 'auto_resolved';
  readonly actor: string | null;
  readonly note: string | null;
}

export interface NewAlert {
  readonly fingerprint: string;
  readonly severity: Severity;
  readonly category: Category;
  readonly title: string;
  readonly message: string;
}

function present(row: Selectable<AlertTable>): Alert {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    severity: row.severity as Severity,
    category: row.category as Category,
    title: row.title,
    message: row.message,
    status: row.status as AlertStatus,
    count: row.count,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    acknowledged: row.acknowledged_at
      ? { by: row.acknowledged_by ?? '', at: row.acknowledged_at, note: row.acknowledge_note }
      : null,
    resolved: row.resolved_at
      ? { by: row.resolved_by, at: row.resolved_at, how: row.resolution === 'auto' ? 'auto' : 'manual' }
      : null,
  };
}

async function history(
  db: Kysely<Database>,
  alertId: string,
  event: AlertHistoryEntry['event'],
  at: string,
  actor: string | null,
  note: string | null,
): Promise<void> {
  await db
    .insertInto('alert_history')
    .values({ id: newId('alh'), alert_id: alertId, at, event, actor, note })
    .execute();
}

export type RaiseResult = { readonly kind: 'opened' | 'repeated'; readonly alert: Alert };

/**
 * Opens an alert, or, when an unresolved one has the same fingerprint, counts
 * the repeat on it. In a transaction, so two raisers cannot open twins.
 */
export async function raiseAlert(db: Kysely<Database>, orgId: OrgId, input: NewAlert, now: Date): Promise<RaiseResult> {
  const at = now.toISOString();
  return inTransaction(db, async (trx) => {
    const existing = await trx
      .selectFrom('alerts')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('fingerprint', '=', input.fingerprint)
      .where('status', '!=', 'resolved')
      .executeTakeFirst();
    if (existing) {
      const changes = { count: existing.count + 1, last_seen_at: at, message: input.message };
      await trx.updateTable('alerts').set(changes).where('id', '=', existing.id).execute();
      await history(trx, existing.id, 'repeated', at, null, null);
      return { kind: 'repeated' as const, alert: present({ ...existing, ...changes }) };
    }
    const row = {
      id: newId('alr'),
      org_id: orgId,
      ...input,
      status: 'open',
      count: 1,
      first_seen_at: at,
      last_seen_at: at,
      acknowledged_by: null,
      acknowledged_at: null,
      acknowledge_note: null,
      resolved_by: null,
      resolved_at: null,
      resolution: null,
    };
    await trx.insertInto('alerts').values(row).execute();
    await history(trx, row.id, 'opened', at, null, null);
    return { kind: 'opened' as const, alert: present(row) };
  });
}

async function alertRow(db: Kysely<Database>, orgId: OrgId, id: string): Promise<Selectable<AlertTable>> {
  const row = await db
    .selectFrom('alerts')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) throw new AppError('not-found', 'No such alert.');
  return row;
}

export async function getAlert(
  db: Kysely<Database>,
  orgId: OrgId,
  id: string,
): Promise<Alert & { history: AlertHistoryEntry[] }> {
  const row = await alertRow(db, orgId, id);
  const entries = await db
    .selectFrom('alert_history')
    .selectAll()
    .where('alert_id', '=', id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return {
    ...present(row),
    history: entries.map((entry) => ({
      at: entry.at,
      event: entry.event as AlertHistoryEntry['event'],
      actor: entry.actor,
      note: entry.note,
    })),
  };
}

export async function listAlerts(
  db: Kysely<Database>,
  orgId: OrgId,
  filters: { status?: AlertStatus; severity?: Severity; category?: Category; limit: number },
): Promise<Alert[]> {
  let query = db.selectFrom('alerts').selectAll().where('org_id', '=', orgId);
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.severity) query = query.where('severity', '=', filters.severity);
  if (filters.category) query = query.where('category', '=', filters.category);
  const rows = await query.orderBy('last_seen_at', 'desc').orderBy('id').limit(filters.limit).execute();
  return rows.map(present);
}

/** open -> acknowledged (by, at, note); a resolved alert cannot be acknowledged. */
export async function acknowledgeAlert(
  db: Kysely<Database>,
  orgId: OrgId,
  id: string,
  by: string,
  note: string | null,
  now: Date,
): Promise<Alert> {
  const row = await alertRow(db, orgId, id);
  if (row.status === 'resolved') throw new AppError('conflict', 'The alert is already resolved.');
  if (row.status === 'acknowledged') return present(row);
  const at = now.toISOString();
  const changes = { status: 'acknowledged', acknowledged_by: by, acknowledged_at: at, acknowledge_note: note };
  await db.updateTable('alerts').set(changes).where('id', '=', id).execute();
  await history(db, id, 'acknowledged', at, by, note);
  return present({ ...row, ...changes });
}

/** Resolves by a person (`by`) or automatically when the condition cleared (`by` null). */
export async function resolveAlert(
  db: Kysely<Database>,
  orgId: OrgId,
  id: string,
  by: string | null,
  note: string | null,
  now: Date,
): Promise<Alert> {
  const row = await alertRow(db, orgId, id);
  if (row.status === 'resolved') throw new AppError('conflict', 'The alert is already resolved.');
  const at = now.toISOString();
  const changes = { status: 'resolved', resolved_by: by, resolved_at: at, resolution: by === null ? 'auto' : 'manual' };
  await db.updateTable('alerts').set(changes).where('id', '=', id).execute();
  await history(db, id, by === null ? 'auto_resolved' : 'resolved', at, by, note);
  return present({ ...row, ...changes });
}

/** The unresolved alert with a fingerprint, if any (what a clearing condition resolves). */
export async function openAlertWith(
  db: Kysely<Database>,
  orgId: OrgId,
  fingerprint: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('alerts')
    .select('id')
    .where('org_id', '=', orgId)
    .where('fingerprint', '=', fingerprint)
    .where('status', '!=', 'resolved')
    .executeTakeFirst();
  return row?.id;
}
