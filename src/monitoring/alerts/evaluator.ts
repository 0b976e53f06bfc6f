import { randomUUID } from 'node:crypto';
import type { Log } from '../../runtime/log.js';
import type { Kysely } from 'kysely';
import { tryAcquireLease } from '../../store/leases.js';
import type { Database } from '../../store/schema.js';
import type { AuditLog } from '../../audit/index.js';
import type { RequestStats } from '../request-stats.js';
import type { SystemSampler } from '../system.js';
import { openAlertWith, raiseAlert, resolveAlert, type Alert } from './alerts.js';
import { ensureDefaultRules, listRules, saveRuleState, stepRule, type RuleMetric } from './rules.js';
import { evaluateSecurityRules, type SecurityEvaluation } from './security.js';
import type { OrgId } from '../../ids.js';

export type MetricValues = Partial<Record<RuleMetric, number | null>>;

/** Error rate over fewer requests than this says nothing (one 500 in three requests is not an outage). */
const MIN_REQUESTS_FOR_ERROR_RATE = 20;

export function instanceMetrics(system: SystemSampler, requests: RequestStats): () => Promise<MetricValues> {
  return async () => {
    const snapshot = await system.snapshot();
    const recent = requests.report(5);
    return {
      cpu_percent: snapshot.cpu.percent,
      memory_percent: snapshot.memory.systemUsedPercent,
      disk_percent: snapshot.disk?.usedPercent ?? null,
      p95_latency_ms: recent.overall.p95Ms,
      error_rate_percent:
        recent.total >= MIN_REQUESTS_FOR_ERROR_RATE && recent.errorRate !== null ? recent.errorRate * 100 : null,
      event_loop_lag_ms: snapshot.eventLoopLagMs.p99,
    };
  };
}

export interface Evaluation {
  readonly opened: Alert[];
  readonly repeated: Alert[];
  readonly resolved: string[];
}

export interface Tick {
  readonly system: Evaluation | undefined;
  readonly security: SecurityEvaluation;
}

/** One pass over an organisation's rules with the values measured now. */
export async function evaluateRules(
  db: Kysely<Database>,
  orgId: OrgId,
  values: MetricValues,
  now: Date,
): Promise<Evaluation> {
  const result: Evaluation = { opened: [], repeated: [], resolved: [] };
  for (const rule of await listRules(db, orgId)) {
    if (!rule.enabled) continue;
    const value = values[rule.metric] ?? null;
    const step = stepRule(rule, value, now);
    const fingerprint = `rule:${rule.metric}`;
    if (step.action === 'fire') {
      const raised = await raiseAlert(
        db,
        orgId,
        {
          fingerprint,
          severity: rule.severity,
          category: rule.category,
          title: rule.name,
          message: `${rule.metric} is ${Math.round((value ?? 0) * 100) / 100}, above ${rule.threshold}${rule.forSeconds > 0 ? ` for ${rule.forSeconds} s` : ''}.`,
        },
        now,
      );
      (raised.kind === 'opened' ? result.opened : result.repeated).push(raised.alert);
    } else if (step.action === 'clear') {
      const open = await openAlertWith(db, orgId, fingerprint);
      if (open) {
        await resolveAlert(
          db,
          orgId,
          open,
          null,
          `${rule.metric} back to ${Math.round((value ?? 0) * 100) / 100}`,
          now,
        );
        result.resolved.push(open);
      }
    }
    await saveRuleState(db, rule.id, step, value, now);
  }
  return result;
}

export interface AlertEvaluator {
  tick(): Promise<Tick | undefined>;
  stop(): void;
}

/** Evaluates the platform's rules on an interval, on whichever instance holds the lease; every opened alert is logged. */
export function startAlertEvaluator(options: {
  db: Kysely<Database>;
  clock: () => Date;
  intervalMs: number;
  read: () => Promise<MetricValues>;
  platformOrg: () => Promise<OrgId | undefined>;
  audit: AuditLog;
  log: Pick<Log, 'warn' | 'error' | 'info'>;
  notify: (orgId: OrgId, alert: Alert, event: 'opened' | 'resolved') => Promise<void>;
}): AlertEvaluator {
  const holder = `instance-${randomUUID()}`;
  let running: Promise<Tick | undefined> | undefined;
  // The log is the channel that is always on; webhooks follow in the background.
  const announce = (orgId: OrgId, alert: Alert) => {
    options.log.warn({ alert, orgId }, `alert opened: ${alert.title}`);
    void options
      .notify(orgId, alert, 'opened')
      .catch((error: unknown) => options.log.error({ err: error }, 'webhook delivery failed'));
  };
  const tick = (): Promise<Tick | undefined> => {
    running ??= (async () => {
      try {
        const now = options.clock();
        if (!(await tryAcquireLease(options.db, 'alert-evaluator', holder, options.intervalMs * 3, now)))
          return undefined;
        const orgId = await options.platformOrg();
        let system: Evaluation | undefined;
        if (orgId) {
          await ensureDefaultRules(options.db, orgId, now);
          system = await evaluateRules(options.db, orgId, await options.read(), now);
          for (const alert of system.opened) announce(orgId, alert);
          for (const id of system.resolved) options.log.info({ alertId: id }, 'alert resolved: condition cleared');
        }
        const security = await evaluateSecurityRules(options.db, options.audit, now);
        for (const opened of security.opened) announce(opened.orgId, opened.alert);
        return { system, security };
      } catch (error) {
        options.log.error({ err: error }, 'alert evaluation failed');
        return undefined;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
