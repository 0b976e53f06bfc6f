import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001_foundation.js';
import * as identity from './0002_identity.js';
import * as analysis from './0003_analysis.js';
import * as alerts from './0004_alerts.js';
import * as alertChannels from './0005_alert_channels.js';
import * as audit from './0006_audit.js';
import * as insights from './0007_insights.js';
import * as datasetVersions from './0008_dataset_versions.js';
import * as hardening from './0009_hardening.js';
import * as perf from './0010_perf.js';
import * as reportSchedules from './0011_report_schedules.js';
import * as askFeedback from './0012_ask_feedback.js';

/**
 * The one migration set, for SQLite and PostgreSQL alike. Names sort in the
 * order they apply; a migration, once released, is never edited.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_identity': identity,
  '0003_analysis': analysis,
  '0004_alerts': alerts,
  '0005_alert_channels': alertChannels,
  '0006_audit': audit,
  '0007_insights': insights,
  '0008_dataset_versions': datasetVersions,
  '0009_hardening': hardening,
  '0010_perf': perf,
  '0011_report_schedules': reportSchedules,
  '0012_ask_feedback': askFeedback,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
