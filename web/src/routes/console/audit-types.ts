/** Shapes the audit API serves as open objects (src/audit/event.ts, report.ts, verify.ts, archive.ts), typed for the pages. */
export type Outcome = 'success' | 'failure' | 'denied';
export type Severity = 'info' | 'warning' | 'error' | 'critical';
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface AuditEvent {
  id: string;
  seq: number;
  occurredAt: string;
  actor: {
    type: 'user' | 'api_key' | 'system';
    id: string | null;
    name: string | null;
    ip: string | null;
    userAgent: string | null;
  };
  action: string;
  target: { type: string | null; id: string | null; name: string | null };
  outcome: Outcome;
  reason: string | null;
  severity: Severity;
  requestId: string | null;
  details: { [key: string]: JsonValue };
  hash: string;
}

export interface EventPage {
  items: AuditEvent[];
  nextCursor: string | null;
}

export interface VerifyResult {
  valid: boolean;
  checked: number;
  firstBrokenSeq?: number;
  reason?: string;
  archivesChecked?: number;
}

export interface ComplianceReport {
  from: string;
  to: string;
  generatedAt: string;
  totalEvents: number;
  byAction: Record<string, number>;
  bySeverity: Record<string, number>;
  byOutcome: Record<string, number>;
  uniqueActors: number;
  failedLogins: number;
  lockouts: number;
  securityEvents: number;
  criticalEvents: number;
  crossTenantProbes: number;
  uploads: number;
  exports: number;
  activityByHour: number[];
  mostActiveActors: { type: string; id: string | null; name: string | null; events: number }[];
}

export interface ArchiveManifest {
  file: string;
  fromSeq: number;
  toSeq: number;
  count: number;
  fromTime: string;
  toTime: string;
  sha256: string;
  createdAt: string;
}

/** A change recorded as `details.changes: {field: {from, to}}` (nested one level for per-item changes such as alert rules). */
export interface Change {
  field: string;
  from: JsonValue;
  to: JsonValue;
}

function isRecord(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFromTo(value: JsonValue): value is { from: JsonValue; to: JsonValue } {
  return isRecord(value) && 'from' in value && 'to' in value;
}

export function changesOf(event: AuditEvent): Change[] {
  const changes = event.details.changes;
  if (!isRecord(changes)) return [];
  return Object.entries(changes).flatMap(([field, value]): Change[] => {
    if (isFromTo(value)) return [{ field, from: value.from ?? null, to: value.to ?? null }];
    if (isRecord(value))
      return Object.entries(value)
        .filter(([, inner]) => isFromTo(inner))
        .map(([inner, pair]) => ({
          field: `${field}.${inner}`,
          from: (pair as { from: JsonValue }).from,
          to: (pair as { to: JsonValue }).to,
        }));
    return [];
  });
}

/** A `datetime-local` value (the browser's zone) as the ISO instant the API compares. */
export function instantOf(local: string): string | undefined {
  if (!local) return undefined;
  const parsed = new Date(local);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed.toISOString();
}

export function valueText(value: JsonValue): string {
  if (value === null) return '–';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
