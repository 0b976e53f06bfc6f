import type { Generated } from 'kysely';

/**
 * The state store's tables as Kysely sees them. Each feature adds its tables
 * here together with the migration that creates them.
 *
 * Conventions that hold on SQLite and PostgreSQL alike: ids are prefixed text,
 * timestamps are UTC ISO 8601 text, JSON is text, booleans are 0/1 integers.
 */
export interface Database {
  leases: LeaseTable;
  organizations: OrganizationTable;
  users: UserTable;
  sessions: SessionTable;
  refresh_tokens: RefreshTokenTable;
  api_keys: ApiKeyTable;
  rate_limits: RateLimitTable;
  datasets: DatasetTable;
  analyses: AnalysisTable;
  alert_rules: AlertRuleTable;
  alerts: AlertTable;
  alert_history: AlertHistoryTable;
  alert_channels: AlertChannelTable;
  alert_deliveries: AlertDeliveryTable;
  audit_events: AuditEventTable;
  audit_heads: AuditHeadTable;
  audit_cursors: AuditCursorTable;
  insights: InsightTable;
  feedback: FeedbackTable;
  rule_preferences: RulePreferenceTable;
  budgets: BudgetTable;
  auth_epoch: AuthEpochTable;
  ask_questions: AskQuestionTable;
  report_schedules: ReportScheduleTable;
  report_runs: ReportRunTable;
}

export interface OrganizationTable {
  id: string;
  slug: string;
  name: string;
  status: string;
  /** JSON objects, validated by tenancy/ on the way in. */
  settings: string;
  quotas: string;
  features: string;
  retention: string;
  metadata: string;
  created_at: string;
  updated_at: string;
}

export interface UserTable {
  id: string;
  org_id: string;
  username: string;
  email: string | null;
  display_name: string | null;
  role: string;
  is_operator: number;
  status: string;
  password_hash: string;
  must_change_password: number;
  password_changed_at: string;
  failed_logins: number;
  locked_until: string | null;
  /** TOTP secrets are stored encrypted (auth/secret-box.ts). */
  mfa_secret: string | null;
  mfa_pending_secret: string | null;
  /** Last accepted TOTP time step, so a code cannot be replayed. */
  mfa_last_step: number | null;
  /** JSON array of SHA-256 hashes of unused recovery codes. */
  recovery_codes: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionTable {
  id: string;
  org_id: string;
  user_id: string;
  created_at: string;
  /** Absolute end of the refresh-token family. */
  expires_at: string;
  last_used_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface RefreshTokenTable {
  token_hash: string;
  session_id: string;
  created_at: string;
  used_at: string | null;
}

export interface ApiKeyTable {
  id: string;
  org_id: string;
  user_id: string;
  name: string;
  /** The first characters of the key, to recognise it in a list. */
  prefix: string;
  key_hash: string;
  scopes: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
  /** The key that created this one (null: created by a signed-in user). */
  parent_key_id: string | null;
}

export interface RateLimitTable {
  key: string;
  window_start: string;
  count: number;
  /** The count of the window before `window_start`, for the sliding estimate. */
  prev_count: Generated<number>;
}

/** A lease names the one instance that runs a singleton job (retention, alert evaluation). */
export interface LeaseTable {
  name: string;
  holder: string;
  expires_at: string;
}

export interface DatasetTable {
  id: string;
  org_id: string;
  name: string;
  original_filename: string;
  format: string;
  sheet: string | null;
  platform: string;
  rows: number;
  date_from: string | null;
  date_to: string | null;
  /** JSON: platform detection, mapping, unmapped columns, currencies, sheets, quality report. */
  info: string;
  /** JSON: what the upload asked for (platform, sheet, currency, mapping overrides); replayed on rebuild. */
  options: string;
  /** The upload plus its Parquet file, counted against maxStorageBytes. */
  bytes: number;
  /** The current Parquet version's file name in the dataset's folder; NULL: `data.parquet` (datasets stored before versions). */
  data_file: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface AnalysisTable {
  id: string;
  org_id: string;
  name: string;
  /** JSON array of dataset ids. */
  dataset_ids: string;
  /** JSON: filters, date range, conversion. */
  request: string;
  /** JSON: the stored analysis report. */
  result: string;
  /** JSON: the executive summary (text, source, facts), null for analyses stored before insights existed. */
  summary: string | null;
  created_by: string;
  created_at: string;
}

export interface AlertRuleTable {
  id: string;
  org_id: string;
  name: string;
  metric: string;
  threshold: number;
  /** How long the condition must hold before the alert fires. */
  for_seconds: number;
  /** Fraction below the threshold the value must fall to clear, so a flapping value does not re-fire. */
  hysteresis: number;
  severity: string;
  category: string;
  enabled: number;
  /** Evaluation state, shared by every instance. */
  pending_since: string | null;
  firing: number;
  last_value: number | null;
  updated_at: string;
}

export interface AlertTable {
  id: string;
  org_id: string;
  /** A repeat of an unresolved alert with the same fingerprint increments count instead of opening another. */
  fingerprint: string;
  severity: string;
  category: string;
  title: string;
  message: string;
  status: string;
  count: number;
  first_seen_at: string;
  last_seen_at: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  acknowledge_note: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  /** `manual` or `auto` (the condition cleared). */
  resolution: string | null;
}

export interface AlertHistoryTable {
  id: string;
  alert_id: string;
  at: string;
  event: string;
  actor: string | null;
  note: string | null;
}

export interface AlertChannelTable {
  id: string;
  org_id: string;
  name: string;
  url: string;
  /** The signing secret, sealed (auth/secret-box.ts). */
  secret: string;
  enabled: number;
  created_at: string;
}

export interface AlertDeliveryTable {
  id: string;
  channel_id: string;
  alert_id: string;
  event: string;
  attempt: number;
  /** `delivered` or `failed`. */
  outcome: string;
  response_status: number | null;
  error: string | null;
  at: string;
}

export interface AuditEventTable {
  id: string;
  org_id: string;
  /** Per organisation, gapless from 1. */
  seq: number;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_ip: string | null;
  actor_user_agent: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_name: string | null;
  outcome: string;
  reason: string | null;
  severity: string;
  request_id: string | null;
  /** Canonical JSON (sorted keys): hashed exactly as stored. */
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  org_id: string;
  seq: number;
  hash: string;
  /** The last sequence number moved to archive files (0: none), and its hash. */
  archived_seq: number;
  archived_hash: string;
  mac: string;
}

export interface AuditCursorTable {
  name: string;
  org_id: string;
  /** The last sequence number this reader processed. */
  seq: number;
}

export interface InsightTable {
  id: string;
  org_id: string;
  analysis_id: string;
  /** `insight`, `recommendation` or `anomaly`. */
  kind: string;
  rule_id: string;
  category: string;
  priority: string;
  subject: string;
  title: string;
  sentence: string;
  evidence: string;
  /** Kind-specific JSON: a recommendation's action, impact and assumptions; an anomaly's range. */
  payload: string;
  /** A recommendation's insight. */
  source_id: string | null;
  rank: number;
  score: number;
  suppressed: number;
  created_at: string;
}

export interface FeedbackTable {
  id: string;
  org_id: string;
  user_id: string;
  /** `insight`, `recommendation` or `analysis`. */
  target_type: string;
  target_id: string;
  analysis_id: string;
  rule_id: string | null;
  category: string | null;
  priority: string | null;
  recommendation_type: string | null;
  rating: number | null;
  implemented: number | null;
  effectiveness: number | null;
  actual_impact: number | null;
  measured_value: string | null;
  /** An analysis rating's four scores, JSON. */
  scores: string | null;
  /** Free text (comment, most/least valuable, missing insights), JSON. */
  notes: string;
  created_at: string;
  updated_at: string;
}

export interface RulePreferenceTable {
  org_id: string;
  rule_id: string;
  suppressed_at: string | null;
  restored_at: string | null;
  restored_by: string | null;
}

export interface BudgetTable {
  id: string;
  org_id: string;
  /** `campaign` or `platform`. */
  scope: string;
  name: string;
  amount: number;
  currency: string | null;
  /** YYYY-MM-DD, inclusive. */
  start_date: string;
  end_date: string;
  created_by: string;
  created_at: string;
}

/** One row (id 1): bumped by triggers whenever what a principal is built from changes (0010_perf). */
export interface AuthEpochTable {
  id: number;
  epoch: number;
}

/** A question asked through /api/v1/ask, its reading and answer, and the asker's rating of it (0012_ask_feedback). */
export interface AskQuestionTable {
  id: string;
  org_id: string;
  user_id: string;
  question: string;
  /** The question folded (case, accents, spacing): what a correction is matched on. */
  question_key: string;
  /** JSON: `{datasetIds}` or `{analysisId}`. */
  scope: string;
  /** `answered`, `clarification` or `unreadable`. */
  outcome: string;
  interpretation: string | null;
  /** The structured query it was read as, JSON. */
  query: string | null;
  /** The query with sorted keys: what "others rated this reading wrong" is matched on. */
  query_key: string | null;
  /** The answer as given (sentence, columns, the first rows, chart), JSON. */
  answer: string | null;
  created_at: string;
  /** `useful` or `wrong`; null until rated. */
  rating: string | null;
  comment: string | null;
  /** For a wrong answer: the question reworded so it reads as meant; later askings of the same question in the organisation read this. */
  correction: string | null;
  rated_at: string | null;
}

/** A report an organisation has sent on a cadence (0011_report_schedules). */
export interface ReportScheduleTable {
  id: string;
  org_id: string;
  name: string;
  /** JSON: what to analyse (datasets and options, or the request of a saved analysis). */
  report: string;
  format: string;
  /** JSON: daily, weekly or monthly at a UTC time. */
  cadence: string;
  /** JSON: e-mail recipients or an alert channel. */
  destination: string;
  enabled: number;
  /** When the next attempt is due: the next slot, or a retry of the current one. */
  next_run_at: string;
  /** Failed attempts for the slot being served; 0 when none is pending. */
  attempt: number;
  /** The analysis made for the slot being served, reused by its retries. */
  pending_analysis_id: string | null;
  /** Set while an instance runs the schedule: its claim, which lapses if that instance dies. */
  running_until: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** One attempt to deliver a scheduled report. */
export interface ReportRunTable {
  id: string;
  schedule_id: string;
  org_id: string;
  /** `schedule` or `manual`. */
  trigger: string;
  scheduled_for: string | null;
  attempt: number;
  started_at: string;
  finished_at: string | null;
  /** `running`, `delivered`, `retrying` (failed, will try again) or `failed` (gave up). */
  outcome: string;
  error: string | null;
  bytes: number | null;
  analysis_id: string | null;
}
