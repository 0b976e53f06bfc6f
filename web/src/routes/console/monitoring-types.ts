/** Shapes src/monitoring serves as open objects (system.ts, request-stats.ts, health.ts, alerts/*), typed for the pages. */
export interface SystemSnapshot {
  cpu: { percent: number | null; cores: number; loadAverage: number[] };
  memory: {
    systemTotalBytes: number;
    systemFreeBytes: number;
    systemUsedPercent: number;
    processRssBytes: number;
    processHeapUsedBytes: number;
  };
  disk: { path: string; totalBytes: number; freeBytes: number; usedPercent: number } | null;
  eventLoopLagMs: { p50: number; p99: number; max: number };
  uptimeSeconds: number;
  store: { total: number; idle: number; waiting: number };
}

export interface LatencySummary {
  count: number;
  errorRate: number | null;
  meanMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface RequestReport {
  minutes: number;
  total: number;
  successRate: number | null;
  errorRate: number | null;
  requestsPerSecond: number;
  overall: LatencySummary;
  statusCodes: Record<string, number>;
  routes: (LatencySummary & { route: string })[];
}

export type HealthStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  componentType: string;
  status: HealthStatus;
  time: string;
  durationMs: number;
  output?: string;
  observedValue?: number;
  observedUnit?: string;
}

export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface Alert {
  id: string;
  severity: AlertSeverity;
  category: string;
  title: string;
  message: string;
  status: AlertStatus;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  acknowledged: { by: string; at: string; note: string | null } | null;
  resolved: { by: string | null; at: string; how: 'manual' | 'auto' } | null;
}

export interface AlertHistoryEntry {
  at: string;
  event: 'opened' | 'repeated' | 'acknowledged' | 'resolved' | 'auto_resolved';
  actor: string | null;
  note: string | null;
}

export interface AlertRule {
  id: string;
  name: string;
  metric: string;
  threshold: number;
  forSeconds: number;
  hysteresis: number;
  severity: AlertSeverity;
  category: string;
  enabled: boolean;
  state: { firing: boolean; pendingSince: string | null; lastValue: number | null };
}

export interface Channel {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
  createdAt: string;
}

export interface Delivery {
  alertId: string;
  event: string;
  attempt: number;
  outcome: 'delivered' | 'refused' | 'failed' | 'timeout';
  statusClass: string | null;
  at: string;
}
