import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { ApiError, messageOf, type Problem } from '../../api/problem';
import { currentAccessToken, refreshAccessToken } from '../../api/session';
import { Button } from '../../components/ui/button';
import { Card, CardHeader, ErrorNote, PageHeader, Skeleton } from '../../components/ui/card';
import { ConfirmButton } from '../../components/ui/confirm';
import { SelectField, TextField } from '../../components/ui/field';
import { formatDate, formatMoney, formatNumber } from '../../lib/format';

interface Budget {
  id: string;
  scope: 'campaign' | 'platform';
  name: string;
  amount: number;
  currency: string | null;
  startDate: string;
  endDate: string;
}

async function uploadCsv(file: File): Promise<number> {
  const send = () => {
    const form = new FormData();
    form.append('file', file);
    return fetch('/api/v1/budgets/upload', {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${currentAccessToken() ?? ''}` },
    });
  };
  let response = await send();
  if (response.status === 401 && (await refreshAccessToken())) response = await send();
  const body = (await response.json().catch(() => ({}))) as { items?: unknown[] } & Partial<Problem>;
  if (response.status !== 201) throw new ApiError(response.status, body);
  return body.items?.length ?? 0;
}

/** "/rows/3/amount" → "Row 3 (line 4): amount must be …": the file's own numbering, header being line 1. */
function rowMessage(error: { field: string; message: string }): string {
  const match = /^\/rows\/(\d+)\/(\w+)$/.exec(error.field);
  if (!match) return `${error.field}: ${error.message}`;
  const row = Number(match[1]);
  return `Row ${row} (line ${row + 1}): ${match[2]} ${error.message}`;
}

const EMPTY = { scope: 'campaign' as Budget['scope'], name: '', amount: '', currency: '', startDate: '', endDate: '' };

export function BudgetsPage() {
  const queryClient = useQueryClient();
  const file = useRef<HTMLInputElement>(null);
  const [form, setForm] = useState(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const budgets = useQuery({
    queryKey: ['budgets'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/budgets'))).items as unknown as Budget[],
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['budgets'] });
  const add = useMutation({
    mutationFn: () => {
      const body = {
        scope: form.scope,
        name: form.name,
        amount: Number(form.amount),
        currency: form.currency === '' ? null : form.currency.toUpperCase(),
        startDate: form.startDate,
        endDate: form.endDate,
      };
      return editing === null
        ? unwrap(api.POST('/api/v1/budgets', { body }))
        : unwrap(api.PUT('/api/v1/budgets/{id}', { params: { path: { id: editing } }, body }));
    },
    onSuccess: () => {
      setNotice(`Budget "${form.name}" ${editing === null ? 'added' : 'saved'}.`);
      setForm(EMPTY);
      setEditing(null);
      void refresh();
    },
  });
  const edit = (budget: Budget) => {
    setNotice(null);
    add.reset();
    setEditing(budget.id);
    setForm({
      scope: budget.scope,
      name: budget.name,
      amount: String(budget.amount),
      currency: budget.currency ?? '',
      startDate: budget.startDate,
      endDate: budget.endDate,
    });
  };
  const upload = useMutation({
    mutationFn: uploadCsv,
    onSuccess: (count) => {
      setNotice(`${formatNumber(count)} budget${count === 1 ? '' : 's'} added from the file.`);
      void refresh();
    },
    onSettled: () => {
      if (file.current) file.current.value = '';
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/budgets/{id}', { params: { path: { id } } })),
    onSettled: refresh,
  });
  const fieldError = (field: string) => (add.error instanceof ApiError ? add.error.fieldError(field) : undefined);
  const set = (key: keyof typeof EMPTY) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    add.mutate();
  };
  const rowErrors = upload.error instanceof ApiError ? (upload.error.problem.errors ?? []) : [];
  return (
    <>
      <PageHeader
        title="Budgets"
        description="Planned spend per campaign or platform over a flight: the pacing of analyses reads them."
      />
      <div className="space-y-6">
        {notice && (
          <p role="status" className="text-sm text-emerald-700">
            {notice}
          </p>
        )}
        <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
          <Card>
            <CardHeader
              title={
                editing === null
                  ? 'Add a budget'
                  : `Edit "${budgets.data?.find((budget) => budget.id === editing)?.name ?? ''}"`
              }
            />
            <form onSubmit={submit} className="grid gap-4 px-5 py-4 sm:grid-cols-3">
              <SelectField label="Scope" value={form.scope} onChange={set('scope')}>
                <option value="campaign">Campaign</option>
                <option value="platform">Platform</option>
              </SelectField>
              <TextField
                className="sm:col-span-2"
                label={form.scope === 'campaign' ? 'Campaign name' : 'Platform'}
                value={form.name}
                onChange={set('name')}
                required
                error={fieldError('/body/name')}
              />
              <TextField
                label="Amount"
                type="number"
                min="0.01"
                step="0.01"
                value={form.amount}
                onChange={set('amount')}
                required
                error={fieldError('/body/amount')}
              />
              <TextField
                label="Currency (optional)"
                value={form.currency}
                maxLength={3}
                placeholder="EUR"
                onChange={set('currency')}
                error={fieldError('/body/currency')}
              />
              <div />
              <TextField
                label="Starts"
                type="date"
                value={form.startDate}
                onChange={set('startDate')}
                required
                error={fieldError('/body/startDate')}
              />
              <TextField
                label="Ends"
                type="date"
                value={form.endDate}
                onChange={set('endDate')}
                required
                error={fieldError('/body/endDate')}
              />
              <div className="flex items-end gap-2">
                <Button type="submit" disabled={add.isPending}>
                  {editing === null ? 'Add budget' : 'Save budget'}
                </Button>
                {editing !== null && (
                  <Button
                    variant="ghost"
                    onClick={() => {
                      setEditing(null);
                      setForm(EMPTY);
                    }}
                  >
                    Cancel
                  </Button>
                )}
              </div>
              {add.error && !fieldError('/body/name') && (
                <div className="sm:col-span-3">
                  <ErrorNote>{messageOf(add.error)}</ErrorNote>
                </div>
              )}
            </form>
          </Card>
          <Card>
            <CardHeader
              title="Upload a CSV"
              description="Columns scope, name, amount, startDate, endDate and optionally currency. All rows or none are stored."
            />
            <div className="space-y-3 px-5 py-4">
              <label htmlFor="budget-csv" className="block text-sm font-medium text-slate-700">
                Budget file (.csv)
              </label>
              <input
                id="budget-csv"
                ref={file}
                type="file"
                accept=".csv,text/csv"
                className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm"
                onChange={(event) => {
                  const chosen = event.target.files?.[0];
                  setNotice(null);
                  if (chosen) upload.mutate(chosen);
                }}
              />
              {upload.isPending && <p className="text-sm text-slate-600">Uploading…</p>}
              {upload.error && (
                <ErrorNote>
                  <p>{messageOf(upload.error)}</p>
                  {rowErrors.length > 0 && (
                    <ul className="mt-2 list-disc space-y-0.5 pl-5" aria-label="Rows with problems">
                      {rowErrors.map((error) => (
                        <li key={`${error.field}-${error.message}`}>{rowMessage(error)}</li>
                      ))}
                    </ul>
                  )}
                </ErrorNote>
              )}
            </div>
          </Card>
        </div>
        {remove.error && <ErrorNote>{messageOf(remove.error)}</ErrorNote>}
        <Card>
          <CardHeader title="All budgets" />
          {budgets.isPending ? (
            <Skeleton className="m-5 h-20" />
          ) : budgets.error ? (
            <div className="p-5">
              <ErrorNote>{messageOf(budgets.error)}</ErrorNote>
            </div>
          ) : budgets.data.length === 0 ? (
            <p className="px-5 py-6 text-sm text-slate-600">No budget yet.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                  <tr>
                    <th scope="col" className="px-5 py-2">
                      Name
                    </th>
                    <th scope="col" className="px-3 py-2">
                      Scope
                    </th>
                    <th scope="col" className="px-3 py-2 text-right">
                      Amount
                    </th>
                    <th scope="col" className="px-3 py-2">
                      Flight
                    </th>
                    <th scope="col" className="px-5 py-2 text-right">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {budgets.data.map((budget) => (
                    <tr key={budget.id}>
                      <td className="px-5 py-2 font-medium text-slate-900">{budget.name}</td>
                      <td className="px-3 py-2 capitalize text-slate-700">{budget.scope}</td>
                      <td className="px-3 py-2 text-right tabular-nums">
                        {budget.currency ? formatMoney(budget.amount, budget.currency) : formatNumber(budget.amount, 2)}
                      </td>
                      <td className="px-3 py-2 text-slate-700">
                        {formatDate(budget.startDate)} – {formatDate(budget.endDate)}
                      </td>
                      <td className="space-x-2 px-5 py-2 text-right">
                        <Button variant="secondary" size="sm" onClick={() => edit(budget)}>
                          Edit
                        </Button>
                        <ConfirmButton
                          label="Delete"
                          title={`Delete the budget "${budget.name}"?`}
                          onConfirm={() => remove.mutate(budget.id)}
                        >
                          Pacing stops comparing this flight with its plan.
                        </ConfirmButton>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </>
  );
}
