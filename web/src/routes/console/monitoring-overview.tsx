import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { messageOf } from '../../api/problem';
import { useAuth } from '../../auth';
import { Button } from '../../components/ui/button';
import { Badge, Card, CardHeader, ErrorNote, PageHeader, Skeleton } from '../../components/ui/card';
import { SelectField } from '../../components/ui/field';
import { formatBytes, formatDateTime, formatNumber } from '../../lib/format';
import type {
  AlertRule,
  AlertSeverity,
  CheckResult,
  HealthStatus,
  RequestReport,
  SystemSnapshot,
} from './monitoring-types';

const Chart = lazy(() => import('../../components/chart'));
const STATUS_TONE = { pass: 'green', warn: 'amber', fail: 'red' } as const;
const time = (iso: string) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const percent = (value: number | null | undefined) =>
  value === null || value === undefined ? '–' : `${formatNumber(value, 1)} %`;
const millis = (value: number | null | undefined) =>
  value === null || value === undefined ? '–' : `${formatNumber(value, value < 10 ? 1 : 0)} ms`;

export function MonitoringPage() {
  const { can } = useAuth();
  return (
    <>
      <PageHeader
        title="Monitoring"
        description="The instance as it runs now: machine, requests, health checks and the rules that raise alerts."
      />
      <div className="space-y-6">
        <SystemSection />
        <RequestsSection />
        <HealthSection />
        {can('alerts:manage') && <RulesSection />}
      </div>
    </>
  );
}

function SystemSection() {
  const system = useQuery({
    queryKey: ['monitoring-system'],
    refetchInterval: 5_000,
    queryFn: async () => (await unwrap(api.GET('/api/v1/monitoring/system'))) as unknown as SystemSnapshot,
  });
  const history = useQuery({
    queryKey: ['monitoring-system-history'],
    refetchInterval: 5_000,
    queryFn: async () => (await unwrap(api.GET('/api/v1/monitoring/system/history'))).items,
  });
  const option = useMemo(() => {
    const items = history.data ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 56, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: items.map((item) => time(item.at)) },
      yAxis: [
        { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
        { type: 'value', min: 0, axisLabel: { formatter: '{value} ms' }, splitLine: { show: false } },
      ],
      series: [
        {
          type: 'line',
          name: 'CPU',
          showSymbol: false,
          data: items.map((item) => item.cpuPercent),
          itemStyle: { color: '#2563eb' },
        },
        {
          type: 'line',
          name: 'Memory',
          showSymbol: false,
          data: items.map((item) => item.memoryUsedPercent),
          itemStyle: { color: '#7c3aed' },
        },
        {
          type: 'line',
          name: 'Disk',
          showSymbol: false,
          data: items.map((item) => item.diskUsedPercent),
          itemStyle: { color: '#0f766e' },
        },
        {
          type: 'line',
          name: 'Event-loop stall',
          yAxisIndex: 1,
          showSymbol: false,
          data: items.map((item) => item.eventLoopDelayMs),
          itemStyle: { color: '#c2410c' },
        },
      ],
    };
  }, [history.data]);
  const snapshot = system.data;
  return (
    <Card>
      <CardHeader
        title="System"
        description="Refreshed every 5 seconds; the chart holds the last ten minutes of samples."
      />
      {system.error ? (
        <div className="p-5">
          <ErrorNote>{messageOf(system.error)}</ErrorNote>
        </div>
      ) : !snapshot ? (
        <Skeleton className="m-5 h-24" />
      ) : (
        <div className="grid grid-cols-2 gap-3 p-5 md:grid-cols-4">
          <Gauge
            label="CPU"
            value={snapshot.cpu.percent}
            detail={`${snapshot.cpu.cores} cores · load ${snapshot.cpu.loadAverage.map((load) => formatNumber(load, 2)).join(' / ')}`}
          />
          <Gauge
            label="Memory"
            value={snapshot.memory.systemUsedPercent}
            detail={`${formatBytes(snapshot.memory.systemTotalBytes - snapshot.memory.systemFreeBytes)} of ${formatBytes(snapshot.memory.systemTotalBytes)} · process ${formatBytes(snapshot.memory.processRssBytes)}`}
          />
          <Gauge
            label="Disk (data)"
            value={snapshot.disk?.usedPercent ?? null}
            detail={
              snapshot.disk
                ? `${formatBytes(snapshot.disk.freeBytes)} free of ${formatBytes(snapshot.disk.totalBytes)}`
                : 'not measurable'
            }
          />
          <div className="rounded-md border border-slate-200 px-4 py-3">
            <p className="text-xs font-medium uppercase tracking-wide text-slate-600">Event-loop lag</p>
            <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">
              {millis(snapshot.eventLoopLagMs.p99)}
            </p>
            <p className="text-xs text-slate-600">
              p99 · median {millis(snapshot.eventLoopLagMs.p50)} · max {millis(snapshot.eventLoopLagMs.max)} · up{' '}
              {formatNumber(snapshot.uptimeSeconds / 3600, 1)} h
            </p>
          </div>
        </div>
      )}
      <div className="px-5 pb-5">
        {history.error ? (
          <ErrorNote>{messageOf(history.error)}</ErrorNote>
        ) : (history.data?.length ?? 0) < 2 ? (
          <p className="text-sm text-slate-600">The history fills as samples come in (one every 5 seconds).</p>
        ) : (
          <Suspense fallback={<Skeleton className="h-[240px] w-full" />}>
            <Chart
              option={option}
              label="CPU, memory and disk use in percent, and event-loop stall in milliseconds, over the last minutes"
              height={240}
            />
          </Suspense>
        )}
      </div>
    </Card>
  );
}

function Gauge({ label, value, detail }: { label: string; value: number | null; detail: string }) {
  const tone =
    value === null ? 'bg-slate-300' : value >= 90 ? 'bg-red-600' : value >= 75 ? 'bg-amber-500' : 'bg-emerald-600';
  return (
    <div className="rounded-md border border-slate-200 px-4 py-3">
      <p className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{percent(value)}</p>
      <div
        className="mt-2 h-2 rounded-full bg-slate-100"
        role="meter"
        aria-label={`${label} used`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value ?? 0}
      >
        <div className={`h-2 rounded-full ${tone}`} style={{ width: `${Math.min(100, value ?? 0)}%` }} />
      </div>
      <p className="mt-1 text-xs text-slate-600">{detail}</p>
    </div>
  );
}

function RequestsSection() {
  const [minutes, setMinutes] = useState(60);
  const report = useQuery({
    queryKey: ['monitoring-requests', minutes],
    refetchInterval: 15_000,
    queryFn: async () =>
      (await unwrap(
        api.GET('/api/v1/monitoring/requests', { params: { query: { minutes } } }),
      )) as unknown as RequestReport,
  });
  const routes = useMemo(
    () => [...(report.data?.routes ?? [])].sort((a, b) => (b.p95Ms ?? 0) - (a.p95Ms ?? 0)),
    [report.data],
  );
  const option = useMemo(() => {
    const top = routes.slice(0, 10).reverse();
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 260, right: 24, top: 32, bottom: 24 },
      xAxis: { type: 'value', axisLabel: { formatter: '{value} ms' } },
      yAxis: {
        type: 'category',
        data: top.map((route) => route.route),
        axisLabel: { fontSize: 11, width: 250, overflow: 'truncate' },
      },
      series: [
        { type: 'bar', name: 'p50', data: top.map((route) => route.p50Ms), itemStyle: { color: '#93c5fd' } },
        { type: 'bar', name: 'p95', data: top.map((route) => route.p95Ms), itemStyle: { color: '#2563eb' } },
        { type: 'bar', name: 'p99', data: top.map((route) => route.p99Ms), itemStyle: { color: '#1e3a8a' } },
      ],
    };
  }, [routes]);
  const data = report.data;
  return (
    <Card>
      <CardHeader
        title="Request latency"
        description={
          data
            ? `${formatNumber(data.total)} requests · ${formatNumber(data.requestsPerSecond, 2)}/s · p95 ${millis(data.overall.p95Ms)} · 5xx ${percent(data.errorRate === null ? null : data.errorRate * 100)}`
            : undefined
        }
        actions={
          <SelectField
            label="Window"
            value={String(minutes)}
            onChange={(event) => setMinutes(Number(event.target.value))}
          >
            <option value="15">Last 15 minutes</option>
            <option value="60">Last hour</option>
            <option value="1440">Last 24 hours</option>
          </SelectField>
        }
      />
      {report.error ? (
        <div className="p-5">
          <ErrorNote>{messageOf(report.error)}</ErrorNote>
        </div>
      ) : !data ? (
        <Skeleton className="m-5 h-40" />
      ) : routes.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-600">No request in this window.</p>
      ) : (
        <>
          <div className="p-4">
            <Suspense fallback={<Skeleton className="h-[300px] w-full" />}>
              <Chart
                option={option}
                label="p50, p95 and p99 latency of the ten slowest routes"
                height={Math.max(200, Math.min(10, routes.length) * 36 + 60)}
              />
            </Suspense>
          </div>
          <div className="max-h-96 overflow-auto" tabIndex={0} role="region" aria-label="Latency per route, scrollable">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Latency per route</caption>
              <thead className="sticky top-0 border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-2">
                    Route
                  </th>
                  <th scope="col" className="px-4 py-2 text-right">
                    Requests
                  </th>
                  <th scope="col" className="px-4 py-2 text-right">
                    p50
                  </th>
                  <th scope="col" className="px-4 py-2 text-right">
                    p95
                  </th>
                  <th scope="col" className="px-4 py-2 text-right">
                    p99
                  </th>
                  <th scope="col" className="px-4 py-2 text-right">
                    5xx
                  </th>
                </tr>
              </thead>
              <tbody>
                {routes.map((route) => (
                  <tr key={route.route} className="border-b border-slate-100">
                    <td className="px-4 py-1.5 font-mono text-xs">{route.route}</td>
                    <td className="px-4 py-1.5 text-right tabular-nums">{formatNumber(route.count)}</td>
                    <td className="px-4 py-1.5 text-right tabular-nums">{millis(route.p50Ms)}</td>
                    <td className="px-4 py-1.5 text-right tabular-nums">{millis(route.p95Ms)}</td>
                    <td className="px-4 py-1.5 text-right tabular-nums">{millis(route.p99Ms)}</td>
                    <td className="px-4 py-1.5 text-right tabular-nums">
                      {percent(route.errorRate === null ? null : route.errorRate * 100)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Card>
  );
}

function HealthSection() {
  const health = useQuery({
    queryKey: ['monitoring-health'],
    refetchInterval: 15_000,
    queryFn: async () =>
      ((await unwrap(api.GET('/api/v1/monitoring/health'))) as unknown as { checks: Record<string, CheckResult[]> })
        .checks,
  });
  return (
    <Card>
      <CardHeader
        title="Health checks"
        description="Each check's latest result and its recent history, oldest on the left."
      />
      {health.error ? (
        <div className="p-5">
          <ErrorNote>{messageOf(health.error)}</ErrorNote>
        </div>
      ) : !health.data ? (
        <Skeleton className="m-5 h-24" />
      ) : (
        <ul className="divide-y divide-slate-100">
          {Object.entries(health.data).map(([name, results]) => {
            const latest = results[0];
            const counts = (['pass', 'warn', 'fail'] as const).map(
              (status) => [status, results.filter((result) => result.status === status).length] as const,
            );
            return (
              <li key={name} className="flex flex-wrap items-center gap-4 px-5 py-3">
                <div className="w-40">
                  <p className="font-medium text-slate-900">{name}</p>
                  <p className="text-xs text-slate-600">{latest ? formatDateTime(latest.time) : 'not run yet'}</p>
                </div>
                {latest && <Badge tone={STATUS_TONE[latest.status]}>{latest.status}</Badge>}
                <p className="min-w-48 flex-1 text-sm text-slate-700">
                  {latest?.output ??
                    (latest?.observedValue !== undefined
                      ? `${formatNumber(latest.observedValue, 1)} ${latest.observedUnit ?? ''}`
                      : '')}
                </p>
                <div
                  className="flex items-center gap-0.5"
                  aria-label={`History of ${name}: ${counts.map(([status, count]) => `${count} ${status}`).join(', ')}`}
                  role="img"
                >
                  {[...results].reverse().map((result) => (
                    <span
                      key={result.time}
                      title={`${formatDateTime(result.time)}: ${result.status}`}
                      className={`h-5 w-1.5 rounded-sm ${statusColour(result.status)}`}
                    />
                  ))}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}

const statusColour = (status: HealthStatus) =>
  status === 'pass' ? 'bg-emerald-500' : status === 'warn' ? 'bg-amber-400' : 'bg-red-600';

type RuleDraft = Pick<AlertRule, 'threshold' | 'forSeconds' | 'hysteresis' | 'severity' | 'enabled'>;

function RulesSection() {
  const queryClient = useQueryClient();
  const rules = useQuery({
    queryKey: ['alert-rules'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/alerts/rules'))).items as unknown as AlertRule[],
  });
  const [drafts, setDrafts] = useState<Record<string, RuleDraft>>({});
  const save = useMutation({
    mutationFn: async () => {
      const changed = Object.entries(drafts).map(([metric, draft]) => ({ metric: metric as 'cpu_percent', ...draft }));
      return unwrap(api.PUT('/api/v1/alerts/rules', { body: { rules: changed } }));
    },
    onSuccess: async () => {
      setDrafts({});
      await queryClient.invalidateQueries({ queryKey: ['alert-rules'] });
    },
  });
  const edit = (rule: AlertRule, patch: Partial<RuleDraft>) =>
    setDrafts((current) => {
      const base = current[rule.metric] ?? {
        threshold: rule.threshold,
        forSeconds: rule.forSeconds,
        hysteresis: rule.hysteresis,
        severity: rule.severity,
        enabled: rule.enabled,
      };
      return { ...current, [rule.metric]: { ...base, ...patch } };
    });
  const dirty = Object.keys(drafts).length > 0;
  const input = 'w-24 rounded-md border border-slate-300 px-2 py-1 text-right text-sm tabular-nums';
  return (
    <Card>
      <CardHeader
        title="Alert rules"
        description="A rule fires when its metric stays above the threshold for the given time, and clears once it falls below the threshold less the hysteresis."
        actions={
          <div className="flex gap-2">
            {dirty && (
              <Button variant="secondary" onClick={() => setDrafts({})}>
                Discard
              </Button>
            )}
            <Button onClick={() => save.mutate()} disabled={!dirty || save.isPending}>
              {save.isPending ? 'Saving…' : 'Save rules'}
            </Button>
          </div>
        }
      />
      {save.error && (
        <div className="px-5 pt-4">
          <ErrorNote>{messageOf(save.error)}</ErrorNote>
        </div>
      )}
      {rules.error ? (
        <div className="p-5">
          <ErrorNote>{messageOf(rules.error)}</ErrorNote>
        </div>
      ) : !rules.data ? (
        <Skeleton className="m-5 h-32" />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Alert rules</caption>
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2">
                  Rule
                </th>
                <th scope="col" className="px-4 py-2">
                  Threshold
                </th>
                <th scope="col" className="px-4 py-2">
                  For (s)
                </th>
                <th scope="col" className="px-4 py-2">
                  Hysteresis
                </th>
                <th scope="col" className="px-4 py-2">
                  Severity
                </th>
                <th scope="col" className="px-4 py-2">
                  On
                </th>
                <th scope="col" className="px-4 py-2">
                  Now
                </th>
              </tr>
            </thead>
            <tbody>
              {rules.data.map((rule) => {
                const value = drafts[rule.metric] ?? rule;
                return (
                  <tr key={rule.id} className="border-b border-slate-100">
                    <td className="px-4 py-2">
                      <p className="font-medium text-slate-900">{rule.name}</p>
                      <p className="font-mono text-xs text-slate-600">{rule.metric}</p>
                    </td>
                    <td className="px-4 py-2">
                      <input
                        aria-label={`Threshold of ${rule.name}`}
                        type="number"
                        min={0}
                        step="any"
                        className={input}
                        value={value.threshold}
                        onChange={(event) => edit(rule, { threshold: Number(event.target.value) })}
                      />
                    </td>
                    <td className="px-4 py-2">
                      <input
                        aria-label={`Duration of ${rule.name} in seconds`}
                        type="number"
                        min={0}
                        max={86400}
                        step={1}
                        className={input}
                        value={value.forSeconds}
                        onChange={(event) => edit(rule, { forSeconds: Number(event.target.value) })}
                      />
                    </td>
                    <td className="px-4 py-2">
                      <input
                        aria-label={`Hysteresis of ${rule.name}`}
                        type="number"
                        min={0}
                        max={0.9}
                        step={0.01}
                        className={input}
                        value={value.hysteresis}
                        onChange={(event) => edit(rule, { hysteresis: Number(event.target.value) })}
                      />
                    </td>
                    <td className="px-4 py-2">
                      <select
                        aria-label={`Severity of ${rule.name}`}
                        className="rounded-md border border-slate-300 px-2 py-1 text-sm"
                        value={value.severity}
                        onChange={(event) => edit(rule, { severity: event.target.value as AlertSeverity })}
                      >
                        <option value="info">info</option>
                        <option value="warning">warning</option>
                        <option value="critical">critical</option>
                      </select>
                    </td>
                    <td className="px-4 py-2">
                      <input
                        aria-label={`${rule.name} enabled`}
                        type="checkbox"
                        className="h-4 w-4"
                        checked={value.enabled}
                        onChange={(event) => edit(rule, { enabled: event.target.checked })}
                      />
                    </td>
                    <td className="px-4 py-2">
                      {rule.state.firing ? (
                        <Badge tone="red">firing</Badge>
                      ) : rule.state.pendingSince ? (
                        <Badge tone="amber">pending</Badge>
                      ) : (
                        <Badge tone="green">ok</Badge>
                      )}
                      <span className="ml-2 tabular-nums text-slate-600">
                        {rule.state.lastValue === null ? '' : formatNumber(rule.state.lastValue, 1)}
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
