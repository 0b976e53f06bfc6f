import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Navigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { messageOf } from '../api/problem';
import { useAuth } from '../auth';
import { Card, EmptyState, ErrorNote, PageHeader, Skeleton } from '../components/ui/card';
import { ConfirmButton } from '../components/ui/confirm';
import { formatDateTime } from '../lib/format';

const newLink =
  'inline-flex h-9 items-center rounded-md bg-brand-600 px-4 text-sm font-medium text-white hover:bg-brand-700';

/** The landing page: a role that reads no analyses (an auditor) is sent to its console instead of a refusal. */
export function AnalysesPage() {
  const { can } = useAuth();
  return can('analyses:read') ? <AnalysesList /> : <Navigate to="/console" replace />;
}

function AnalysesList() {
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const analyses = useQuery({
    queryKey: ['analyses'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/analyses', { params: { query: { limit: 100 } } }))).items,
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/analyses/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['analyses'] }),
  });
  const shown = (analyses.data ?? []).filter((item) => item.name.toLowerCase().includes(search.trim().toLowerCase()));
  return (
    <>
      <PageHeader
        title="Analyses"
        description="Every analysis of your organisation, newest first."
        actions={
          can('analyses:create') ? (
            <Link to="/analyses/new" className={newLink}>
              New analysis
            </Link>
          ) : undefined
        }
      />
      {remove.error && <ErrorNote>{messageOf(remove.error)}</ErrorNote>}
      {analyses.isPending ? (
        <div className="space-y-2">
          {[0, 1, 2].map((n) => (
            <Skeleton key={n} className="h-14 w-full" />
          ))}
        </div>
      ) : analyses.error ? (
        <ErrorNote>{messageOf(analyses.error)}</ErrorNote>
      ) : analyses.data.length === 0 ? (
        <EmptyState
          title="No analyses yet"
          action={
            can('datasets:upload') ? (
              <Link to="/datasets" className={newLink}>
                Upload data
              </Link>
            ) : undefined
          }
        >
          {can('analyses:create')
            ? 'Upload your platform exports on the Datasets page, then create an analysis from them.'
            : 'When an analyst creates an analysis, it appears here.'}
        </EmptyState>
      ) : (
        <>
          <div className="mb-4 max-w-sm">
            <label htmlFor="analysis-search" className="sr-only">
              Search analyses
            </label>
            <input
              id="analysis-search"
              type="search"
              placeholder="Search by name"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
            />
          </div>
          <Card>
            <ul className="divide-y divide-slate-100">
              {shown.map((item) => (
                <li key={item.id} className="flex items-center justify-between gap-4 px-5 py-3">
                  <div>
                    <Link
                      to="/analyses/$id"
                      params={{ id: item.id }}
                      className="font-medium text-brand-700 hover:underline"
                    >
                      {item.name}
                    </Link>
                    <p className="text-xs text-slate-500">
                      {formatDateTime(item.createdAt)} · {item.datasetIds.length} dataset
                      {item.datasetIds.length > 1 ? 's' : ''}
                    </p>
                  </div>
                  {can('analyses:delete') && (
                    <ConfirmButton
                      label={
                        <>
                          Delete<span className="sr-only"> {item.name}</span>
                        </>
                      }
                      title={`Delete ${item.name}?`}
                      onConfirm={() => remove.mutate(item.id)}
                    >
                      The analysis, its insights and their ratings are removed.
                    </ConfirmButton>
                  )}
                </li>
              ))}
              {shown.length === 0 && (
                <li className="px-5 py-6 text-sm text-slate-600">No analysis matches “{search}”.</li>
              )}
            </ul>
          </Card>
        </>
      )}
    </>
  );
}
