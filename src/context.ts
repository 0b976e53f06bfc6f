import type { AuditLog } from './audit/index.js';
import type { DuckEngine, GroupedCache } from './analysis/index.js';
import type { AnalysisPool } from './commands/workers/analysis-pool.js';
import type { DeckPool } from './reports/index.js';
import type { OrgConcurrency } from './runtime/org-concurrency.js';
import type { AuthDeps } from './auth/index.js';
import type { Config } from './config.js';
import type {
  Alert,
  HealthRegistry,
  Metrics,
  OrgRequestStats,
  RequestStats,
  SystemSampler,
} from './monitoring/index.js';
import type { DataDirLayout } from './store/data-dir.js';
import type { Store } from './store/store.js';
import type { Mailer } from './report-schedules/index.js';
import type { OrgId } from './ids.js';

/** What a running instance holds: built once at start, handed to routes and services. */
export interface AppContext {
  readonly config: Config;
  readonly layout: DataDirLayout;
  readonly store: Store;
  readonly duck: DuckEngine;
  readonly health: HealthRegistry;
  /** Identity services' dependencies: store, clock, token signer, password hasher, secret box. */
  readonly auth: AuthDeps;
  readonly monitoring: Monitoring;
  /** The audit chain's key and clock: what every recorder appends with. */
  readonly audit: AuditLog;
  /** Injectable for tests of time-dependent rules. */
  readonly clock: () => Date;
  /** Worker threads for the JavaScript of analyses. */
  readonly analysisPool: AnalysisPool;
  /** Per-organisation limits on concurrent analyses and uploads on this instance. */
  readonly orgLimits: { readonly analyses: OrgConcurrency; readonly uploads: OrgConcurrency };
  /** DuckDB results of recent analyses, by their inputs. */
  readonly analysisCache: GroupedCache;
  /** The operator's mail server for scheduled reports (PCA_SMTP_URL); absent when none is configured. */
  readonly mailer: Mailer | undefined;
  /** Worker threads that draw PDF and PPTX decks. */
  readonly deckPool: DeckPool;
}

/** What the instance measures about itself. */
export interface Monitoring {
  readonly metrics: Metrics;
  readonly requests: RequestStats;
  /** The same, per organisation of the authenticated caller. */
  readonly orgRequests: OrgRequestStats;
  readonly system: SystemSampler;
  /** Sends an alert event to the organisation's webhooks (in the background; failures are in the delivery log). */
  readonly notify: (orgId: OrgId, alert: Alert, event: 'opened' | 'resolved') => Promise<void>;
}
