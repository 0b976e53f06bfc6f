/**
 * Every action the audit trail records: the one documented list. A route
 * declares the actions it may record (server/access.ts `audit`), and a
 * recorder refuses an action its route did not declare.
 */
export type AuditSeverity = 'info' | 'warning' | 'error' | 'critical';
export type AuditCategory =
  'auth' | 'users' | 'organization' | 'data' | 'analysis' | 'access' | 'audit' | 'operations' | 'alerts' | 'feedback';

interface ActionInfo {
  readonly category: AuditCategory;
  /** The severity of a successful event; refusals and failures raise it (see severityFor). */
  readonly severity: AuditSeverity;
  readonly description: string;
}

export const AUDIT_CATALOG = {
  'auth.login.succeeded': { category: 'auth', severity: 'info', description: 'A user signed in.' },
  'auth.login.failed': {
    category: 'auth',
    severity: 'warning',
    description: 'A sign-in was refused (the reason is recorded, never shown to the caller).',
  },
  'auth.account.locked': { category: 'auth', severity: 'warning', description: 'Repeated failures locked an account.' },
  'auth.logout': { category: 'auth', severity: 'info', description: 'A user ended one session, or all of theirs.' },
  'auth.session.refreshed': {
    category: 'auth',
    severity: 'info',
    description: 'A refresh token was exchanged for new tokens.',
  },
  'auth.session.revoked': {
    category: 'auth',
    severity: 'info',
    description: 'A user ended another of their sessions.',
  },
  'auth.refresh_token.reused': {
    category: 'auth',
    severity: 'critical',
    description: 'A used refresh token came back: its whole session was revoked.',
  },
  'auth.password.changed': { category: 'auth', severity: 'info', description: 'A user changed their password.' },
  'auth.password.reset': { category: 'auth', severity: 'warning', description: 'An admin issued a one-time password.' },
  'auth.mfa.setup_started': { category: 'auth', severity: 'info', description: 'A user started TOTP enrolment.' },
  'auth.mfa.enabled': { category: 'auth', severity: 'info', description: 'A user turned TOTP on.' },
  'auth.mfa.disabled': { category: 'auth', severity: 'warning', description: 'A user turned TOTP off.' },
  'user.created': { category: 'users', severity: 'info', description: 'A user was created.' },
  'user.updated': {
    category: 'users',
    severity: 'info',
    description: "A user's email or display name changed (from/to).",
  },
  'user.role_changed': {
    category: 'users',
    severity: 'warning',
    description: "A user's role, and so their permissions, changed (from/to).",
  },
  'user.deactivated': {
    category: 'users',
    severity: 'warning',
    description: 'A user was deactivated; their sessions ended.',
  },
  'user.reactivated': { category: 'users', severity: 'info', description: 'A user was reactivated.' },
  'api_key.created': {
    category: 'users',
    severity: 'info',
    description: 'An API key was created (its secret is never recorded).',
  },
  'api_key.revoked': { category: 'users', severity: 'info', description: 'An API key was revoked.' },
  'api.call': {
    category: 'access',
    severity: 'info',
    description: 'A request made with an API key: route, status and duration.',
  },
  'org.created': { category: 'organization', severity: 'info', description: 'An organisation was created.' },
  'org.updated': {
    category: 'organization',
    severity: 'info',
    description: "An organisation's name or metadata changed (from/to).",
  },
  'org.settings_changed': {
    category: 'organization',
    severity: 'warning',
    description: "An organisation's settings, quotas, features or retention changed (from/to).",
  },
  'org.suspended': {
    category: 'organization',
    severity: 'critical',
    description: 'An organisation was suspended: its sessions and keys stopped.',
  },
  'org.reactivated': { category: 'organization', severity: 'warning', description: 'An organisation was reactivated.' },
  'quota.exceeded': {
    category: 'access',
    severity: 'warning',
    description: 'A request was refused because it would pass a quota.',
  },
  'feature.denied': {
    category: 'access',
    severity: 'warning',
    description: 'A request asked for a feature the organisation has disabled.',
  },
  'access.denied': {
    category: 'access',
    severity: 'warning',
    description: 'A request was refused: no valid credentials (401) or not allowed (403).',
  },
  'access.not_found': {
    category: 'access',
    severity: 'info',
    description: "A request named an id that does not exist here; warning when it is another organisation's.",
  },
  'dataset.uploaded': { category: 'data', severity: 'info', description: 'A file was ingested into a dataset.' },
  'dataset.mapping_changed': {
    category: 'data',
    severity: 'info',
    description: "A dataset's column mapping was overridden and the dataset rebuilt (from/to).",
  },
  'dataset.deleted': { category: 'data', severity: 'info', description: 'A dataset and its file were deleted.' },
  'analysis.created': { category: 'analysis', severity: 'info', description: 'An analysis was computed and stored.' },
  'llm.summary_rejected': {
    category: 'analysis',
    severity: 'warning',
    description:
      'An LLM summary was refused (it cited a number not among the facts, or the endpoint failed); the deterministic one was used.',
  },
  'analysis.viewed': { category: 'analysis', severity: 'info', description: 'A stored analysis was read.' },
  'analysis.exported': { category: 'analysis', severity: 'info', description: 'An analysis was downloaded as a file.' },
  'analysis.deleted': { category: 'analysis', severity: 'info', description: 'An analysis was deleted.' },
  'analysis.question_asked': {
    category: 'analysis',
    severity: 'info',
    description: 'A question was asked of some datasets: its text, how it was read, and whether it was answered.',
  },
  'analysis.answer_rated': {
    category: 'feedback',
    severity: 'info',
    description: 'A user rated the answer to their question useful or wrong (with a correction, when given).',
  },
  'audit.read': {
    category: 'audit',
    severity: 'info',
    description: 'Someone read the audit trail, its report or its verification.',
  },
  'audit.exported': { category: 'audit', severity: 'warning', description: 'Someone exported the audit trail.' },
  'audit.archived': { category: 'audit', severity: 'info', description: 'Old events moved into an archive file.' },
  'audit.chain_broken': {
    category: 'audit',
    severity: 'critical',
    description: 'Verification found the chain altered.',
  },
  'retention.run': {
    category: 'operations',
    severity: 'info',
    description: "Retention removed the organisation's expired data.",
  },
  'alert.raised': { category: 'alerts', severity: 'warning', description: 'An alert was opened by hand.' },
  'alert.acknowledged': { category: 'alerts', severity: 'info', description: 'An alert was acknowledged.' },
  'alert.resolved': { category: 'alerts', severity: 'info', description: 'An alert was resolved.' },
  'alert.rules_changed': { category: 'alerts', severity: 'warning', description: 'Alert rules were edited (from/to).' },
  'alert.channel_created': {
    category: 'alerts',
    severity: 'info',
    description: 'A webhook channel was added (its secret is never recorded).',
  },
  'alert.channel_deleted': { category: 'alerts', severity: 'info', description: 'A webhook channel was removed.' },
  'alert.channel_tested': {
    category: 'alerts',
    severity: 'info',
    description: 'A test event was sent to a webhook channel (its outcome and status class recorded).',
  },
  'security.alert': {
    category: 'alerts',
    severity: 'critical',
    description: 'A security alert rule fired for this organisation.',
  },
  'budget.created': { category: 'data', severity: 'info', description: 'Budgets were added (one, or a CSV of them).' },
  'budget.deleted': { category: 'data', severity: 'info', description: 'A budget was deleted.' },
  'budget.updated': { category: 'data', severity: 'info', description: 'A budget was changed (its changes from/to).' },
  'feedback.given': {
    category: 'feedback',
    severity: 'info',
    description: 'A user rated an insight, a recommendation or an analysis.',
  },
  'feedback.removed': {
    category: 'feedback',
    severity: 'info',
    description: 'A user withdrew their rating of an insight.',
  },
  'feedback.exported': { category: 'feedback', severity: 'info', description: 'Someone exported the feedback.' },
  'insight.rule_suppressed': {
    category: 'feedback',
    severity: 'warning',
    description: 'Consistently low ratings suppressed an insight rule for the organisation.',
  },
  'insight.rule_restored': {
    category: 'feedback',
    severity: 'warning',
    description: 'An admin restored a suppressed insight rule.',
  },
  'report.schedule_created': {
    category: 'analysis',
    severity: 'info',
    description: 'A report schedule was created: what it analyses, how often, the format and where it goes.',
  },
  'report.schedule_updated': {
    category: 'analysis',
    severity: 'info',
    description: 'A report schedule changed (from/to).',
  },
  'report.schedule_deleted': {
    category: 'analysis',
    severity: 'info',
    description: 'A report schedule and its run history were deleted.',
  },
  'report.run_requested': {
    category: 'analysis',
    severity: 'info',
    description: 'Someone ran a report schedule by hand, outside its cadence.',
  },
  'report.delivered': {
    category: 'analysis',
    severity: 'info',
    description: 'A scheduled report was analysed, rendered and delivered (by e-mail or webhook).',
  },
  'report.delivery_failed': {
    category: 'analysis',
    severity: 'warning',
    description:
      'A scheduled report could not be analysed, rendered or delivered; the run history says whether it will be retried.',
  },
  error: { category: 'operations', severity: 'error', description: 'A request failed with a server error (5xx).' },
} as const satisfies Record<string, ActionInfo>;

export type AuditAction = keyof typeof AUDIT_CATALOG;
export const AUDIT_ACTIONS = Object.keys(AUDIT_CATALOG) as AuditAction[];

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_CATALOG, value);
}

export type AuditOutcome = 'success' | 'failure' | 'denied';

const RANK: Record<AuditSeverity, number> = { info: 0, warning: 1, error: 2, critical: 3 };

/** A refusal or failure is at least a warning; the catalog's level otherwise. */
export function severityFor(action: AuditAction, outcome: AuditOutcome): AuditSeverity {
  const base: AuditSeverity = AUDIT_CATALOG[action].severity;
  return outcome !== 'success' && RANK[base] < RANK.warning ? 'warning' : base;
}
