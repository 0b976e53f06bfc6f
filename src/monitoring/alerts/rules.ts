import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../../errors.js';
import { newId, type OrgId } from '../../ids.js';
import type { AlertRuleTable, Database } from '../../store/schema.js';
import { inTransaction } from '../../store/transactions.js';
import type { Category, Severity } from './alerts.js';

/** What the evaluator can measure about the instance. */
export const RULE_METRICS = [
  'cpu_percent',
  'memory_percent',
  'disk_percent',
  'p95_latency_ms',
  'error_rate_percent',
  'event_loop_lag_ms',
] as const;
export type RuleMetric = (typeof RULE_METRICS)[number];

export interface AlertRule {
  readonly id: string;
  readonly name: string;
  readonly metric: RuleMetric;
  readonly threshold: number;
  readonly forSeconds: number;
  readonly hysteresis: number;
  readonly severity: Severity;
  readonly category: Category;
  readonly enabled: boolean;
  readonly state: { readonly firing: boolean; readonly pendingSince: string | null; readonly lastValue: number | null };
}

/** The documented defaults, created for the platform organisation on first evaluation. */
export const DEFAULT_RULES: readonly Omit<AlertRule, 'id' | 'state'>[] = [
  {
    name: 'CPU above 80 % for 5 minutes',
    metric: 'cpu_percent',
    threshold: 80,
    forSeconds: 300,
    hysteresis: 0.1,
    severity: 'warning',
    category: 'system',
    enabled: true,
  },
  {
    name: 'Memory above 85 %',
    metric: 'memory_percent',
    threshold: 85,
    forSeconds: 60,
    hysteresis: 0.05,
    severity: 'warning',
    category: 'system',
    enabled: true,
  },
  {
    name: 'Disk above 90 %',
    metric: 'disk_percent',
    threshold: 90,
    forSeconds: 0,
    hysteresis: 0.02,
    severity: 'critical',
    category: 'system',
    enabled: true,
  },
  {
    name: 'p95 latency above 2 s',
    metric: 'p95_latency_ms',
    threshold: 2000,
    forSeconds: 300,
    hysteresis: 0.2,
    severity: 'warning',
    category: 'performance',
    enabled: true,
  },
  {
    name: 'Error rate above 5 %',
    metric: 'error_rate_percent',
    threshold: 5,
    forSeconds: 300,
    hysteresis: 0.2,
    severity: 'critical',
    category: 'performance',
    enabled: true,
  },
  {
    name: 'Event-loop lag above 200 ms',
    metric: 'event_loop_lag_ms',
    threshold: 200,
    forSeconds: 60,
    hysteresis: 0.25,
    severity: 'warning',
    category: 'performance',
    enabled: true,
  },
];

function present(row: Selectable<AlertRuleTable>): AlertRule {
  return {
    id: row.id,
    name: row.name,
    metric: row.metric as RuleMetric,
    threshold: row.threshold,
    forSeconds: row.for_seconds,
    hysteresis: row.hysteresis,
    severity: row.severity as Severity,
    category: row.category as Category,
    enabled: row.enabled === 1,
    state: { firing: row.firing === 1, pendingSince: row.pending_since, lastValue: row.last_value },
  };
}

export async function ensureDefaultRules(db: Kysely<Database>, orgId: OrgId, now: Date): Promise<void> {
  for (const rule of DEFAULT_RULES) {
    await db
      .insertInto('alert_rules')
      .values({
        id: newId('rul'),
        org_id: orgId,
        name: rule.name,
        metric: rule.metric,
        threshold: rule.threshold,
        for_seconds: rule.forSeconds,
        hysteresis: rule.hysteresis,
        severity: rule.severity,
        category: rule.category,
        enabled: rule.enabled ? 1 : 0,
        pending_since: null,
        firing: 0,
        last_value: null,
        updated_at: now.toISOString(),
      })
      .onConflict((oc) => oc.columns(['org_id', 'metric']).doNothing())
      .execute();
  }
}

export async function listRules(db: Kysely<Database>, orgId: OrgId): Promise<AlertRule[]> {
  const rows = await db.selectFrom('alert_rules').selectAll().where('org_id', '=', orgId).orderBy('metric').execute();
  return rows.map(present);
}

export interface RulePatch {
  readonly metric: RuleMetric;
  readonly threshold?: number;
  readonly forSeconds?: number;
  readonly hysteresis?: number;
  readonly severity?: Severity;
  readonly enabled?: boolean;
}

export async function updateRules(
  db: Kysely<Database>,
  orgId: OrgId,
  patches: readonly RulePatch[],
  now: Date,
): Promise<AlertRule[]> {
  await ensureDefaultRules(db, orgId, now);
  await inTransaction(db, async (trx) => {
    for (const patch of patches) {
      const result = await trx
        .updateTable('alert_rules')
        .set({
          ...(patch.threshold !== undefined ? { threshold: patch.threshold } : {}),
          ...(patch.forSeconds !== undefined ? { for_seconds: patch.forSeconds } : {}),
          ...(patch.hysteresis !== undefined ? { hysteresis: patch.hysteresis } : {}),
          ...(patch.severity !== undefined ? { severity: patch.severity } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
          updated_at: now.toISOString(),
        })
        .where('org_id', '=', orgId)
        .where('metric', '=', patch.metric)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new AppError('not-found', `No rule for ${patch.metric}.`);
    }
  });
  return listRules(db, orgId);
}

export type RuleStep = {
  readonly action: 'fire' | 'clear' | 'none';
  readonly pendingSince: string | null;
  readonly firing: boolean;
};

/**
 * One evaluation of a "value above threshold" rule. It fires only after the
 * condition has held for `forSeconds`, and once firing it clears only when the
 * value falls below threshold × (1 − hysteresis), so a value that hovers
 * around the threshold does not open and close alerts over and over.
 */
export function stepRule(
  rule: Pick<AlertRule, 'threshold' | 'forSeconds' | 'hysteresis' | 'state'>,
  value: number | null,
  now: Date,
): RuleStep {
  const { firing, pendingSince } = rule.state;
  if (value === null) return { action: 'none', pendingSince, firing };
  if (value > rule.threshold) {
    const since = pendingSince ?? now.toISOString();
    const held = now.getTime() - Date.parse(since) >= rule.forSeconds * 1000;
    return held
      ? { action: 'fire', pendingSince: since, firing: true }
      : { action: 'none', pendingSince: since, firing };
  }
  if (firing) {
    const clearBelow = rule.threshold * (1 - rule.hysteresis);
    return value < clearBelow
      ? { action: 'clear', pendingSince: null, firing: false }
      : { action: 'none', pendingSince, firing: true };
  }
  return { action: 'none', pendingSince: null, firing: false };
}

export async function saveRuleState(
  db: Kysely<Database>,
  ruleId: string,
  step: RuleStep,
  value: number | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('alert_rules')
    .set({
      pending_since: step.pendingSince,
      firing: step.firing ? 1 : 0,
      last_value: value,
      updated_at: now.toISOString(),
    })
    .where('id', '=', ruleId)
    .execute();
}
