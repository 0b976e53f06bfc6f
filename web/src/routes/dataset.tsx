import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { messageOf } from '../api/problem';
import type { Dataset } from '../api/types';
import { DatasetPreview } from '../components/dataset/preview';
import { useAuth } from '../auth';
import { Button } from '../components/ui/button';
import { Badge, Card, CardHeader, ErrorNote, PageHeader, Skeleton } from '../components/ui/card';
import { WarningList } from '../components/ui/warning-list';
import { ConfirmButton } from '../components/ui/confirm';
import { formatDate, formatNumber, formatPercent } from '../lib/format';
import { keptRowsText } from '../../../src/analysis/kept-rows';
import { labelOf } from '../../../src/analysis/labels';

/** The unified fields a column can map to (src/analysis/schema.ts). */
const FIELDS = [
  'date',
  'platform',
  'channel',
  'account',
  'campaign',
  'ad_group',
  'ad',
  'device',
  'country',
  'region',
  'age',
  'gender',
  'placement',
  'objective',
  'funnel_stage',
  'currency',
  'impressions',
  'reach',
  'clicks',
  'spend',
  'conversions',
  'revenue',
  'leads',
  'video_views',
  'engagements',
] as const;
type Field = (typeof FIELDS)[number];

const REASONS: Record<string, string> = {
  derived: 'a rate the file computed; recomputed from the measures instead',
  unknown: 'not a column we recognise',
  duplicate: 'another column already gives this field',
};

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-lg font-semibold tabular-nums">{value}</dd>
    </div>
  );
}

function MappingEditor({
  dataset,
  editable,
  onApplied,
}: {
  dataset: Dataset;
  editable: boolean;
  onApplied: (after: Dataset) => void;
}) {
  const queryClient = useQueryClient();
  const current: Record<string, Field | null> = {};
  for (const entry of dataset.mapping ?? []) current[entry.source] = entry.field as Field;
  for (const entry of dataset.unmapped ?? []) current[entry.source] = null;
  const [draft, setDraft] = useState<Record<string, Field | null>>(current);
  const changed = Object.keys(draft).filter((source) => draft[source] !== current[source]);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/api/v1/datasets/{id}/mapping', { params: { path: { id: dataset.id } }, body: { mapping: draft } }),
      ),
    onSuccess: (after) => {
      onApplied(after);
      queryClient.setQueryData(['dataset', dataset.id], after);
      void queryClient.invalidateQueries({ queryKey: ['preview', dataset.id] });
      void queryClient.invalidateQueries({ queryKey: ['datasets'] });
    },
  });
  const confidence = new Map((dataset.mapping ?? []).map((entry) => [entry.source, entry.confidence]));
  const reasons = new Map((dataset.unmapped ?? []).map((entry) => [entry.source, entry.reason]));
  return (
    <Card>
      <CardHeader
        title="Column mapping"
        description="How each column of the file reads into the unified schema."
        actions={
          editable && changed.length > 0 ? (
            <div className="flex items-center gap-2">
              <span className="text-sm text-slate-600">
                {changed.length} change{changed.length > 1 ? 's' : ''}: the dataset is rebuilt
              </span>
              <Button variant="secondary" size="sm" onClick={() => setDraft(current)}>
                Reset
              </Button>
              <Button size="sm" onClick={() => save.mutate()} disabled={save.isPending}>
                {save.isPending ? 'Rebuilding…' : 'Apply mapping'}
              </Button>
            </div>
          ) : undefined
        }
      />
      {save.error && (
        <div className="px-5 pt-4">
          <ErrorNote>{messageOf(save.error)}</ErrorNote>
        </div>
      )}
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <thead className="text-left text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th className="px-5 py-2 font-medium">Column in the file</th>
              <th className="px-5 py-2 font-medium">Reads as</th>
              <th className="px-5 py-2 font-medium">Confidence</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {Object.keys(draft).map((source) => (
              <tr key={source}>
                <td className="px-5 py-2 font-mono text-xs">{source}</td>
                <td className="px-5 py-2">
                  {editable ? (
                    <select
                      aria-label={`Field for column ${source}`}
                      value={draft[source] ?? ''}
                      onChange={(event) =>
                        setDraft({
                          ...draft,
                          [source]: event.target.value === '' ? null : (event.target.value as Field),
                        })
                      }
                      className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
                    >
                      <option value="">Ignore</option>
                      {FIELDS.map((field) => (
                        <option key={field} value={field}>
                          {labelOf(field)}
                        </option>
                      ))}
                    </select>
                  ) : draft[source] ? (
                    labelOf(draft[source])
                  ) : (
                    'Ignored'
                  )}
                </td>
                <td className="px-5 py-2 text-slate-600">
                  {confidence.has(source) ? (
                    formatPercent((confidence.get(source) ?? 0) * 100, 0)
                  ) : (
                    <span>Not mapped: {REASONS[reasons.get(source) ?? ''] ?? reasons.get(source)}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

export function DatasetPage() {
  const { id } = useParams({ from: '/datasets/$id' });
  const { can } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const dataset = useQuery({
    queryKey: ['dataset', id],
    queryFn: async () => (await unwrap(api.GET('/api/v1/datasets/{id}', { params: { path: { id } } }))) as Dataset,
  });
  const [applied, setApplied] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/datasets/{id}', { params: { path: { id } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['datasets'] });
      await navigate({ to: '/datasets' });
    },
  });
  if (dataset.isPending) return <Skeleton className="h-64 w-full" />;
  if (dataset.error)
    return (
      <ErrorNote>
        {messageOf(dataset.error)}{' '}
        <Link to="/datasets" className="underline">
          Back to datasets
        </Link>
      </ErrorNote>
    );
  const data = dataset.data;
  const quality = data.quality;
  return (
    <div className="space-y-6">
      <PageHeader
        title={data.name}
        description={
          <>
            Detected as <Badge tone="blue">{data.platform}</Badge>
            {data.platformConfidence !== undefined && <> ({formatPercent(data.platformConfidence * 100, 0)} sure)</>}
          </>
        }
        actions={
          can('datasets:delete') ? (
            <ConfirmButton label="Delete dataset" title={`Delete ${data.name}?`} onConfirm={() => remove.mutate()}>
              The file and its rows are removed.
            </ConfirmButton>
          ) : undefined
        }
      />
      {remove.error && <ErrorNote>{messageOf(remove.error)}</ErrorNote>}
      <Card className="px-5 py-4">
        <dl className="grid grid-cols-2 gap-4 md:grid-cols-4">
          <Stat label="Rows" value={formatNumber(data.rows)} />
          <Stat label="From" value={formatDate(data.dateRange?.from)} />
          <Stat label="To" value={formatDate(data.dateRange?.to)} />
          <Stat label="Currencies" value={data.currencies?.join(', ') || '–'} />
        </dl>
      </Card>
      {quality && (
        <Card>
          <CardHeader
            title="Data quality"
            description={`${keptRowsText(quality)} ${quality.duplicates === 0 ? 'No duplicate rows.' : `${formatNumber(quality.duplicates)} duplicate rows.`}`}
          />
          {quality.warnings.length === 0 ? (
            <p className="px-5 py-4 text-sm text-emerald-700">No warnings.</p>
          ) : (
            <WarningList warnings={quality.warnings} />
          )}
        </Card>
      )}
      {applied && (
        <p className="rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-800" role="status">
          {applied}
        </p>
      )}
      <MappingEditor
        key={JSON.stringify(data.mapping)}
        dataset={data}
        editable={can('datasets:upload')}
        onApplied={(after) =>
          setApplied(`Mapping applied: ${formatNumber(after.rows)} rows rebuilt with the new columns.`)
        }
      />
      <DatasetPreview key={`${data.id}-${data.rows}`} id={id} rows={data.rows} />
    </div>
  );
}
