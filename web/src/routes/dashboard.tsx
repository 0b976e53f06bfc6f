import { useMutation, useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
} from '@tanstack/react-table';
import { DropdownMenu } from 'radix-ui';
import { lazy, Suspense, useMemo, useState } from 'react';
import { api, download, unwrap } from '../api/client';
import { messageOf } from '../api/problem';
import type { Item, MetricKey, MetricRow, Report, Summary } from '../api/types';
import { useAuth } from '../auth';
import { AskBox } from '../components/ask-box';
import { Button } from '../components/ui/button';
import { Badge, Card, CardHeader, ErrorNote, PageHeader, Skeleton } from '../components/ui/card';
import { WarningList } from '../components/ui/warning-list';
import { cn } from '../lib/cn';
import { trendChartOption } from '../../../src/charts/options';
import { labelOf } from '../../../src/analysis/labels';
import { bySpend } from '../../../src/analysis/by-spend';
import { evidenceFigures } from '../../../src/analysis/evidence';
import {
  cellText,
  currencyLabel,
  formatDate,
  formatFigure,
  formatNumber,
  formatPercent,
  type FigureKind,
} from '../lib/format';
import { anomalyMarks, isAnomaly, type Anomaly, type Grain } from '../components/dashboard/anomalies';
import { Pacing } from '../components/dashboard/pacing';
import { Performers } from '../components/dashboard/performers';

const Chart = lazy(() => import('../components/chart'));

interface KpiDef {
  key: MetricKey;
  label: string;
  kind: FigureKind;
  upIsGood: boolean;
}
const metricDef = (key: MetricKey, kind: FigureKind, upIsGood: boolean): KpiDef => ({
  key,
  label: labelOf(key),
  kind,
  upIsGood,
});
const KPIS: KpiDef[] = [
  metricDef('spend', 'money', false),
  metricDef('revenue', 'money', true),
  metricDef('roas', 'ratio', true),
  metricDef('conversions', 'count', true),
  metricDef('cpa', 'money', false),
  metricDef('ctr', 'percent', true),
  metricDef('cpc', 'money', false),
  metricDef('cpm', 'money', false),
  metricDef('cvr', 'percent', true),
];
const TABLE_METRICS: KpiDef[] = [metricDef('impressions', 'count', true), metricDef('clicks', 'count', true), ...KPIS];
const BREAKDOWNS = (['platform', 'campaign', 'ad_group', 'channel', 'device'] as const).map((key) => ({
  key,
  label: labelOf(key),
}));

/** What the figures leave out or cannot define (a file that ends early, a negative sum), said before them. */
function ReportWarnings({ warnings }: { warnings: readonly string[] }) {
  if (warnings.length === 0) return null;
  return (
    <Card>
      <WarningList warnings={warnings} label="Warnings" />
    </Card>
  );
}

function KpiTiles({ report, currency }: { report: Report; currency: string | null }) {
  const totals = report.totals.find((row) => row.currency === currency);
  const pop = report.periodOverPeriod?.byCurrency[currency ?? 'unknown'];
  const versus = report.periodOverPeriod?.kind === 'year' ? 'vs last year' : 'vs previous';
  // No rows at all in the period compared says so; a figure the period before lacked (no conversions, say) is that one's.
  const none = !report.periodOverPeriod
    ? 'no comparison'
    : !pop?.previous
      ? `no data ${report.periodOverPeriod.kind === 'year' ? 'a year before' : 'in the previous period'}`
      : 'no figure before to compare';
  return (
    <section aria-label="Key figures" className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5">
      {KPIS.map((kpi) => {
        const change = pop?.change[kpi.key]?.relative ?? null;
        const good = change === null || change === 0 ? null : change > 0 === kpi.upIsGood;
        return (
          <Card key={kpi.key} className="px-4 py-3" data-testid={`kpi-${kpi.key}`}>
            <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{kpi.label}</p>
            <p className="mt-1 text-xl font-semibold tabular-nums" data-value={totals?.[kpi.key] ?? ''}>
              {formatFigure(totals?.[kpi.key], kpi.kind, currency)}
            </p>
            <p
              className={cn(
                'mt-0.5 text-xs tabular-nums',
                good === null ? 'text-slate-500' : good ? 'text-emerald-700' : 'text-red-700',
              )}
            >
              {change === null ? (
                none
              ) : (
                <>
                  {change > 0 ? '▲' : change < 0 ? '▼' : ''} {formatPercent(Math.abs(change) * 100, 1)}{' '}
                  <span className="text-slate-500">{versus}</span>
                </>
              )}
            </p>
          </Card>
        );
      })}
    </section>
  );
}

function Trend({
  report,
  currency,
  anomalies,
}: {
  report: Report;
  currency: string | null;
  anomalies: readonly Anomaly[];
}) {
  const [metric, setMetric] = useState<MetricKey>('spend');
  const [grain, setGrain] = useState<Grain>('day');
  const series = (report.timeSeries[grain] ?? []).filter((row) => row.currency === currency);
  const def = TABLE_METRICS.find((kpi) => kpi.key === metric) ?? KPIS[0]!;
  const marks = useMemo(
    () =>
      anomalyMarks(
        anomalies,
        metric,
        grain,
        series.map((row) => String(row.period)),
      ),
    [anomalies, metric, grain, series],
  );
  const option = useMemo(
    () =>
      trendChartOption(
        series.map((row) => String(row.period)),
        [{ name: def.label, values: series.map((row) => row[metric] ?? null) }],
        { area: true, marks },
      ),
    [series, metric, def.label, marks],
  );
  return (
    <Card>
      <CardHeader
        title="Trend"
        description={`${def.label} by ${grain}, ${currencyLabel(currency)}`}
        actions={
          <div className="flex gap-2">
            <label className="sr-only" htmlFor="trend-metric">
              Metric
            </label>
            <select
              id="trend-metric"
              value={metric}
              onChange={(event) => setMetric(event.target.value as MetricKey)}
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
            >
              {TABLE_METRICS.map((kpi) => (
                <option key={kpi.key} value={kpi.key}>
                  {kpi.label}
                </option>
              ))}
            </select>
            <div
              role="group"
              aria-label="Granularity"
              className="inline-flex rounded-md border border-slate-300 bg-white"
            >
              {(['day', 'week', 'month'] as const).map((value) => (
                <button
                  key={value}
                  type="button"
                  aria-pressed={grain === value}
                  onClick={() => setGrain(value)}
                  className={cn(
                    'px-3 py-1 text-sm first:rounded-l-md last:rounded-r-md',
                    grain === value ? 'bg-slate-800 text-white' : 'text-slate-700 hover:bg-slate-50',
                  )}
                >
                  {value}
                </button>
              ))}
            </div>
          </div>
        }
      />
      <div className="p-4">
        <Suspense fallback={<Skeleton className="h-[300px] w-full" />}>
          <Chart
            option={option}
            label={`${def.label} by ${grain}${marks.shown.length > 0 ? `, ${marks.shown.length} anomalies marked` : ''}`}
          />
        </Suspense>
        {marks.shown.length > 0 && (
          <ul aria-label="Anomalies on this chart" className="mt-3 space-y-1 text-sm" data-testid="trend-anomalies">
            {marks.shown.map((anomaly) => (
              <li key={anomaly.id} className="flex gap-2">
                <span
                  aria-hidden="true"
                  className={anomaly.payload.direction === 'above' ? 'text-red-700' : 'text-amber-700'}
                >
                  {anomaly.payload.direction === 'above' ? '▲' : '▼'}
                </span>
                <span className="text-slate-700">{anomaly.sentence}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}

type BreakdownRow = MetricRow & Record<string, unknown>;
const column = createColumnHelper<BreakdownRow>();

function BreakdownTable({
  rows,
  dimension,
  label,
  currency,
  total,
}: {
  rows: BreakdownRow[];
  dimension: string;
  label: string;
  currency: string | null;
  total: MetricRow | undefined;
}) {
  const [sorting, setSorting] = useState<SortingState>([{ id: 'spend', desc: true }]);
  const columns = useMemo(
    () => [
      column.accessor((row) => cellText(row[dimension], '(none)'), { id: dimension, header: label }),
      ...TABLE_METRICS.map((kpi) =>
        column.accessor((row) => row[kpi.key] ?? null, {
          id: kpi.key,
          header: kpi.label,
          sortUndefined: 'last',
          cell: (info) => formatFigure(info.getValue(), kpi.kind, currency),
        }),
      ),
    ],
    [dimension, label, currency],
  );
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid={`breakdown-${dimension}`}>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header, index) => {
                const sorted = header.column.getIsSorted();
                return (
                  <th
                    key={header.id}
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                    className={cn('px-3 py-2 font-medium whitespace-nowrap', index === 0 ? 'text-left' : 'text-right')}
                  >
                    <button
                      type="button"
                      onClick={header.column.getToggleSortingHandler()}
                      className="inline-flex items-center gap-1 hover:text-slate-900"
                    >
                      {flexRender(header.column.columnDef.header, header.getContext())}
                      <span aria-hidden="true">{sorted === 'asc' ? '↑' : sorted === 'desc' ? '↓' : ''}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className="hover:bg-slate-50">
              {row.getVisibleCells().map((cell, index) => (
                <td
                  key={cell.id}
                  className={cn(
                    'px-3 py-2 whitespace-nowrap',
                    index === 0 ? 'max-w-xs truncate font-medium' : 'text-right tabular-nums',
                  )}
                >
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {total && (
          <tfoot className="border-t-2 border-slate-200 bg-slate-50 font-semibold">
            <tr>
              <th scope="row" className="px-3 py-2 text-left">
                Total
              </th>
              {TABLE_METRICS.map((kpi) => (
                <td key={kpi.key} className="px-3 py-2 text-right tabular-nums whitespace-nowrap">
                  {formatFigure(total[kpi.key], kpi.kind, currency)}
                </td>
              ))}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}

function Breakdowns({ report, currency }: { report: Report; currency: string | null }) {
  const available = BREAKDOWNS.filter((item) =>
    (report.breakdowns[item.key] ?? []).some((row) => row.currency === currency && row[item.key] !== null),
  );
  const [active, setActive] = useState<string>(available[0]?.key ?? 'platform');
  const current = available.find((item) => item.key === active) ?? available[0];
  return (
    <Card>
      <CardHeader
        title="Breakdown"
        description={`By ${current?.label.toLowerCase() ?? 'dimension'}, ${currencyLabel(currency)}. Select a column to sort.`}
      />
      <div role="tablist" aria-label="Breakdown by" className="flex gap-1 border-b border-slate-100 px-4 pt-2">
        {available.map((item) => (
          <button
            key={item.key}
            role="tab"
            type="button"
            aria-selected={current?.key === item.key}
            onClick={() => setActive(item.key)}
            className={cn(
              '-mb-px border-b-2 px-3 py-2 text-sm font-medium',
              current?.key === item.key
                ? 'border-brand-600 text-brand-700'
                : 'border-transparent text-slate-600 hover:text-slate-900',
            )}
          >
            {item.label}
          </button>
        ))}
      </div>
      {current ? (
        <BreakdownTable
          key={current.key}
          dimension={current.key}
          label={current.label}
          currency={currency}
          rows={(report.breakdowns[current.key] ?? []).filter((row) => row.currency === currency)}
          total={report.totals.find((row) => row.currency === currency)}
        />
      ) : (
        <p className="px-5 py-4 text-sm text-slate-600">No dimension to break down by in this data.</p>
      )}
    </Card>
  );
}

const PRIORITY_TONE = { high: 'red', medium: 'amber', low: 'slate' } as const;

function Rating({ item }: { item: Item }) {
  const [rating, setRating] = useState<number | null>(null);
  const rate = useMutation({
    mutationFn: (value: number) =>
      unwrap(api.PUT('/api/v1/insights/{id}/feedback', { params: { path: { id: item.id } }, body: { rating: value } })),
    onSuccess: (_data, value) => setRating(value),
  });
  return (
    <div className="flex items-center gap-2">
      <div role="radiogroup" aria-label={`Rate “${item.title}”`} className="flex">
        {[1, 2, 3, 4, 5].map((value) => (
          <button
            key={value}
            type="button"
            role="radio"
            aria-checked={rating === value}
            aria-label={`${value} of 5`}
            disabled={rate.isPending}
            onClick={() => rate.mutate(value)}
            className={cn(
              'px-0.5 text-lg leading-none',
              rating !== null && value <= rating ? 'text-amber-500' : 'text-slate-300 hover:text-amber-400',
            )}
          >
            ★
          </button>
        ))}
      </div>
      {rate.isSuccess && (
        <span className="text-xs text-emerald-700" role="status">
          Thanks, rated {rating}/5
        </span>
      )}
      {rate.error && <span className="text-xs text-red-700">{messageOf(rate.error)}</span>}
    </div>
  );
}

function Outcome({ item }: { item: Item }) {
  const report = useMutation({
    mutationFn: (implemented: boolean) =>
      unwrap(
        api.PUT('/api/v1/recommendations/{id}/feedback', { params: { path: { id: item.id } }, body: { implemented } }),
      ),
  });
  if (report.isSuccess)
    return (
      <span className="text-xs text-emerald-700" role="status">
        Outcome recorded
      </span>
    );
  return (
    <div className="flex items-center gap-2 text-xs text-slate-600">
      Done it?
      <Button variant="secondary" size="sm" onClick={() => report.mutate(true)}>
        Implemented
      </Button>
      <Button variant="ghost" size="sm" onClick={() => report.mutate(false)}>
        Not done
      </Button>
    </div>
  );
}

/** `currency`: the one the items' money is in (the summary's). */
function ItemCard({ item, currency, canRate }: { item: Item; currency: string | null; canRate: boolean }) {
  const figures = evidenceFigures(item, currency);
  return (
    <li className="px-5 py-4" data-testid={`item-${item.kind}`}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-2">
            <Badge tone={PRIORITY_TONE[item.priority]}>{item.priority}</Badge>
            <span className="text-xs uppercase tracking-wide text-slate-500">{item.category.replace('_', ' ')}</span>
          </div>
          <h3 className="mt-1 font-medium text-slate-900">{item.title}</h3>
          {item.sentence !== item.title && <p className="mt-0.5 text-sm text-slate-700">{item.sentence}</p>}
          {figures.length > 0 && (
            <details className="mt-2 text-sm">
              <summary className="cursor-pointer text-brand-700">Evidence</summary>
              <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded-md bg-slate-50 p-3 text-xs">
                {figures.map(({ label, text }) => (
                  <div key={label} className="contents">
                    <dt className="text-slate-500">{label}</dt>
                    <dd className="tabular-nums">{text}</dd>
                  </div>
                ))}
              </dl>
            </details>
          )}
        </div>
        {canRate && (item.kind === 'recommendation' ? <Outcome item={item} /> : <Rating item={item} />)}
      </div>
    </li>
  );
}

function ExportMenu({ id }: { id: string }) {
  const [error, setError] = useState<string | null>(null);
  const formats = [
    { format: 'pdf', label: 'PDF report' },
    { format: 'pptx', label: 'PowerPoint deck (.pptx)' },
    { format: 'xlsx', label: 'Excel workbook (.xlsx)' },
    { format: 'csv', label: 'CSV' },
    { format: 'md', label: 'Markdown report' },
    { format: 'json', label: 'JSON' },
  ];
  return (
    <>
      <DropdownMenu.Root>
        <DropdownMenu.Trigger asChild>
          <Button variant="secondary">Export ▾</Button>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content
            align="end"
            sideOffset={4}
            className="min-w-48 rounded-md border border-slate-200 bg-white p-1 shadow-lg"
          >
            {formats.map((item) => (
              <DropdownMenu.Item
                key={item.format}
                onSelect={() => {
                  void download(
                    `/api/v1/analyses/${id}/export?format=${item.format}`,
                    `analysis-${id}.${item.format}`,
                  ).catch((caught: unknown) => setError(messageOf(caught)));
                }}
                className="cursor-pointer rounded px-3 py-2 text-sm outline-none data-[highlighted]:bg-slate-100"
              >
                {item.label}
              </DropdownMenu.Item>
            ))}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      {error && <span className="text-sm text-red-700">{error}</span>}
    </>
  );
}

export function DashboardPage() {
  const { id } = useParams({ from: '/analyses/$id' });
  const { can } = useAuth();
  const analysis = useQuery({
    queryKey: ['analysis', id],
    queryFn: () => unwrap(api.GET('/api/v1/analyses/{id}', { params: { path: { id } } })),
  });
  const insights = useQuery({
    queryKey: ['insights', id],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/analyses/{id}/insights', { params: { path: { id }, query: { includeSuppressed: false } } }),
      ),
  });
  const [chosenCurrency, setCurrency] = useState<string | null | undefined>(undefined);

  if (analysis.isPending) {
    return (
      <div className="space-y-4" aria-busy="true">
        <Skeleton className="h-8 w-72" />
        <Skeleton className="h-24 w-full" />
        <div className="grid grid-cols-5 gap-3">
          {Array.from({ length: 10 }, (_, n) => (
            <Skeleton key={n} className="h-20" />
          ))}
        </div>
      </div>
    );
  }
  if (analysis.error) return <ErrorNote>{messageOf(analysis.error)}</ErrorNote>;
  const report: Report = analysis.data.result;
  const currencies = report.totals.map((row) => row.currency);
  const currency =
    chosenCurrency === undefined || !currencies.includes(chosenCurrency) ? (currencies[0] ?? null) : chosenCurrency;
  const summary = (insights.data?.summary ?? analysis.data.summary) as Summary | null;
  // The summary states the items' currency; one stored before it did is the one with the most spend.
  const itemCurrency = summary?.facts?.currency ?? bySpend(report.totals)[0]?.currency ?? null;
  const items = [...((insights.data?.insights ?? []) as unknown as Item[])];
  const recommendations = (insights.data?.recommendations ?? []) as unknown as Item[];
  const anomalies = (insights.data?.anomalies ?? []).flatMap((item: unknown) => (isAnomaly(item) ? [item] : []));
  const comparedWith = report.periodOverPeriod?.kind === 'year' ? ' (same period last year)' : '';

  return (
    <div className="space-y-6">
      <PageHeader
        title={analysis.data.name}
        description={
          <>
            {formatDate(report.dateRange.from)} – {formatDate(report.dateRange.to)} · {formatNumber(report.rows)} rows
            {report.periodOverPeriod && (
              <>
                {' '}
                · compared with {formatDate(report.periodOverPeriod.previousRange.from)} –{' '}
                {formatDate(report.periodOverPeriod.previousRange.to)}
                {comparedWith}
              </>
            )}
          </>
        }
        actions={can('data:export') ? <ExportMenu id={id} /> : undefined}
      />
      {summary && (
        <Card className="border-l-4 border-l-brand-600 px-5 py-4">
          <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Executive summary</h2>
          <p className="mt-1 leading-relaxed text-slate-800">{summary.text}</p>
        </Card>
      )}
      <ReportWarnings warnings={report.warnings ?? []} />
      {currencies.length > 1 && (
        <div role="group" aria-label="Currency" className="flex items-center gap-2 text-sm">
          <span className="text-slate-600">Figures in</span>
          {currencies.map((code) => (
            <Button
              key={code ?? ''}
              size="sm"
              variant={code === currency ? 'primary' : 'secondary'}
              aria-pressed={code === currency}
              onClick={() => setCurrency(code)}
            >
              {code ?? 'No currency stated'}
            </Button>
          ))}
          <span className="text-xs text-slate-500">Currencies are reported apart, never summed.</span>
        </div>
      )}
      <KpiTiles report={report} currency={currency} />
      <AskBox analysisId={id} canRate={can('feedback:write')} />
      <Trend report={report} currency={currency} anomalies={anomalies} />
      <Breakdowns key={currency ?? ''} report={report} currency={currency} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Performers
          rows={(report.breakdowns.campaign ?? []).filter((row) => row.currency === currency)}
          currency={currency}
        />
        <Pacing datasetIds={analysis.data.datasetIds} asOf={report.dateRange.to} currency={currency} />
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Insights" description="What stands out, most important first." />
          {insights.isPending ? (
            <Skeleton className="m-5 h-32" />
          ) : items.length === 0 ? (
            <p className="px-5 py-4 text-sm text-slate-600">
              No insight for this data: try a longer period or more datasets.
            </p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {items.map((item) => (
                <ItemCard key={item.id} item={item} currency={itemCurrency} canRate={can('feedback:write')} />
              ))}
            </ul>
          )}
        </Card>
        <Card>
          <CardHeader title="Recommendations" description="What to do next, and what came of it." />
          {insights.isPending ? (
            <Skeleton className="m-5 h-32" />
          ) : recommendations.length === 0 ? (
            <p className="px-5 py-4 text-sm text-slate-600">No recommendation for this data.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {recommendations.map((item) => (
                <ItemCard key={item.id} item={item} currency={itemCurrency} canRate={can('feedback:write')} />
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
