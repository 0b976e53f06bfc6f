import { useMutation, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { lazy, Suspense, useMemo, useState, type FormEvent } from 'react';
import { api, download, unwrap } from '../../api/client';
import { messageOf } from '../../api/problem';
import { Button } from '../../components/ui/button';
import { Card, CardHeader, EmptyState, ErrorNote, PageHeader, Skeleton } from '../../components/ui/card';
import { SelectField, TextField } from '../../components/ui/field';
import { formatDate, formatDateTime, formatNumber } from '../../lib/format';
import type { ArchiveManifest, ComplianceReport } from './audit-types';

const Chart = lazy(() => import('../../components/chart'));
type ExportFormat = 'csv' | 'xlsx' | 'json' | 'jsonl';
const linkButton =
  'inline-flex h-9 items-center rounded-md border border-slate-300 bg-white px-4 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50';

const day = (date: Date) => date.toISOString().slice(0, 10);
/** `to` is exclusive on the server: the period's last day is included by asking up to the next midnight. */
const nextDay = (date: string) => day(new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000));

function rangeQuery(from: string, to: string) {
  return { ...(from ? { from } : {}), ...(to ? { to: nextDay(to) } : {}) };
}

export function AuditReportPage() {
  const today = new Date();
  const [draft, setDraft] = useState({ from: day(new Date(today.getTime() - 29 * 86_400_000)), to: day(today) });
  const [range, setRange] = useState(draft);
  const [exportFormat, setExportFormat] = useState<ExportFormat>('csv');
  const report = useQuery({
    queryKey: ['audit-report', range],
    queryFn: async () =>
      (await unwrap(
        api.GET('/api/v1/audit/report', { params: { query: { ...rangeQuery(range.from, range.to), format: 'json' } } }),
      )) as unknown as ComplianceReport,
  });
  const archives = useQuery({
    queryKey: ['audit-archives'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/audit/archives'))).items as unknown as ArchiveManifest[],
  });
  const fetchFile = useMutation({ mutationFn: ({ url, name }: { url: string; name: string }) => download(url, name) });
  const params = (extra: Record<string, string>) =>
    new URLSearchParams({ ...rangeQuery(range.from, range.to), ...extra }).toString();
  const badRange = draft.from !== '' && draft.to !== '' && draft.from > draft.to;

  const run = (event: FormEvent) => {
    event.preventDefault();
    if (!badRange) setRange(draft);
  };

  return (
    <>
      <PageHeader
        title="Compliance report"
        description="What happened in your organisation over a period: activity, sign-in failures, lockouts, probes from other organisations."
        actions={
          <Link to="/console/audit" className={linkButton}>
            Back to the trail
          </Link>
        }
      />
      <Card className="mb-6 p-5">
        <form onSubmit={run} aria-label="Report period" className="flex flex-wrap items-end gap-4">
          <TextField
            label="From (UTC day)"
            type="date"
            value={draft.from}
            onChange={(event) => setDraft({ ...draft, from: event.target.value })}
          />
          <TextField
            label="To (UTC day, included)"
            type="date"
            value={draft.to}
            error={badRange ? 'The period ends before it starts.' : undefined}
            onChange={(event) => setDraft({ ...draft, to: event.target.value })}
          />
          <Button type="submit" disabled={badRange}>
            Show report
          </Button>
          <div className="ml-auto flex gap-2">
            <Button
              variant="secondary"
              onClick={() =>
                fetchFile.mutate({ url: `/api/v1/audit/report?${params({ format: 'csv' })}`, name: 'audit-report.csv' })
              }
            >
              Download CSV
            </Button>
            <Button
              variant="secondary"
              onClick={() =>
                fetchFile.mutate({
                  url: `/api/v1/audit/report?${params({ format: 'xlsx' })}`,
                  name: 'audit-report.xlsx',
                })
              }
            >
              Download XLSX
            </Button>
          </div>
        </form>
      </Card>
      {fetchFile.error && <ErrorNote>{messageOf(fetchFile.error)}</ErrorNote>}

      {report.isPending ? (
        <Skeleton className="h-64 w-full" />
      ) : report.error ? (
        <ErrorNote>{messageOf(report.error)}</ErrorNote>
      ) : (
        <ReportView report={report.data} />
      )}

      <Card className="mt-6">
        <CardHeader
          title="Export the trail"
          description="Every event of the period above, streamed as a file. Cells are neutralised against spreadsheet formulas."
        />
        <div className="flex flex-wrap items-end gap-4 px-5 py-4">
          <SelectField
            label="Format"
            value={exportFormat}
            onChange={(event) => setExportFormat(event.target.value as ExportFormat)}
          >
            <option value="csv">CSV</option>
            <option value="xlsx">Excel (XLSX)</option>
            <option value="json">JSON</option>
            <option value="jsonl">JSON Lines</option>
          </SelectField>
          <Button
            onClick={() =>
              fetchFile.mutate({
                url: `/api/v1/audit/export?${params({ format: exportFormat })}`,
                name: `audit.${exportFormat}`,
              })
            }
            disabled={fetchFile.isPending}
          >
            {fetchFile.isPending ? 'Preparing…' : 'Export events'}
          </Button>
        </div>
      </Card>

      <Card className="mt-6">
        <CardHeader
          title="Archives"
          description="Events older than the retention period move to sealed, compressed files; the explorer reads them when you include archived events."
        />
        {archives.isPending ? (
          <Skeleton className="m-5 h-16" />
        ) : archives.error ? (
          <div className="p-5">
            <ErrorNote>{messageOf(archives.error)}</ErrorNote>
          </div>
        ) : archives.data.length === 0 ? (
          <p className="px-5 py-4 text-sm text-slate-600">No archive yet: every event is still in the database.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Archive files</caption>
              <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-2">
                    File
                  </th>
                  <th scope="col" className="px-4 py-2">
                    Sequence
                  </th>
                  <th scope="col" className="px-4 py-2 text-right">
                    Events
                  </th>
                  <th scope="col" className="px-4 py-2">
                    Period
                  </th>
                  <th scope="col" className="px-4 py-2">
                    Archived
                  </th>
                </tr>
              </thead>
              <tbody>
                {archives.data.map((item) => (
                  <tr key={item.file} className="border-b border-slate-100">
                    <td className="px-4 py-2 font-mono text-xs">{item.file}</td>
                    <td className="px-4 py-2 tabular-nums">
                      {item.fromSeq}–{item.toSeq}
                    </td>
                    <td className="px-4 py-2 text-right tabular-nums">{formatNumber(item.count)}</td>
                    <td className="px-4 py-2">
                      {formatDate(item.fromTime)} – {formatDate(item.toTime)}
                    </td>
                    <td className="px-4 py-2">{formatDateTime(item.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}

function ReportView({ report }: { report: ComplianceReport }) {
  const tiles = [
    ['Events', report.totalEvents],
    ['Distinct actors', report.uniqueActors],
    ['Failed sign-ins', report.failedLogins],
    ['Lockouts', report.lockouts],
    ['Cross-tenant probes', report.crossTenantProbes],
    ['Security events', report.securityEvents],
    ['Critical events', report.criticalEvents],
    ['Exports', report.exports],
  ] as const;
  const actions = useMemo(
    () =>
      Object.entries(report.byAction)
        .sort(([, a], [, b]) => b - a)
        .slice(0, 15)
        .reverse(),
    [report],
  );
  const hourly = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: report.activityByHour.map((_, hour) => `${String(hour).padStart(2, '0')}:00`) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'bar', name: 'Events', barMaxWidth: 24, data: report.activityByHour, itemStyle: { color: '#2563eb' } },
      ],
    }),
    [report],
  );
  const byAction = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 170, right: 24, top: 8, bottom: 24 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: {
        type: 'category',
        data: actions.map(([action]) => action),
        axisLabel: { fontFamily: 'monospace', fontSize: 11 },
      },
      series: [
        { type: 'bar', name: 'Events', data: actions.map(([, count]) => count), itemStyle: { color: '#0f766e' } },
      ],
    }),
    [actions],
  );
  const security = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: ['Failed sign-ins', 'Lockouts', 'Cross-tenant probes'] },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          type: 'bar',
          name: 'Events',
          barMaxWidth: 64,
          data: [report.failedLogins, report.lockouts, report.crossTenantProbes],
          itemStyle: { color: '#b91c1c' },
        },
      ],
    }),
    [report],
  );
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-600">
        {formatDateTime(report.from)} to {formatDateTime(report.to)} (end excluded) · generated{' '}
        {formatDateTime(report.generatedAt)}
      </p>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        {tiles.map(([label, value]) => (
          <Card key={label} className="px-4 py-3" role="group" aria-label={label}>
            <p className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</p>
            <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{formatNumber(value)}</p>
          </Card>
        ))}
      </div>
      {report.totalEvents === 0 ? (
        <EmptyState title="Nothing happened in this period">Choose a longer or more recent period.</EmptyState>
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          <Card>
            <CardHeader title="Activity by hour of day (UTC)" />
            <div className="p-4">
              <Suspense fallback={<Skeleton className="h-[260px] w-full" />}>
                <Chart option={hourly} label="Events by hour of day" height={260} />
              </Suspense>
            </div>
          </Card>
          <Card>
            <CardHeader title="Failed sign-ins, lockouts and probes" />
            <div className="p-4">
              {report.failedLogins + report.lockouts + report.crossTenantProbes === 0 ? (
                <p className="flex h-[260px] items-center justify-center text-sm text-slate-600">
                  No failed sign-in, lockout or cross-tenant probe in this period.
                </p>
              ) : (
                <Suspense fallback={<Skeleton className="h-[260px] w-full" />}>
                  <Chart option={security} label="Failed sign-ins, lockouts and cross-tenant probes" height={260} />
                </Suspense>
              )}
            </div>
          </Card>
          <Card className="lg:col-span-2">
            <CardHeader
              title="Events by action"
              description={actions.length === 15 ? 'The 15 most frequent actions.' : undefined}
            />
            <div className="p-4">
              <Suspense fallback={<Skeleton className="h-[360px] w-full" />}>
                <Chart option={byAction} label="Events by action" height={Math.max(200, actions.length * 24 + 40)} />
              </Suspense>
            </div>
          </Card>
          <Card className="lg:col-span-2">
            <CardHeader title="Most active actors" />
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Most active actors</caption>
              <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-2">
                    Actor
                  </th>
                  <th scope="col" className="px-4 py-2">
                    Kind
                  </th>
                  <th scope="col" className="px-4 py-2 text-right">
                    Events
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.mostActiveActors.map((actor) => (
                  <tr key={`${actor.type}-${actor.id ?? 'none'}`} className="border-b border-slate-100">
                    <td className="px-4 py-2">{actor.name ?? actor.id ?? '–'}</td>
                    <td className="px-4 py-2">{actor.type}</td>
                    <td className="px-4 py-2 text-right tabular-nums">{formatNumber(actor.events)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        </div>
      )}
    </div>
  );
}
