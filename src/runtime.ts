import path from 'node:path';
import { totalEvents, loadAuditKey, systemRecorder, type AuditLog } from './audit/index.js';
import { sweepDatasetStorage, openDuckEngine, GroupedCache } from './analysis/index.js';
import { createAnalysisPool } from './commands/workers/analysis-pool.js';
import { createDeckPool } from './reports/index.js';
import { OrgConcurrency } from './runtime/org-concurrency.js';
import {
  loadAuthKeys,
  type AuthDeps,
  ensureOperator,
  platformOrganizationId,
  type BootstrapResult,
} from './auth/index.js';
import {
  type Alert,
  notifyChannels,
  instanceMetrics,
  startAlertEvaluator,
  type AlertEvaluator,
  diskSpaceCheck,
  duckdbCheck,
  schedulerCheck,
  storeCheck,
  createMetrics,
  registerAuditEventsGauge,
  registerWorkerPoolGauges,
  OrgRequestStats,
  RequestStats,
  startSystemSampler,
  HealthRegistry,
} from './monitoring/index.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import type { BuildAppOptions } from './server/app.js';
import type { HttpServer } from './server/http.js';
import { prepareDataDir } from './store/data-dir.js';
import { migrateToLatest, openStore } from './store/store.js';
import { startRetentionScheduler, type RetentionScheduler } from './commands/retention-scheduler.js';
import { reportDeliveryDeps } from './commands/deliver-report.js';
import { startReportScheduler, type ReportScheduler } from './commands/report-scheduler.js';
import { smtpMailer } from './report-schedules/index.js';
import type { OrgId } from './ids.js';

export interface OpenContext extends AppContext {
  /** What first-start bootstrapping did; a generated operator password is for the console only. */
  readonly bootstrap: BootstrapResult;
  /** Closes DuckDB and the store; safe to call twice. */
  readonly close: () => Promise<void>;
}

/** Opens everything an instance needs and applies pending migrations. */
export async function openContext(config: Config, clock: () => Date = () => new Date()): Promise<OpenContext> {
  const layout = await prepareDataDir(config.dataDir);
  const store = openStore(config.database);
  try {
    await migrateToLatest(store, config.database);
  } catch (error) {
    await store.close();
    throw error;
  }
  let auth: AuthDeps;
  let bootstrap: BootstrapResult;
  let audit: AuditLog;
  try {
    audit = { key: await loadAuditKey(config.auditKey, layout), clock };
    auth = { db: store.db, clock, config: config.auth, ...(await loadAuthKeys(config.auth, layout)) };
    bootstrap = await ensureOperator(auth, config.auth.adminPassword, systemRecorder(audit, 'bootstrap'));
    // Bootstrap made it exist; it never changes after, so requests and schedulers read it from here.
    audit = { ...audit, platformOrgId: await platformOrganizationId(store.db) };
  } catch (error) {
    await store.close();
    throw error;
  }
  const duck = await openDuckEngine(config.duckdb, path.join(layout.tmp, 'duckdb'), {
    allowedDirectories: [layout.root],
  });
  const health = new HealthRegistry();
  health.register(storeCheck(store));
  health.register(duckdbCheck(duck));
  health.register(diskSpaceCheck(layout.root));
  const metrics = createMetrics();
  registerAuditEventsGauge(metrics.registry, () => totalEvents(store.db));
  const monitoring = {
    metrics,
    requests: new RequestStats({ clock: () => clock().getTime() }),
    orgRequests: new OrgRequestStats({ clock: () => clock().getTime() }),
    system: startSystemSampler(layout.root, () => store.poolStats()),
    notify: (orgId: OrgId, alert: Alert, event: 'opened' | 'resolved') => {
      if (event === 'opened') metrics.alerts.inc({ severity: alert.severity });
      return notifyChannels(
        {
          db: store.db,
          box: auth.box,
          clock,
          retryDelaysMs: config.monitoring.webhookRetryDelaysMs,
          timeoutMs: 5_000,
          egress: { allowPrivate: config.monitoring.webhookAllowPrivate },
        },
        orgId,
        alert,
        event,
      );
    },
  };
  const analysisPool = createAnalysisPool(config.performance.workerThreads);
  const mailer = config.smtp ? smtpMailer(config.smtp) : undefined;
  // Decks are rarer and lighter than analyses: one thread, so they never take the analyses' cores.
  const deckPool = createDeckPool(1);
  registerWorkerPoolGauges(metrics.registry, {
    analysis: () => analysisPool.stats(),
    deck: () => deckPool.stats(),
  });
  let closing: Promise<void> | undefined;
  return {
    config,
    layout,
    store,
    duck,
    health,
    clock,
    auth,
    audit,
    bootstrap,
    monitoring,
    analysisPool,
    orgLimits: {
      analyses: new OrgConcurrency(config.performance.orgConcurrentAnalyses, 'analyses'),
      uploads: new OrgConcurrency(config.performance.orgConcurrentUploads, 'uploads'),
    },
    analysisCache: new GroupedCache(config.performance.analysisCacheBytes),
    mailer,
    deckPool,
    close: () => {
      closing ??= (async () => {
        monitoring.system.stop();
        mailer?.close();
        await analysisPool.close();
        await deckPool.close();
        duck.close();
        await store.close();
      })();
      return closing;
    },
  };
}

export interface Runtime {
  readonly ctx: OpenContext;
  readonly app: HttpServer;
  readonly retention: RetentionScheduler;
  readonly alerts: AlertEvaluator;
  readonly reports: ReportScheduler;
  /** Stops accepting, lets in-flight requests finish, then closes the context. */
  readonly close: () => Promise<void>;
}

export interface RuntimeOptions extends BuildAppOptions {
  /** Injectable for tests of time-dependent rules (lockout, expiry). */
  readonly clock?: () => Date;
}

export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const ctx = await openContext(config, options.clock);
  let app: HttpServer;
  try {
    // What a crash left behind (the retention schedule sweeps again later).
    await sweepDatasetStorage({ db: ctx.store.db, layout: ctx.layout }, ctx.clock());
    // Loaded here, not at the top: commands that only open the context (`pca admin`, `pca audit`) never load the server.
    const { buildApp } = await import('./server/app.js');
    app = await buildApp(ctx, options);
  } catch (error) {
    await ctx.close();
    throw error;
  }
  const retention = startRetentionScheduler(
    { db: ctx.store.db, layout: ctx.layout, duck: ctx.duck, audit: ctx.audit },
    ctx.clock,
    config.retentionIntervalMinutes,
    app.log,
  );
  if (config.retentionIntervalMinutes > 0) {
    ctx.health.register(
      schedulerCheck(
        () => retention.lastTickAt(),
        ctx.clock().getTime(),
        config.retentionIntervalMinutes * 60_000,
        () => ctx.clock().getTime(),
      ),
    );
  }
  const stopHealth = ctx.health.startBackground(config.monitoring.healthIntervalSeconds * 1000);
  const alerts = startAlertEvaluator({
    db: ctx.store.db,
    clock: ctx.clock,
    intervalMs: config.monitoring.alertIntervalSeconds * 1000,
    read: instanceMetrics(ctx.monitoring.system, ctx.monitoring.requests),
    platformOrg: async () => ctx.audit.platformOrgId,
    audit: ctx.audit,
    log: app.log,
    notify: ctx.monitoring.notify,
  });
  const reports = startReportScheduler(
    { ...reportDeliveryDeps(ctx, app.log), audit: ctx.audit },
    config.reports,
    app.log,
  );
  let closing: Promise<void> | undefined;
  return {
    ctx,
    app,
    retention,
    alerts,
    reports,
    close: () => {
      closing ??= (async () => {
        retention.stop();
        await reports.stop();
        stopHealth();
        alerts.stop();
        await app.close();
        await ctx.close();
      })();
      return closing;
    },
  };
}
