import type { AuditAction, AuditOutcome, AuditSeverity } from './catalog.js';
import type { OrgId } from '../ids.js';

export type ActorType = 'user' | 'api_key' | 'system';

export interface AuditActor {
  readonly type: ActorType;
  readonly id: string | null;
  readonly name: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface AuditTarget {
  readonly type: string;
  readonly id: string | null;
  readonly name?: string | null;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type AuditDetails = { readonly [key: string]: unknown };

/** What a caller says about an event; the recorder adds actor, time, sequence and hashes. */
export interface AuditEntry {
  readonly action: AuditAction;
  /** The organisation whose trail gets the event; the caller's own by default. */
  readonly orgId?: OrgId;
  readonly target?: AuditTarget;
  readonly outcome?: AuditOutcome;
  readonly severity?: AuditSeverity;
  readonly reason?: string;
  readonly details?: AuditDetails;
  /** Who acted, when it is not the caller (a sign-in names the account it tried). */
  readonly actor?: Partial<Pick<AuditActor, 'type' | 'id' | 'name'>>;
}

/** An event as stored and served. */
export interface AuditEvent {
  readonly id: string;
  readonly seq: number;
  readonly occurredAt: string;
  readonly orgId: OrgId;
  readonly actor: AuditActor;
  readonly action: string;
  readonly target: { readonly type: string | null; readonly id: string | null; readonly name: string | null };
  readonly outcome: AuditOutcome;
  readonly reason: string | null;
  readonly severity: AuditSeverity;
  readonly requestId: string | null;
  readonly details: { [key: string]: JsonValue };
  readonly prevHash: string;
  readonly hash: string;
}

/** Keys whose values never enter the trail, at any depth. */
const SECRET_KEY = /pass(word|wd)?|secret|token|hash|^key$|apikey|recovery|totp|otp|credential|authorization|cookie/i;
const MAX_STRING = 2_000;

function clean(value: unknown, depth: number): JsonValue | undefined {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (depth > 6) return '[too deep]';
  if (Array.isArray(value)) return value.slice(0, 200).map((item) => clean(item, depth + 1) ?? null);
  if (typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(value).sort()) {
      if (SECRET_KEY.test(key)) continue;
      const cleaned = clean((value as Record<string, unknown>)[key], depth + 1);
      if (cleaned !== undefined) out[key] = cleaned;
    }
    return out;
  }
  return undefined;
}

/**
 * Details as canonical JSON: keys sorted at every level, secrets dropped by
 * name, long strings cut. The stored text is exactly what the chain hashes.
 */
export function canonicalDetails(details: AuditDetails | undefined): string {
  return JSON.stringify(clean(details ?? {}, 0) ?? {});
}

/** The fields that differ between two snapshots, as `{field: {from, to}}`. */
export function changesBetween<T extends object>(
  before: T,
  after: T,
  fields: readonly (keyof T & string)[],
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of fields) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field]))
      changes[field] = { from: before[field], to: after[field] };
  }
  return changes;
}
