import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useMemo, useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import { Button } from '../components/ui/button';
import { Card, EmptyState, ErrorNote, PageHeader, Skeleton } from '../components/ui/card';
import { SelectField, TextField } from '../components/ui/field';
import { formatDate, formatNumber } from '../lib/format';
import { labelOf } from '../../../src/analysis/labels';
import { useDatasets } from './datasets';
import type { Comparison } from '../api/types';

type Preset = 'all' | 'last7' | 'last30' | 'month' | 'custom';
const FILTER_DIMENSIONS = ['platform', 'campaign', 'channel', 'device'] as const;

function shift(date: string, days: number): string {
  const value = new Date(`${date}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

export function NewAnalysisPage() {
  const datasets = useDatasets();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [preset, setPreset] = useState<Preset>('all');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [filterDimension, setFilterDimension] = useState<(typeof FILTER_DIMENSIONS)[number]>('platform');
  const [filterValues, setFilterValues] = useState('');
  const [comparison, setComparison] = useState<NonNullable<Comparison>>('previous');

  const chosen = (datasets.data ?? []).filter((dataset) => selected.includes(dataset.id));
  const currencies = [
    ...new Set(chosen.flatMap((dataset) => dataset.currencies ?? []).filter((code) => /^[A-Z]{3}$/.test(code))),
  ].sort();
  const [convertTo, setConvertTo] = useState('');
  const [rates, setRates] = useState<Record<string, string>>({});
  const conversion =
    convertTo && currencies.includes(convertTo)
      ? {
          to: convertTo,
          rates: Object.fromEntries(
            currencies.filter((code) => code !== convertTo).map((code) => [code, Number(rates[code] ?? '')]),
          ),
        }
      : undefined;
  const dataEnd = chosen
    .map((dataset) => dataset.dateRange?.to ?? '')
    .filter(Boolean)
    .sort()
    .pop();
  const range = useMemo(() => {
    if (preset === 'custom') return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
    if (!dataEnd || preset === 'all') return undefined;
    if (preset === 'last7') return { from: shift(dataEnd, -6), to: dataEnd };
    if (preset === 'last30') return { from: shift(dataEnd, -29), to: dataEnd };
    return { from: `${dataEnd.slice(0, 7)}-01`, to: dataEnd };
  }, [preset, from, to, dataEnd]);

  const create = useMutation({
    mutationFn: () => {
      const values = filterValues
        .split(',')
        .map((value) => value.trim())
        .filter(Boolean);
      return unwrap(
        api.POST('/api/v1/analyses', {
          body: {
            datasetIds: selected,
            ...(name.trim() ? { name: name.trim() } : {}),
            ...(range ? { dateRange: range } : {}),
            ...(values.length > 0 ? { filters: [{ dimension: filterDimension, values }] } : {}),
            comparison,
            ...(conversion ? { conversion } : {}),
          },
        }),
      );
    },
    onSuccess: (analysis) => navigate({ to: '/analyses/$id', params: { id: analysis.id } }),
  });
  const error = create.error instanceof ApiError ? create.error : undefined;

  if (datasets.isPending) return <Skeleton className="h-64 w-full" />;
  if ((datasets.data ?? []).length === 0) {
    return (
      <EmptyState
        title="Nothing to analyse yet"
        action={
          <Link to="/datasets" className="text-brand-700 underline">
            Go to Datasets
          </Link>
        }
      >
        Upload at least one platform export first.
      </EmptyState>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <>
      <PageHeader
        title="New analysis"
        description="Choose the data, the period, any filters and what to compare it with."
      />
      <form onSubmit={submit} className="grid gap-6 lg:grid-cols-3">
        <Card className="p-5 lg:col-span-2">
          <fieldset>
            <legend className="text-sm font-semibold">Datasets</legend>
            <ul className="mt-3 divide-y divide-slate-100 rounded-md border border-slate-200">
              {(datasets.data ?? []).map((dataset) => (
                <li key={dataset.id}>
                  <label className="flex cursor-pointer items-center gap-3 px-4 py-2.5 text-sm hover:bg-slate-50">
                    <input
                      type="checkbox"
                      checked={selected.includes(dataset.id)}
                      onChange={(event) =>
                        setSelected(
                          event.target.checked ? [...selected, dataset.id] : selected.filter((id) => id !== dataset.id),
                        )
                      }
                      className="h-4 w-4"
                    />
                    <span className="font-medium">{dataset.name}</span>
                    <span className="text-slate-600">
                      {dataset.platform} · {formatNumber(dataset.rows)} rows · {formatDate(dataset.dateRange?.from)} –{' '}
                      {formatDate(dataset.dateRange?.to)}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            {error?.fieldError('/body/datasetIds') && (
              <p className="mt-1 text-xs text-red-700">{error.fieldError('/body/datasetIds')}</p>
            )}
          </fieldset>
        </Card>
        <Card className="space-y-4 p-5">
          <TextField
            label="Name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="e.g. November campaigns"
            error={error?.fieldError('/body/name')}
          />
          <SelectField label="Period" value={preset} onChange={(event) => setPreset(event.target.value as Preset)}>
            <option value="all">All the data</option>
            <option value="last7">Last 7 days of the data</option>
            <option value="last30">Last 30 days of the data</option>
            <option value="month">This month (of the data)</option>
            <option value="custom">Custom</option>
          </SelectField>
          {preset === 'custom' && (
            <div className="grid grid-cols-2 gap-3">
              <TextField
                label="From"
                type="date"
                value={from}
                onChange={(event) => setFrom(event.target.value)}
                error={error?.fieldError('/body/dateRange/from')}
              />
              <TextField
                label="To"
                type="date"
                value={to}
                onChange={(event) => setTo(event.target.value)}
                error={error?.fieldError('/body/dateRange/to')}
              />
            </div>
          )}
          <SelectField
            label="Compare with"
            value={comparison}
            onChange={(event) => setComparison(event.target.value as NonNullable<Comparison>)}
            error={error?.fieldError('/body/comparison')}
          >
            <option value="previous">The period just before (same length)</option>
            <option value="year">The same period last year</option>
            <option value="none">No comparison</option>
          </SelectField>
          {currencies.length > 1 && (
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium text-slate-800">Currencies</legend>
              <SelectField
                label="Money in several currencies"
                value={convertTo}
                onChange={(event) => setConvertTo(event.target.value)}
              >
                <option value="">Report each currency apart (never summed)</option>
                {currencies.map((code) => (
                  <option key={code} value={code}>
                    Convert everything to {code}
                  </option>
                ))}
              </SelectField>
              {convertTo &&
                currencies
                  .filter((code) => code !== convertTo)
                  .map((code) => (
                    <TextField
                      key={code}
                      label={`1 ${code} = ? ${convertTo}`}
                      type="number"
                      inputMode="decimal"
                      min="0"
                      step="any"
                      required
                      value={rates[code] ?? ''}
                      onChange={(event) => setRates({ ...rates, [code]: event.target.value })}
                      error={error?.fieldError(`/body/conversion/rates/${code}`)}
                    />
                  ))}
              {error?.fieldError('/rates') && <p className="text-xs text-red-700">{error.fieldError('/rates')}</p>}
            </fieldset>
          )}
          <div className="grid grid-cols-2 gap-3">
            <SelectField
              label="Filter by"
              value={filterDimension}
              onChange={(event) => setFilterDimension(event.target.value as (typeof FILTER_DIMENSIONS)[number])}
            >
              {FILTER_DIMENSIONS.map((dimension) => (
                <option key={dimension} value={dimension}>
                  {labelOf(dimension)}
                </option>
              ))}
            </SelectField>
            <TextField
              label="Values"
              value={filterValues}
              onChange={(event) => setFilterValues(event.target.value)}
              placeholder="comma-separated"
              error={error?.fieldError('/body/filters/0/values')}
            />
          </div>
          {create.error && !error?.problem.errors && <ErrorNote>{messageOf(create.error)}</ErrorNote>}
          <Button type="submit" className="w-full" disabled={selected.length === 0 || create.isPending}>
            {create.isPending ? 'Analysing…' : 'Create analysis'}
          </Button>
        </Card>
      </form>
    </>
  );
}
