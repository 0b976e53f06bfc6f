import type { Kysely } from 'kysely';
import {
  advanceCursor,
  eventsAfter,
  eventsSince,
  headsAndCursors,
  type EventSummary,
  type AuditLog,
  systemRecorder,
} from '../../audit/index.js';
import type { Database } from '../../store/schema.js';
import { inTransaction } from '../../store/transactions.js';
import { raiseAlert, type Alert, type NewAlert } from './alerts.js';
import { failedLoginAlerts } from './failed-logins.js';
import type { OrgId } from '../../ids.js';

/** The security rules read from the audit trail; fixed, and documented in docs/ARCHITECTURE.md. */
export const SECURITY_RULES = {
  failedLogins: { threshold: 10, windowMinutes: 5 },
} as const;

const CURSOR = 'security-rules';
const WATCHED = ['auth.login.failed', 'auth.refresh_token.reused', 'audit.chain_broken'] as const;
/** Events read per organisation and pass: a flood is worked through over a few passes. */
const BATCH = 5_000;

type Row = EventSummary;

function eventAlerts(fresh: Row[]): NewAlert[] {
  return fresh.flatMap((event): NewAlert[] => {
    if (event.action === 'auth.refresh_token.reused') {
      return [
        {
          fingerprint: `security:refresh-reuse:${event.target_id ?? event.seq}`,
          severity: 'critical',
          category: 'security',
          title: 'A refresh token was used twice',
          message: `Session ${event.target_id ?? '?'} presented an already used refresh token at ${event.occurred_at}; the session was revoked. The token may have been stolen.`,
        },
      ];
    }
    if (event.action === 'audit.chain_broken') {
      return [
        {
          fingerprint: 'security:audit-chain-broken',
          severity: 'critical',
          category: 'security',
          title: 'The audit trail failed verification',
          message: `Verification at ${event.occurred_at} found: ${event.reason ?? 'a broken chain'}. Someone may have edited the audit trail in the database.`,
        },
      ];
    }
    return [];
  });
}

export interface SecurityEvaluation {
  readonly opened: { orgId: OrgId; alert: Alert }[];
}

/**
 * Reads what each organisation's trail gained since the last pass and raises
 * its security alerts in that organisation (a repeat counts on the open
 * alert). Each alert opened is itself recorded as `security.alert`.
 */
export async function evaluateSecurityRules(
  db: Kysely<Database>,
  audit: AuditLog,
  now: Date,
): Promise<SecurityEvaluation> {
  const opened: SecurityEvaluation['opened'] = [];
  for (const head of await headsAndCursors(db, CURSOR)) {
    const from = head.cursor;
    if (head.seq <= from) continue;
    const fresh = await eventsAfter(db, head.orgId, from, WATCHED, BATCH);
    const last = fresh.length === BATCH ? Number(fresh[fresh.length - 1]!.seq) : head.seq;
    const failures = fresh.filter((row) => row.action === 'auth.login.failed');
    const earliest = failures[0]
      ? new Date(Date.parse(failures[0].occurred_at) - SECURITY_RULES.failedLogins.windowMinutes * 60_000).toISOString()
      : undefined;
    const recent = earliest ? await eventsSince(db, head.orgId, 'auth.login.failed', earliest, last) : [];
    const recorder = systemRecorder(audit, 'security-rules', head.orgId);
    await inTransaction(db, async (trx) => {
      for (const input of [
        ...failedLoginAlerts(recent, failures, SECURITY_RULES.failedLogins),
        ...eventAlerts(fresh),
      ]) {
        const raised = await raiseAlert(trx, head.orgId, input, now);
        if (raised.kind === 'opened') {
          opened.push({ orgId: head.orgId, alert: raised.alert });
          await recorder.record(trx, {
            action: 'security.alert',
            target: { type: 'alert', id: raised.alert.id, name: raised.alert.title },
            details: { fingerprint: input.fingerprint },
          });
        }
      }
      await advanceCursor(trx, CURSOR, head.orgId, last);
    });
  }
  return { opened };
}
