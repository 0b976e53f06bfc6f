import type { NewAlert } from './alerts.js';

/** What the failed-sign-in rule reads of an audit event. */
export interface FailedLogin {
  readonly occurred_at: string;
  readonly target_name: string | null;
  readonly actor_ip: string | null;
}

export interface FailedLoginRule {
  readonly threshold: number;
  readonly windowMinutes: number;
}

type Kind = 'account' | 'address';
const KEYS: readonly [Kind, (row: FailedLogin) => string | null][] = [
  ['account', (row) => row.target_name],
  ['address', (row) => row.actor_ip],
];

/** Each key's failure times, ascending (parsed once). */
function timesByKey(recent: readonly FailedLogin[], of: (row: FailedLogin) => string | null): Map<string, number[]> {
  const times = new Map<string, number[]>();
  for (const row of recent) {
    const key = of(row);
    if (key === null || key === '') continue;
    let list = times.get(key);
    if (list === undefined) times.set(key, (list = []));
    list.push(Date.parse(row.occurred_at));
  }
  for (const list of times.values()) list.sort((a, b) => a - b);
  return times;
}

/** How many of the ascending `times` are ≤ `at`. */
function countUpTo(times: readonly number[], at: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle]! <= at) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Failed sign-ins per account and per address inside the window ending at each fresh failure.
 * `recent` holds every failure the windows can reach (the fresh ones included). The counts are
 * binary searches over each key's sorted times: a flood of n failures costs n log n, where
 * filtering the window for each failure cost n² and stalled the server for seconds.
 */
export function failedLoginAlerts(
  recent: readonly FailedLogin[],
  fresh: readonly FailedLogin[],
  rule: FailedLoginRule,
): NewAlert[] {
  const windowMs = rule.windowMinutes * 60_000;
  const indexes = KEYS.map(([kind, of]) => ({ kind, of, times: timesByKey(recent, of) }));
  // The latest window over the threshold per key; its alert is written once, at the end.
  const latest = new Map<string, { kind: Kind; value: string; count: number; event: FailedLogin }>();
  for (const event of fresh) {
    const end = Date.parse(event.occurred_at);
    for (const { kind, of, times } of indexes) {
      const value = of(event);
      const list = value === null ? undefined : times.get(value);
      if (value === null || list === undefined) continue;
      const count = countUpTo(list, end) - countUpTo(list, end - windowMs);
      if (count >= rule.threshold) latest.set(`${kind}:${value}`, { kind, value, count, event });
    }
  }
  return [...latest.values()].map(({ kind, value, count, event }) => ({
    fingerprint: `security:failed-logins:${kind}:${value}`,
    severity: 'critical',
    category: 'security',
    title: `${count} failed sign-ins for ${kind} ${value} within ${rule.windowMinutes} minutes`,
    message: `At least ${rule.threshold} failed sign-ins for ${kind} "${value}" within ${rule.windowMinutes} minutes (last at ${event.occurred_at}).`,
  }));
}
