import { describe, expect, it } from 'vitest';
import { failedLoginAlerts, type FailedLogin } from '../../src/monitoring/alerts/failed-logins.js';

const RULE = { threshold: 3, windowMinutes: 5 };
const START = Date.parse('2026-05-01T09:00:00Z');
const at = (seconds: number, account: string | null, address: string | null = '10.0.0.1'): FailedLogin => ({
  occurred_at: new Date(START + seconds * 1000).toISOString(),
  target_name: account,
  actor_ip: address,
});
const fingerprints = (recent: FailedLogin[], fresh = recent) =>
  failedLoginAlerts(recent, fresh, RULE)
    .map((alert) => alert.fingerprint)
    .sort();

describe('the failed sign-in rule', () => {
  it('counts a failure exactly one window before the last as outside it', () => {
    const edge = [at(0, 'ann', null), at(150, 'ann', null), at(300, 'ann', null)];
    expect(fingerprints(edge)).toEqual([]);
    const inside = [at(1, 'ann', null), at(150, 'ann', null), at(300, 'ann', null)];
    expect(fingerprints(inside)).toEqual(['security:failed-logins:account:ann']);
  });

  it('never counts a failure after the one whose window it is', () => {
    const recent = [at(0, 'bob'), at(10, 'bob'), at(20, 'bob')];
    // Only the first two are fresh: the third is later than both, so no window holds three.
    expect(fingerprints(recent, recent.slice(0, 2))).toEqual([]);
    expect(fingerprints(recent, recent.slice(2))).toEqual([
      'security:failed-logins:account:bob',
      'security:failed-logins:address:10.0.0.1',
    ]);
  });

  it('counts accounts and addresses apart, and skips missing ones', () => {
    const recent = [at(0, 'ann', '10.0.0.1'), at(1, 'bob', '10.0.0.1'), at(2, null, '10.0.0.1'), at(3, '', null)];
    expect(fingerprints(recent)).toEqual(['security:failed-logins:address:10.0.0.1']);
  });

  it('names the count of the latest window in the alert', () => {
    const recent = [at(0, 'ann'), at(1, 'ann'), at(2, 'ann'), at(3, 'ann'), at(400, 'ann')];
    const alerts = failedLoginAlerts(recent, recent, RULE);
    const account = alerts.find((alert) => alert.fingerprint.endsWith('account:ann'));
    // The last failure's window holds it alone, so the alert keeps the count of the one before.
    expect(account?.title).toBe('4 failed sign-ins for account ann within 5 minutes');
  });

  it('reads a flood of failures from one address as one alert with its full count', () => {
    const flood = Array.from({ length: 5_000 }, (_, i) => at(i * 0.05, `storm-${i}`, '10.9.9.9'));
    const alerts = failedLoginAlerts(flood, flood, RULE);
    expect(alerts.map((alert) => alert.title)).toEqual(['5000 failed sign-ins for address 10.9.9.9 within 5 minutes']);
  });
});
