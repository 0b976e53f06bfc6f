import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useRef, useState, type DragEvent } from 'react';
import { api, unwrap } from '../api/client';
import { messageOf } from '../api/problem';
import type { Dataset } from '../api/types';
import { uploadDataset } from '../api/upload';
import { useAuth } from '../auth';
import { Button } from '../components/ui/button';
import { Badge, Card, EmptyState, ErrorNote, PageHeader, Skeleton } from '../components/ui/card';
import { ConfirmButton } from '../components/ui/confirm';
import { formatBytes, formatDate, formatDateTime, formatNumber } from '../lib/format';

interface UploadState {
  key: string;
  name: string;
  progress: number;
  phase: 'uploading' | 'processing' | 'done' | 'failed';
  error?: string;
  datasetId?: string;
}

export function useDatasets() {
  return useQuery({
    queryKey: ['datasets'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/datasets', { params: { query: { limit: 100 } } }))).items as Dataset[],
  });
}

function UploadZone() {
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const update = (key: string, patch: Partial<UploadState>) =>
    setUploads((all) => all.map((item) => (item.key === key ? { ...item, ...patch } : item)));

  async function start(files: FileList | File[]) {
    for (const file of Array.from(files)) {
      const key = `${file.name}-${Date.now()}-${Math.random()}`;
      setUploads((all) => [...all, { key, name: file.name, progress: 0, phase: 'uploading' }]);
      try {
        const dataset = await uploadDataset(file, (fraction) =>
          update(key, { progress: fraction, phase: fraction >= 1 ? 'processing' : 'uploading' }),
        );
        update(key, { phase: 'done', progress: 1, datasetId: dataset.id });
        await queryClient.invalidateQueries({ queryKey: ['datasets'] });
      } catch (error) {
        update(key, { phase: 'failed', error: messageOf(error) });
      }
    }
  }

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    if (event.dataTransfer.files.length > 0) void start(event.dataTransfer.files);
  };

  return (
    <div className="mb-8 space-y-3">
      <div
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
        data-testid="upload-zone"
        className={`flex flex-col items-center justify-center rounded-lg border-2 border-dashed px-6 py-10 text-center transition-colors ${over ? 'border-brand-500 bg-brand-50' : 'border-slate-300 bg-white'}`}
      >
        <p className="text-sm font-medium text-slate-800">Drop campaign exports here</p>
        <p className="mt-1 text-sm text-slate-600">
          CSV, TSV or XLSX from Google Ads, Meta, LinkedIn, TikTok, DV360 and more; one or several at once.
        </p>
        <Button variant="secondary" className="mt-4" onClick={() => input.current?.click()}>
          Choose files
        </Button>
        <input
          ref={input}
          type="file"
          multiple
          accept=".csv,.tsv,.txt,.xlsx"
          className="sr-only"
          aria-label="Choose export files to upload"
          data-testid="upload-input"
          onChange={(event) => {
            if (event.target.files) void start(event.target.files);
            event.target.value = '';
          }}
        />
      </div>
      {uploads.length > 0 && (
        <ul className="space-y-2" aria-label="Uploads">
          {uploads.map((upload) => (
            <li key={upload.key} className="rounded-md border border-slate-200 bg-white px-4 py-3">
              <div className="flex items-center justify-between gap-3 text-sm">
                <span className="font-medium">{upload.name}</span>
                <span className="text-slate-600">
                  {upload.phase === 'uploading' && `Uploading ${Math.round(upload.progress * 100)} %`}
                  {upload.phase === 'processing' && 'Processing…'}
                  {upload.phase === 'done' && upload.datasetId && (
                    <Link to="/datasets/$id" params={{ id: upload.datasetId }} className="text-brand-700 underline">
                      Ready: review the mapping
                    </Link>
                  )}
                  {upload.phase === 'failed' && <span className="text-red-700">Refused</span>}
                </span>
              </div>
              <div
                role="progressbar"
                aria-label={`Upload of ${upload.name}`}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(upload.progress * 100)}
                className="mt-2 h-1.5 overflow-hidden rounded-full bg-slate-100"
              >
                <div
                  className={`h-full transition-all ${upload.phase === 'failed' ? 'bg-red-500' : upload.phase === 'done' ? 'bg-emerald-500' : 'bg-brand-500'} ${upload.phase === 'processing' ? 'animate-pulse' : ''}`}
                  style={{ width: `${Math.round(upload.progress * 100)}%` }}
                />
              </div>
              {upload.error && (
                <p role="alert" className="mt-2 text-sm text-red-700">
                  {upload.error}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function DatasetsPage() {
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const datasets = useDatasets();
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/datasets/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['datasets'] }),
  });
  return (
    <>
      <PageHeader
        title="Datasets"
        description="Platform exports, mapped to one schema and ready to analyse."
        actions={
          datasets.data && datasets.data.length > 0 && can('analyses:create') ? (
            <Link
              to="/analyses/new"
              className="inline-flex h-9 items-center rounded-md bg-brand-600 px-4 text-sm font-medium text-white hover:bg-brand-700"
            >
              New analysis
            </Link>
          ) : undefined
        }
      />
      {can('datasets:upload') && <UploadZone />}
      {remove.error && <ErrorNote>{messageOf(remove.error)}</ErrorNote>}
      {datasets.isPending ? (
        <div className="space-y-2">
          {[0, 1, 2].map((n) => (
            <Skeleton key={n} className="h-16 w-full" />
          ))}
        </div>
      ) : datasets.error ? (
        <ErrorNote>{messageOf(datasets.error)}</ErrorNote>
      ) : datasets.data.length === 0 ? (
        <EmptyState title="No datasets yet">
          {can('datasets:upload')
            ? 'Drop an export from an ad platform above: its platform, columns and currency are detected for you.'
            : 'Nobody has uploaded data yet. Ask an analyst to upload your platform exports.'}
        </EmptyState>
      ) : (
        <Card className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th className="px-4 py-3 font-medium">Name</th>
                <th className="px-4 py-3 font-medium">Platform</th>
                <th className="px-4 py-3 text-right font-medium">Rows</th>
                <th className="px-4 py-3 font-medium">Dates</th>
                <th className="px-4 py-3 font-medium">Currencies</th>
                <th className="px-4 py-3 text-right font-medium">Size</th>
                <th className="px-4 py-3 font-medium">Uploaded</th>
                {can('datasets:delete') && (
                  <th className="px-4 py-3">
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {datasets.data.map((dataset) => (
                <tr key={dataset.id} className="hover:bg-slate-50">
                  <td className="px-4 py-3">
                    <Link
                      to="/datasets/$id"
                      params={{ id: dataset.id }}
                      className="font-medium text-brand-700 hover:underline"
                    >
                      {dataset.name}
                    </Link>
                  </td>
                  <td className="px-4 py-3">
                    <Badge tone="blue">{dataset.platform}</Badge>
                  </td>
                  <td className="px-4 py-3 text-right tabular-nums">{formatNumber(dataset.rows)}</td>
                  <td className="px-4 py-3 whitespace-nowrap">
                    {formatDate(dataset.dateRange?.from)} – {formatDate(dataset.dateRange?.to)}
                  </td>
                  <td className="px-4 py-3">{dataset.currencies?.join(', ') || '–'}</td>
                  <td className="px-4 py-3 text-right tabular-nums">{formatBytes(dataset.bytes)}</td>
                  <td className="px-4 py-3 whitespace-nowrap text-slate-600">{formatDateTime(dataset.createdAt)}</td>
                  {can('datasets:delete') && (
                    <td className="px-4 py-3 text-right">
                      <ConfirmButton
                        label={
                          <>
                            Delete<span className="sr-only"> {dataset.name}</span>
                          </>
                        }
                        title={`Delete ${dataset.name}?`}
                        onConfirm={() => remove.mutate(dataset.id)}
                      >
                        The file and its rows are removed. Analyses made from it keep their results.
                      </ConfirmButton>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </>
  );
}
