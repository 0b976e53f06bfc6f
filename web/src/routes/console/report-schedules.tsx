import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { ApiError, messageOf } from '../../api/problem';
import { useAuth } from '../../auth';
import { Button } from '../../components/ui/button';
import { Badge, Card, CardHeader, EmptyState, ErrorNote, PageHeader, Skeleton } from '../../components/ui/card';
import { ConfirmButton } from '../../components/ui/confirm';
import { SelectField, TextField } from '../../components/ui/field';
import { formatDateTime, formatNumber } from '../../lib/format';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const FORMATS = [
  { value: 'pdf', label: 'PDF deck' },
  { value: 'pptx', label: 'PowerPoint deck' },
  { value: 'xlsx', label: 'Excel workbook' },
  { value: 'csv', label: 'CSV' },
  { value: 'md', label: 'Markdown' },
  { value: 'json', label: 'JSON' },
] as const;

type Cadence =
  | { kind: 'daily'; time: string }
  | { kind: 'weekly'; weekday: (typeof WEEKDAYS)[number]; time: string }
  | { kind: 'monthly'; day: number; time: string };
type Destination = { kind: 'email'; to: string[] } | { kind: 'webhook'; channelId: string };

interface Schedule {
  id: string;
  name: string;
  report: { basedOn: string | null };
  format: string;
  cadence: Cadence;
  destination: Destination;
  enabled: boolean;
  nextRunAt: string;
  failedAttempts: number;
}

interface Run {
  id: string;
  trigger: 'schedule' | 'manual';
  attempt: number;
  startedAt: string;
  outcome: 'running' | 'delivered' | 'retrying' | 'failed';
  error: string | null;
  bytes: number | null;
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "Every Monday at 08:00 UTC": the cadence as the person who set it would say it. */
function cadenceText(cadence: Cadence): string {
  if (cadence.kind === 'daily') return `Every day at ${cadence.time} UTC`;
  if (cadence.kind === 'weekly') return `Every ${capital(cadence.weekday)} at ${cadence.time} UTC`;
  return `Monthly on day ${cadence.day}${cadence.day > 28 ? ' (or the last day)' : ''} at ${cadence.time} UTC`;
}

const OUTCOME_TONE = { delivered: 'green', running: 'blue', retrying: 'amber', failed: 'red' } as const;

function RunHistory({ id }: { id: string }) {
  const runs = useQuery({
    queryKey: ['report-runs', id],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/report-schedules/{id}/runs', { params: { path: { id }, query: { limit: 10 } } })))
        .items as unknown as Run[],
  });
  if (runs.isPending) return <Skeleton className="h-10" />;
  if (runs.error) return <ErrorNote>{messageOf(runs.error)}</ErrorNote>;
  if (runs.data.length === 0) return <p className="text-sm text-slate-600">No run yet.</p>;
  return (
    <ul className="space-y-1 text-sm" aria-label="Last runs">
      {runs.data.map((run) => (
        <li key={run.id} className="flex flex-wrap items-center gap-2">
          <Badge tone={OUTCOME_TONE[run.outcome]}>{capital(run.outcome)}</Badge>
          <span className="text-slate-700">{formatDateTime(run.startedAt)}</span>
          <span className="text-slate-500">{run.trigger === 'manual' ? 'run by hand' : `attempt ${run.attempt}`}</span>
          {run.bytes !== null && <span className="text-slate-500">{formatNumber(Math.ceil(run.bytes / 1024))} KB</span>}
          {run.error && <span className="text-red-700">{run.error}</span>}
        </li>
      ))}
    </ul>
  );
}

const EMPTY = {
  name: '',
  analysisId: '',
  format: 'pdf',
  kind: 'weekly' as Cadence['kind'],
  weekday: 'monday' as (typeof WEEKDAYS)[number],
  day: '1',
  time: '08:00',
  to: '',
  channelId: '',
};

export function ReportSchedulesPage() {
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const manage = can('reports:manage');
  const [form, setForm] = useState(EMPTY);
  const [notice, setNotice] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const schedules = useQuery({
    queryKey: ['report-schedules'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/report-schedules', { params: { query: { limit: 100 } } })))
        .items as unknown as Schedule[],
  });
  const analyses = useQuery({
    queryKey: ['analyses'],
    enabled: manage,
    queryFn: async () => (await unwrap(api.GET('/api/v1/analyses', { params: { query: { limit: 100 } } }))).items,
  });
  const canChannels = can('monitoring:read');
  const channels = useQuery({
    queryKey: ['alert-channels'],
    enabled: manage && canChannels,
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/alerts/channels'))).items as unknown as { id: string; name: string }[],
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['report-schedules'] });

  const create = useMutation({
    mutationFn: () => {
      const cadence: Cadence =
        form.kind === 'daily'
          ? { kind: 'daily', time: form.time }
          : form.kind === 'weekly'
            ? { kind: 'weekly', weekday: form.weekday, time: form.time }
            : { kind: 'monthly', day: Number(form.day), time: form.time };
      const destination: Destination = form.channelId
        ? { kind: 'webhook', channelId: form.channelId }
        : { kind: 'email', to: form.to.split(/[\s,;]+/).filter(Boolean) };
      const body = {
        name: form.name,
        report: { kind: 'analysis' as const, analysisId: form.analysisId },
        format: form.format as (typeof FORMATS)[number]['value'],
        cadence,
        destination,
      };
      return unwrap(api.POST('/api/v1/report-schedules', { body }));
    },
    onSuccess: () => {
      setNotice(`Schedule "${form.name}" saved.`);
      setForm(EMPTY);
      void refresh();
    },
  });
  const toggle = useMutation({
    mutationFn: (schedule: Schedule) =>
      unwrap(
        api.PATCH('/api/v1/report-schedules/{id}', {
          params: { path: { id: schedule.id } },
          body: { enabled: !schedule.enabled },
        }),
      ),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/report-schedules/{id}', { params: { path: { id } } })),
    onSettled: refresh,
  });
  const run = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/report-schedules/{id}/run', { params: { path: { id } } })),
    onSettled: (_result, _error, id) => {
      setOpen(id);
      void queryClient.invalidateQueries({ queryKey: ['report-runs', id] });
      void refresh();
    },
  });
  const fieldError = (field: string) => (create.error instanceof ApiError ? create.error.fieldError(field) : undefined);
  const set = (key: keyof typeof EMPTY) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    create.mutate();
  };
  const channelName = (id: string) => channels.data?.find((channel) => channel.id === id)?.name ?? 'a webhook channel';
  const shownError =
    create.error &&
    !['/body/name', '/body/destination', '/body/destination/to', '/body/report/analysisId'].some((field) =>
      fieldError(field),
    )
      ? messageOf(create.error)
      : null;

  return (
    <>
      <PageHeader
        title="Scheduled reports"
        description="A saved analysis rerun on a cadence and sent as a deck or a workbook, by e-mail or to a webhook channel. Times are UTC."
      />
      <div className="space-y-6">
        {notice && (
          <p role="status" className="text-sm text-emerald-700">
            {notice}
          </p>
        )}
        {manage && (
          <Card>
            <CardHeader
              title="Schedule a report"
              description="Each run analyses the saved analysis's datasets again with its options, so a growing dataset gives a fresh report."
            />
            <form onSubmit={submit} className="grid gap-4 px-5 py-4 sm:grid-cols-3" aria-label="Schedule a report">
              <TextField
                label="Name"
                value={form.name}
                onChange={set('name')}
                required
                maxLength={200}
                error={fieldError('/body/name')}
              />
              <SelectField
                label="Analysis"
                value={form.analysisId}
                onChange={set('analysisId')}
                required
                error={fieldError('/body/report/analysisId')}
              >
                <option value="">Choose a saved analysis…</option>
                {(analyses.data ?? []).map((analysis) => (
                  <option key={analysis.id} value={analysis.id}>
                    {analysis.name}
                  </option>
                ))}
              </SelectField>
              <SelectField label="Format" value={form.format} onChange={set('format')}>
                {FORMATS.map((format) => (
                  <option key={format.value} value={format.value}>
                    {format.label}
                  </option>
                ))}
              </SelectField>
              <SelectField label="How often" value={form.kind} onChange={set('kind')}>
                <option value="daily">Every day</option>
                <option value="weekly">Every week</option>
                <option value="monthly">Every month</option>
              </SelectField>
              {form.kind === 'weekly' && (
                <SelectField label="On" value={form.weekday} onChange={set('weekday')}>
                  {WEEKDAYS.map((day) => (
                    <option key={day} value={day}>
                      {capital(day)}
                    </option>
                  ))}
                </SelectField>
              )}
              {form.kind === 'monthly' && (
                <TextField
                  label="Day of the month"
                  type="number"
                  min="1"
                  max="31"
                  value={form.day}
                  onChange={set('day')}
                  required
                  hint="29–31: the last day in shorter months"
                />
              )}
              {form.kind === 'daily' && <div />}
              <TextField
                label="At (UTC)"
                type="time"
                value={form.time}
                onChange={set('time')}
                required
                error={fieldError('/body/cadence/time')}
              />
              <TextField
                className="sm:col-span-2"
                label="E-mail to"
                value={form.to}
                onChange={set('to')}
                disabled={form.channelId !== ''}
                placeholder="client@example.com, boss@example.com"
                error={fieldError('/body/destination') ?? fieldError('/body/destination/to')}
              />
              {canChannels && (
                <SelectField label="Or to a webhook channel" value={form.channelId} onChange={set('channelId')}>
                  <option value="">No, by e-mail</option>
                  {(channels.data ?? []).map((channel) => (
                    <option key={channel.id} value={channel.id}>
                      {channel.name}
                    </option>
                  ))}
                </SelectField>
              )}
              <div className="flex items-end sm:col-span-3">
                <Button type="submit" disabled={create.isPending}>
                  Save schedule
                </Button>
              </div>
              {shownError && (
                <div className="sm:col-span-3">
                  <ErrorNote>{shownError}</ErrorNote>
                </div>
              )}
            </form>
          </Card>
        )}
        {(toggle.error ?? remove.error ?? run.error) && (
          <ErrorNote>{messageOf(toggle.error ?? remove.error ?? run.error)}</ErrorNote>
        )}
        <Card>
          <CardHeader title="Schedules" />
          {schedules.isPending ? (
            <Skeleton className="m-5 h-20" />
          ) : schedules.error ? (
            <div className="p-5">
              <ErrorNote>{messageOf(schedules.error)}</ErrorNote>
            </div>
          ) : schedules.data.length === 0 ? (
            <EmptyState title="No report is scheduled">
              {manage
                ? 'Save an analysis, then schedule it above: it is rerun and sent on its own.'
                : 'An analyst or administrator can schedule reports here.'}
            </EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {schedules.data.map((schedule) => (
                <li key={schedule.id} className="space-y-2 px-5 py-4" data-testid="report-schedule">
                  <div className="flex flex-wrap items-center justify-between gap-3">
                    <div>
                      <p className="font-medium text-slate-900">
                        {schedule.name} {schedule.enabled ? <Badge tone="green">On</Badge> : <Badge>Paused</Badge>}
                      </p>
                      <p className="text-sm text-slate-600">
                        {cadenceText(schedule.cadence)} ·{' '}
                        {FORMATS.find((format) => format.value === schedule.format)?.label ?? schedule.format} ·{' '}
                        {schedule.destination.kind === 'email'
                          ? `to ${schedule.destination.to.join(', ')}`
                          : `to ${channelName(schedule.destination.channelId)}`}
                      </p>
                      <p className="text-xs text-slate-500">
                        {schedule.enabled
                          ? `Next run ${formatDateTime(schedule.nextRunAt)}`
                          : 'Paused: no run until it is turned on again'}
                        {schedule.failedAttempts > 0 &&
                          ` · ${schedule.failedAttempts} failed attempt${schedule.failedAttempts === 1 ? '' : 's'}, retrying`}
                      </p>
                    </div>
                    <div className="flex flex-wrap gap-2">
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-expanded={open === schedule.id}
                        onClick={() => setOpen(open === schedule.id ? null : schedule.id)}
                      >
                        Runs
                      </Button>
                      {manage && (
                        <Button
                          variant="secondary"
                          size="sm"
                          disabled={run.isPending}
                          onClick={() => run.mutate(schedule.id)}
                        >
                          {run.isPending && run.variables === schedule.id ? 'Running…' : 'Run now'}
                        </Button>
                      )}
                      {manage && (
                        <Button variant="secondary" size="sm" onClick={() => toggle.mutate(schedule)}>
                          {schedule.enabled ? 'Pause' : 'Turn on'}
                        </Button>
                      )}
                      {manage && (
                        <ConfirmButton
                          label="Delete"
                          title={`Delete the schedule "${schedule.name}"?`}
                          onConfirm={() => remove.mutate(schedule.id)}
                        >
                          No more reports go out; the analyses it made stay.
                        </ConfirmButton>
                      )}
                    </div>
                  </div>
                  {open === schedule.id && <RunHistory id={schedule.id} />}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
