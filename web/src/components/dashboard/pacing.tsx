import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { messageOf } from '../../api/problem';
import { formatDate, formatMoney, formatNumber } from '../../lib/format';
import { Badge, Card, CardHeader, ErrorNote, Skeleton } from '../ui/card';

interface PacingItem {
  budget: {
    id: string;
    name: string;
    scope: string;
    amount: number;
    currency: string | null;
    startDate: string;
    endDate: string;
  };
  daysElapsed: number;
  daysTotal: number;
  spendToDate: number;
  expectedToDate: number;
  pace: number | null;
  projectedSpend: number | null;
  remaining: number;
  status: 'not_started' | 'on_track' | 'under' | 'over' | 'no_data';
}

const STATUS = {
  on_track: { label: 'On track', tone: 'green' },
  under: { label: 'Underspending', tone: 'amber' },
  over: { label: 'Overspending', tone: 'red' },
  not_started: { label: 'Not started', tone: 'slate' },
  no_data: { label: 'Not in this data', tone: 'slate' },
} as const;

function Bar({ item }: { item: PacingItem }) {
  const scale = Math.max(item.budget.amount, item.spendToDate, item.projectedSpend ?? 0);
  const pct = (value: number) => `${Math.min(100, (value / scale) * 100).toFixed(1)}%`;
  return (
    <div className="relative mt-2 h-3 rounded-full bg-slate-100" aria-hidden="true">
      <div
        className={
          item.status === 'over'
            ? 'h-3 rounded-full bg-red-600'
            : item.status === 'under'
              ? 'h-3 rounded-full bg-amber-500'
              : 'h-3 rounded-full bg-brand-600'
        }
        style={{ width: pct(item.spendToDate) }}
      />
      <div
        className="absolute top-[-3px] h-[18px] w-0.5 bg-slate-800"
        style={{ left: pct(item.expectedToDate) }}
        title="Where spend should be today"
      />
      <div
        className="absolute top-[-3px] h-[18px] w-0.5 bg-slate-400"
        style={{ left: pct(item.budget.amount) }}
        title="Budget"
      />
    </div>
  );
}

/** Budgets of the analysis's datasets, paced as of its last day; only budgets in the shown currency (or without one). */
export function Pacing({
  datasetIds,
  asOf,
  currency,
}: {
  datasetIds: string[];
  asOf: string | null;
  currency: string | null;
}) {
  const pacing = useQuery({
    queryKey: ['pacing', datasetIds, asOf],
    enabled: asOf !== null,
    queryFn: () =>
      unwrap(api.GET('/api/v1/budgets/pacing', { params: { query: { datasetIds, ...(asOf ? { asOf } : {}) } } })),
  });
  const items = ((pacing.data?.items ?? []) as unknown as PacingItem[]).filter(
    (item) => item.budget.currency === null || item.budget.currency === currency,
  );
  return (
    <Card data-testid="pacing">
      <CardHeader
        title="Budget pacing"
        description={
          asOf
            ? `Spend to ${formatDate(asOf)} against each budget's straight line; projected end spend at today's rate.`
            : 'No dates in this data.'
        }
      />
      {pacing.isPending && asOf !== null ? (
        <Skeleton className="m-5 h-20" />
      ) : pacing.error ? (
        <div className="p-5">
          <ErrorNote>{messageOf(pacing.error)}</ErrorNote>
        </div>
      ) : items.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-600">
          No budget covers this period{currency ? ` in ${currency}` : ' for the figures with no stated currency'}. Add
          budgets (per campaign or platform, with a flight) through the budgets API or a budgets CSV to see pacing here.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {items.map((item) => {
            const status = STATUS[item.status];
            const money = (value: number | null) => formatMoney(value, item.budget.currency ?? currency, 0);
            return (
              <li key={item.budget.id} className="px-5 py-4" data-testid="pacing-item">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <p className="font-medium text-slate-900">
                    {item.budget.name}{' '}
                    <span className="text-xs font-normal uppercase tracking-wide text-slate-500">
                      {item.budget.scope}
                    </span>
                  </p>
                  <Badge tone={status.tone}>{status.label}</Badge>
                </div>
                <Bar item={item} />
                <p className="mt-2 text-sm tabular-nums text-slate-700">
                  {item.status === 'no_data' ? (
                    <>
                      No row of this {item.budget.scope}
                      {item.budget.currency ? ` in ${item.budget.currency}` : ''} in the analysed data ·{' '}
                      {money(item.budget.amount)} budget · day {item.daysElapsed} of {item.daysTotal}
                    </>
                  ) : (
                    <>
                      {money(item.spendToDate)} of {money(item.budget.amount)} spent (
                      {item.pace === null ? 'no pace yet' : `${formatNumber(item.pace * 100)}% of plan`}) · day{' '}
                      {item.daysElapsed} of {item.daysTotal} · projected end spend {money(item.projectedSpend)}
                    </>
                  )}
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
