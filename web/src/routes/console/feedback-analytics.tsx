import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useMemo } from 'react';
import { api, unwrap } from '../../api/client';
import { messageOf } from '../../api/problem';
import { useAuth } from '../../auth';
import { Button } from '../../components/ui/button';
import { Badge, Card, CardHeader, EmptyState, ErrorNote, PageHeader, Skeleton } from '../../components/ui/card';
import { formatNumber } from '../../lib/format';

const Chart = lazy(() => import('../../components/chart'));

/** src/feedback/analytics.ts: FeedbackAnalytics and Suggestion, served as open objects. */
interface Distribution {
  count: number;
  average: number | null;
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
}
interface Implementation {
  reported: number;
  implemented: number;
  implementationRate: number | null;
  effectiveness?: Distribution;
}
interface FeedbackAnalytics {
  insights: Distribution & {
    byCategory: Record<string, Distribution>;
    byPriority: Record<string, Distribution>;
    byRule: Record<string, Distribution & { smoothed: number; suppressed: boolean }>;
  };
  recommendations: Implementation & {
    effectiveness: Distribution;
    actualImpactTotal: number;
    byType: Record<string, Implementation>;
    byPriority: Record<string, Implementation>;
  };
  analyses: { count: number; averages: Record<'overall' | 'usefulness' | 'accuracy' | 'actionability', number | null> };
  weekly: { week: string; feedback: number; insightRatings: number; averageInsightRating: number | null }[];
}
interface Suggestion {
  kind: string;
  subject: string;
  suggestion: string;
}

const STARS = ['1', '2', '3', '4', '5'] as const;
const share = (rate: number | null) => (rate === null ? '–' : `${formatNumber(rate * 100, 0)} %`);
const stars = (average: number | null) => (average === null ? '–' : `${formatNumber(average, 2)} / 5`);

export function FeedbackAnalyticsPage() {
  const analytics = useQuery({
    queryKey: ['feedback-analytics'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/feedback/analytics'))) as unknown as FeedbackAnalytics,
  });
  const suggestions = useQuery({
    queryKey: ['feedback-suggestions'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/feedback/suggestions'))).items as unknown as Suggestion[],
  });
  return (
    <>
      <PageHeader
        title="Feedback"
        description="How your team rates the insights and what came of the recommendations: what to keep, what to rework."
      />
      {analytics.isPending ? (
        <Skeleton className="h-64 w-full" />
      ) : analytics.error ? (
        <ErrorNote>{messageOf(analytics.error)}</ErrorNote>
      ) : analytics.data.insights.count === 0 &&
        analytics.data.recommendations.reported === 0 &&
        analytics.data.analyses.count === 0 ? (
        <EmptyState title="No feedback yet">
          When people rate insights or report on recommendations in an analysis, the figures appear here.
        </EmptyState>
      ) : (
        <Analytics data={analytics.data} />
      )}
      <Card className="mt-6">
        <CardHeader title="Suggestions" description="What the feedback says to change, with the figures behind it." />
        {suggestions.isPending ? (
          <Skeleton className="m-5 h-16" />
        ) : suggestions.error ? (
          <div className="p-5">
            <ErrorNote>{messageOf(suggestions.error)}</ErrorNote>
          </div>
        ) : suggestions.data.length === 0 ? (
          <p className="px-5 py-4 text-sm text-slate-600">
            Nothing to suggest: no rule, category or recommendation type stands out yet.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {suggestions.data.map((item) => (
              <li key={`${item.kind}-${item.subject}`} className="px-5 py-3 text-sm text-slate-800">
                <Badge tone="blue">{item.kind.replaceAll('_', ' ')}</Badge>{' '}
                <span className="ml-1">{item.suggestion}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}

function Analytics({ data }: { data: FeedbackAnalytics }) {
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const restore = useMutation({
    mutationFn: (ruleId: string) =>
      unwrap(api.POST('/api/v1/insights/rules/{ruleId}/restore', { params: { path: { ruleId } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['feedback-analytics'] });
      await queryClient.invalidateQueries({ queryKey: ['feedback-suggestions'] });
    },
  });
  const distribution = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: STARS.map((star) => `${star} ★`) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          type: 'bar',
          name: 'Ratings',
          barMaxWidth: 48,
          data: STARS.map((star) => data.insights.distribution[star]),
          itemStyle: { color: '#d97706' },
        },
      ],
    }),
    [data],
  );
  const weekly = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 48, top: 36, bottom: 32 },
      xAxis: { type: 'category', data: data.weekly.map((week) => week.week) },
      yAxis: [
        { type: 'value', minInterval: 1, name: 'Feedback' },
        { type: 'value', min: 0, max: 5, name: 'Rating', splitLine: { show: false } },
      ],
      series: [
        {
          type: 'bar',
          name: 'Feedback given',
          barMaxWidth: 48,
          data: data.weekly.map((week) => week.feedback),
          itemStyle: { color: '#93c5fd' },
        },
        {
          type: 'line',
          name: 'Average insight rating',
          yAxisIndex: 1,
          data: data.weekly.map((week) => week.averageInsightRating),
          itemStyle: { color: '#1d4ed8' },
        },
      ],
    }),
    [data],
  );
  const tiles = [
    ['Insight ratings', formatNumber(data.insights.count)],
    ['Average rating', stars(data.insights.average)],
    [
      'Recommendations implemented',
      data.recommendations.reported === 0
        ? 'No report yet'
        : `${share(data.recommendations.implementationRate)} (${formatNumber(data.recommendations.implemented)} of ${formatNumber(data.recommendations.reported)})`,
    ],
    ['Effectiveness', stars(data.recommendations.effectiveness.average)],
  ] as const;
  const rules = Object.entries(data.insights.byRule).sort(([, a], [, b]) => (a.average ?? 0) - (b.average ?? 0));
  const suppressed = rules.filter(([, stats]) => stats.suppressed);
  return (
    <div className="space-y-6">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        {tiles.map(([label, value]) => (
          <Card key={label} className="px-4 py-3" role="group" aria-label={label}>
            <p className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</p>
            <p className="mt-1 text-xl font-semibold tabular-nums text-slate-900">{value}</p>
          </Card>
        ))}
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Ratings of insights" />
          <div className="p-4">
            <Suspense fallback={<Skeleton className="h-[240px] w-full" />}>
              <Chart option={distribution} label="How many insights got each rating from 1 to 5" height={240} />
            </Suspense>
          </div>
        </Card>
        <Card>
          <CardHeader title="Week by week" />
          <div className="p-4">
            {data.weekly.length === 0 ? (
              <p className="text-sm text-slate-600">No dated feedback yet.</p>
            ) : (
              <Suspense fallback={<Skeleton className="h-[240px] w-full" />}>
                <Chart option={weekly} label="Feedback given per week and the average insight rating" height={240} />
              </Suspense>
            )}
          </div>
        </Card>
      </div>
      {suppressed.length > 0 && (
        <Card>
          <CardHeader
            title="Suppressed rules"
            description="Insights of these rules are hidden after consistently low ratings. Restoring one shows them again until later ratings suppress it anew."
          />
          {restore.error && (
            <div className="px-5 pt-4">
              <ErrorNote>{messageOf(restore.error)}</ErrorNote>
            </div>
          )}
          <ul className="divide-y divide-slate-100">
            {suppressed.map(([rule, stats]) => (
              <li key={rule} className="flex flex-wrap items-center gap-3 px-5 py-3 text-sm">
                <span className="font-mono text-xs">{rule}</span>
                <span className="text-slate-600">
                  {stars(stats.average)} over {formatNumber(stats.count)} ratings
                </span>
                {can('org:settings') && (
                  <Button
                    className="ml-auto"
                    size="sm"
                    variant="secondary"
                    disabled={restore.isPending}
                    onClick={() => restore.mutate(rule)}
                  >
                    Restore {rule}
                  </Button>
                )}
              </li>
            ))}
          </ul>
        </Card>
      )}
      <div className="grid gap-6 lg:grid-cols-2">
        <DistributionTable title="By category" rows={Object.entries(data.insights.byCategory)} />
        <DistributionTable title="By rule" rows={rules} mono />
      </div>
      <Card>
        <CardHeader
          title="Recommendations by type"
          description={`${formatNumber(data.recommendations.reported)} reported on; actual impact reported: ${formatNumber(data.recommendations.actualImpactTotal, 2)}`}
        />
        {Object.keys(data.recommendations.byType).length === 0 ? (
          <p className="px-5 py-4 text-sm text-slate-600">No one has reported on a recommendation yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Recommendations by type</caption>
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2">
                  Type
                </th>
                <th scope="col" className="px-4 py-2 text-right">
                  Reported
                </th>
                <th scope="col" className="px-4 py-2 text-right">
                  Implemented
                </th>
                <th scope="col" className="px-4 py-2 text-right">
                  Rate
                </th>
                <th scope="col" className="px-4 py-2 text-right">
                  Effectiveness
                </th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(data.recommendations.byType).map(([type, stats]) => (
                <tr key={type} className="border-b border-slate-100">
                  <td className="px-4 py-2">{type}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{formatNumber(stats.reported)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{formatNumber(stats.implemented)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{share(stats.implementationRate)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{stars(stats.effectiveness?.average ?? null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {data.analyses.count > 0 && (
        <Card className="px-5 py-4 text-sm text-slate-800">
          <strong>{formatNumber(data.analyses.count)} analyses rated</strong>: overall{' '}
          {stars(data.analyses.averages.overall)}, usefulness {stars(data.analyses.averages.usefulness)}, accuracy{' '}
          {stars(data.analyses.averages.accuracy)}, actionability {stars(data.analyses.averages.actionability)}.
        </Card>
      )}
    </div>
  );
}

function DistributionTable({
  title,
  rows,
  mono = false,
}: {
  title: string;
  rows: [string, Distribution][];
  mono?: boolean;
}) {
  return (
    <Card>
      <CardHeader title={title} />
      {rows.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-600">No rating yet.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Insight ratings {title.toLowerCase()}</caption>
          <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-4 py-2">
                {title.replace('By ', '')}
              </th>
              <th scope="col" className="px-4 py-2 text-right">
                Ratings
              </th>
              <th scope="col" className="px-4 py-2 text-right">
                Average
              </th>
              <th scope="col" className="px-4 py-2">
                1 to 5 ★
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([name, stats]) => (
              <tr key={name} className="border-b border-slate-100">
                <td className={mono ? 'px-4 py-2 font-mono text-xs' : 'px-4 py-2'}>{name}</td>
                <td className="px-4 py-2 text-right tabular-nums">{formatNumber(stats.count)}</td>
                <td className="px-4 py-2 text-right tabular-nums">
                  {stats.average === null ? '–' : formatNumber(stats.average, 2)}
                </td>
                <td className="px-4 py-2">
                  <div
                    className="flex h-3 w-32 overflow-hidden rounded-sm bg-slate-100"
                    role="img"
                    aria-label={STARS.map((star) => `${stats.distribution[star]} rated ${star}`).join(', ')}
                  >
                    {STARS.map((star) => (
                      <div
                        key={star}
                        className={
                          ['bg-red-500', 'bg-orange-400', 'bg-amber-300', 'bg-lime-500', 'bg-emerald-600'][
                            Number(star) - 1
                          ]
                        }
                        style={{ width: `${stats.count === 0 ? 0 : (stats.distribution[star] / stats.count) * 100}%` }}
                      />
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
