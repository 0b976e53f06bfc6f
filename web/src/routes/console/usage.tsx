import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { messageOf } from '../../api/problem';
import { ErrorNote, Skeleton } from '../../components/ui/card';
import { formatBytes, formatNumber } from '../../lib/format';

const METERS = [
  { usage: 'users', quota: 'maxUsers', label: 'Active users', bytes: false },
  { usage: 'analysesThisMonth', quota: 'maxAnalysesPerMonth', label: 'Analyses this month', bytes: false },
  { usage: 'datasets', quota: 'maxDatasets', label: 'Datasets', bytes: false },
  { usage: 'storageBytes', quota: 'maxStorageBytes', label: 'Storage', bytes: true },
] as const;

/** Usage against every quota of an organisation, as bars (amber from 80 %, red when full). */
export function UsageBars({ orgId }: { orgId: string }) {
  const usage = useQuery({
    queryKey: ['org-usage', orgId],
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{id}/usage', { params: { path: { id: orgId } } })),
  });
  if (usage.isPending) return <Skeleton className="h-24" />;
  if (usage.error) return <ErrorNote>{messageOf(usage.error)}</ErrorNote>;
  const { quotas } = usage.data;
  return (
    <div className="space-y-4">
      {METERS.map((meter) => {
        const used = usage.data.usage[meter.usage] ?? 0;
        const limit = quotas[meter.quota];
        const share = limit === 0 ? 1 : Math.min(1, used / limit);
        const tone = share >= 1 ? 'bg-red-600' : share >= 0.8 ? 'bg-amber-500' : 'bg-brand-600';
        const show = (value: number) => (meter.bytes ? formatBytes(value) : formatNumber(value));
        return (
          <div key={meter.usage}>
            <div className="flex justify-between text-sm">
              <span className="font-medium text-slate-700">{meter.label}</span>
              <span className="text-slate-700">
                {show(used)} of {show(limit)}
              </span>
            </div>
            <div
              role="meter"
              aria-label={meter.label}
              aria-valuemin={0}
              aria-valuemax={limit}
              aria-valuenow={used}
              aria-valuetext={`${show(used)} of ${show(limit)}`}
              className="mt-1 h-2 overflow-hidden rounded-full bg-slate-200"
            >
              <div className={`h-full ${tone}`} style={{ width: `${Math.round(share * 100)}%` }} />
            </div>
          </div>
        );
      })}
      <p className="text-xs text-slate-600">Largest upload: {formatBytes(quotas.maxUploadBytes)} per file.</p>
    </div>
  );
}
