import { describe, expect, it } from 'vitest';
import { nextOccurrence, type Cadence } from '../../src/report-schedules/cadence.js';

const next = (cadence: Cadence, after: string) => nextOccurrence(cadence, new Date(after)).toISOString();

describe('report cadence (UTC)', () => {
  it('daily: later today, or tomorrow once the time has come (a run exactly at the time is not repeated)', () => {
    expect(next({ kind: 'daily', time: '09:30' }, '2026-03-02T08:00:00.000Z')).toBe('2026-03-02T09:30:00.000Z');
    expect(next({ kind: 'daily', time: '09:30' }, '2026-03-02T09:30:00.000Z')).toBe('2026-03-03T09:30:00.000Z');
    expect(next({ kind: 'daily', time: '00:00' }, '2026-12-31T23:59:59.999Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next({ kind: 'daily', time: '23:59' }, '2028-02-28T23:59:00.000Z')).toBe('2028-02-29T23:59:00.000Z');
  });

  it('weekly: the weekday ahead, wrapping past Saturday, and a week later on the day itself once the time has passed', () => {
    // 2026-03-07 is a Saturday.
    expect(next({ kind: 'weekly', weekday: 'monday', time: '08:00' }, '2026-03-07T12:00:00.000Z')).toBe(
      '2026-03-09T08:00:00.000Z',
    );
    expect(next({ kind: 'weekly', weekday: 'sunday', time: '08:00' }, '2026-03-07T12:00:00.000Z')).toBe(
      '2026-03-08T08:00:00.000Z',
    );
    expect(next({ kind: 'weekly', weekday: 'saturday', time: '13:00' }, '2026-03-07T12:00:00.000Z')).toBe(
      '2026-03-07T13:00:00.000Z',
    );
    expect(next({ kind: 'weekly', weekday: 'saturday', time: '12:00' }, '2026-03-07T12:00:00.000Z')).toBe(
      '2026-03-14T12:00:00.000Z',
    );
    expect(next({ kind: 'weekly', weekday: 'friday', time: '06:00' }, '2026-12-31T07:00:00.000Z')).toBe(
      '2027-01-01T06:00:00.000Z',
    );
  });

  it('monthly: day 29-31 means the last day of a shorter month, and the day comes back in full months', () => {
    expect(next({ kind: 'monthly', day: 31, time: '06:00' }, '2026-01-31T06:00:00.000Z')).toBe(
      '2026-02-28T06:00:00.000Z',
    );
    expect(next({ kind: 'monthly', day: 31, time: '06:00' }, '2028-02-01T00:00:00.000Z')).toBe(
      '2028-02-29T06:00:00.000Z',
    );
    expect(next({ kind: 'monthly', day: 29, time: '06:00' }, '2027-02-10T00:00:00.000Z')).toBe(
      '2027-02-28T06:00:00.000Z',
    );
    expect(next({ kind: 'monthly', day: 31, time: '06:00' }, '2026-02-28T06:00:00.000Z')).toBe(
      '2026-03-31T06:00:00.000Z',
    );
    expect(next({ kind: 'monthly', day: 31, time: '06:00' }, '2026-04-15T00:00:00.000Z')).toBe(
      '2026-04-30T06:00:00.000Z',
    );
    expect(next({ kind: 'monthly', day: 1, time: '00:00' }, '2026-12-01T00:00:00.000Z')).toBe(
      '2027-01-01T00:00:00.000Z',
    );
    expect(next({ kind: 'monthly', day: 15, time: '10:00' }, '2026-12-15T09:59:00.000Z')).toBe(
      '2026-12-15T10:00:00.000Z',
    );
  });

  it('keeps to UTC across the European and American daylight-saving changes', () => {
    expect(next({ kind: 'daily', time: '01:30' }, '2026-03-29T00:00:00.000Z')).toBe('2026-03-29T01:30:00.000Z');
    expect(next({ kind: 'daily', time: '01:30' }, '2026-03-29T01:30:00.000Z')).toBe('2026-03-30T01:30:00.000Z');
    expect(next({ kind: 'weekly', weekday: 'sunday', time: '02:30' }, '2026-11-01T00:00:00.000Z')).toBe(
      '2026-11-01T02:30:00.000Z',
    );
  });
});
