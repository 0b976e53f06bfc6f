import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { ApiError, messageOf } from '../../api/problem';
import { useAuth } from '../../auth';
import { Button } from '../../components/ui/button';
import { Badge, Card, CardHeader, EmptyState, ErrorNote, PageHeader, Skeleton } from '../../components/ui/card';
import { ConfirmButton } from '../../components/ui/confirm';
import { TextField } from '../../components/ui/field';
import { formatDateTime, formatNumber } from '../../lib/format';
import type { Alert, AlertHistoryEntry, AlertStatus, Channel, Delivery } from './monitoring-types';
import { OneTimeSecret } from './secret';

const SEVERITY_TONE = { info: 'slate', warning: 'amber', critical: 'red' } as const;
const STATUS_TONE = { open: 'red', acknowledged: 'amber', resolved: 'green' } as const;
const TABS: { value: AlertStatus | 'all'; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

export function AlertsPage() {
  const { can } = useAuth();
  return (
    <>
      <PageHeader
        title="Alerts"
        description="What needs attention, who took it on and how it ended; and where alerts are sent."
      />
      <div className="space-y-6">
        <AlertsSection manage={can('alerts:manage')} />
        {can('alerts:manage') && <ChannelsSection />}
      </div>
    </>
  );
}

function AlertsSection({ manage }: { manage: boolean }) {
  const [tab, setTab] = useState<AlertStatus | 'all'>('open');
  const [open, setOpen] = useState<string | null>(null);
  const alerts = useQuery({
    queryKey: ['alerts', tab],
    refetchInterval: 15_000,
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/api/v1/alerts', { params: { query: { limit: 200, ...(tab === 'all' ? {} : { status: tab }) } } }),
        )
      ).items as unknown as Alert[],
  });
  return (
    <Card>
      <div
        className="flex flex-wrap items-center gap-1 border-b border-slate-100 px-5 py-3"
        role="tablist"
        aria-label="Alert status"
      >
        {TABS.map((item) => (
          <button
            key={item.value}
            type="button"
            role="tab"
            aria-selected={tab === item.value}
            onClick={() => setTab(item.value)}
            className={`rounded-md px-3 py-1.5 text-sm font-medium ${tab === item.value ? 'bg-slate-900 text-white' : 'text-slate-700 hover:bg-slate-100'}`}
          >
            {item.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={`${TABS.find((item) => item.value === tab)?.label ?? ''} alerts`}>
        {alerts.isPending ? (
          <Skeleton className="m-5 h-24" />
        ) : alerts.error ? (
          <div className="p-5">
            <ErrorNote>{messageOf(alerts.error)}</ErrorNote>
          </div>
        ) : alerts.data.length === 0 ? (
          <div className="p-5">
            <EmptyState title="Nothing here">
              {tab === 'open' ? 'No open alert: all is quiet.' : 'No alert with this status.'}
            </EmptyState>
          </div>
        ) : (
          <ul className="divide-y divide-slate-100">
            {alerts.data.map((alert) => (
              <AlertRow
                key={alert.id}
                alert={alert}
                manage={manage}
                expanded={open === alert.id}
                onToggle={() => setOpen(open === alert.id ? null : alert.id)}
              />
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}

function AlertRow({
  alert,
  manage,
  expanded,
  onToggle,
}: {
  alert: Alert;
  manage: boolean;
  expanded: boolean;
  onToggle: () => void;
}) {
  const queryClient = useQueryClient();
  const [action, setAction] = useState<'acknowledge' | 'resolve' | null>(null);
  const [note, setNote] = useState('');
  const act = useMutation({
    mutationFn: async (kind: 'acknowledge' | 'resolve') => {
      const body = note.trim() ? { note: note.trim() } : {};
      const params = { path: { id: alert.id } };
      return kind === 'acknowledge'
        ? unwrap(api.POST('/api/v1/alerts/{id}/acknowledge', { params, body }))
        : unwrap(api.POST('/api/v1/alerts/{id}/resolve', { params, body }));
    },
    onSuccess: async () => {
      setAction(null);
      setNote('');
      await queryClient.invalidateQueries({ queryKey: ['alerts'] });
      await queryClient.invalidateQueries({ queryKey: ['alert', alert.id] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (action) act.mutate(action);
  };
  return (
    <li className="px-5 py-4" aria-label={`Alert: ${alert.title}`}>
      <div className="flex flex-wrap items-start gap-3">
        <Badge tone={SEVERITY_TONE[alert.severity]}>{alert.severity}</Badge>
        <div className="min-w-0 flex-1">
          <p className="font-medium text-slate-900">{alert.title}</p>
          {alert.message && <p className="text-sm text-slate-700">{alert.message}</p>}
          <p className="mt-1 text-xs text-slate-600">
            {alert.category} · first {formatDateTime(alert.firstSeenAt)} · last {formatDateTime(alert.lastSeenAt)}
            {alert.count > 1 && ` · seen ${formatNumber(alert.count)} times`}
            {alert.acknowledged && ` · acknowledged by ${alert.acknowledged.by}`}
            {alert.resolved &&
              ` · resolved ${alert.resolved.how === 'auto' ? 'automatically' : `by ${alert.resolved.by ?? 'someone'}`}`}
          </p>
        </div>
        <Badge tone={STATUS_TONE[alert.status]}>{alert.status}</Badge>
        <div className="flex gap-2">
          {manage && alert.status === 'open' && (
            <Button size="sm" variant="secondary" onClick={() => setAction('acknowledge')}>
              Acknowledge
            </Button>
          )}
          {manage && alert.status !== 'resolved' && (
            <Button size="sm" variant="secondary" onClick={() => setAction('resolve')}>
              Resolve
            </Button>
          )}
          <Button size="sm" variant="ghost" aria-expanded={expanded} onClick={onToggle}>
            {expanded ? 'Hide history' : 'History'}
          </Button>
        </div>
      </div>
      {action && (
        <form
          onSubmit={submit}
          className="mt-3 flex flex-wrap items-end gap-2 rounded-md bg-slate-50 p-3"
          aria-label={`${action === 'acknowledge' ? 'Acknowledge' : 'Resolve'} ${alert.title}`}
        >
          <TextField
            className="min-w-64 flex-1"
            label={
              action === 'acknowledge'
                ? 'Note (optional): what you are doing about it'
                : 'Note (optional): how it was resolved'
            }
            value={note}
            maxLength={2000}
            onChange={(event) => setNote(event.target.value)}
          />
          <Button type="submit" disabled={act.isPending}>
            {action === 'acknowledge' ? 'Confirm acknowledgement' : 'Confirm resolution'}
          </Button>
          <Button variant="ghost" onClick={() => setAction(null)}>
            Cancel
          </Button>
          {act.error && (
            <div className="w-full">
              <ErrorNote>{messageOf(act.error)}</ErrorNote>
            </div>
          )}
        </form>
      )}
      {expanded && <AlertHistory id={alert.id} />}
    </li>
  );
}

function AlertHistory({ id }: { id: string }) {
  const detail = useQuery({
    queryKey: ['alert', id],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/alerts/{id}', { params: { path: { id } } }))) as unknown as Alert & {
        history: AlertHistoryEntry[];
      },
  });
  if (detail.isPending) return <Skeleton className="mt-3 h-12" />;
  if (detail.error) return <ErrorNote>{messageOf(detail.error)}</ErrorNote>;
  return (
    <ol className="mt-3 space-y-1 border-l-2 border-slate-200 pl-4 text-sm" aria-label="Alert history">
      {detail.data.history.map((entry, index) => (
        <li key={`${entry.at}-${index}`} className="text-slate-700">
          <span className="tabular-nums text-slate-600">{formatDateTime(entry.at)}</span> ·{' '}
          <strong>{entry.event.replace('_', ' ')}</strong>
          {entry.actor && ` by ${entry.actor}`}
          {entry.note && <span className="text-slate-600">: “{entry.note}”</span>}
        </li>
      ))}
    </ol>
  );
}

function ChannelsSection() {
  const queryClient = useQueryClient();
  const channels = useQuery({
    queryKey: ['alert-channels'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/alerts/channels'))).items as unknown as Channel[],
  });
  const [form, setForm] = useState({ name: '', url: '' });
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [log, setLog] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/alerts/channels', { body: form })),
    onSuccess: async (created) => {
      setSecret({ name: form.name, secret: created.secret });
      setForm({ name: '', url: '' });
      await queryClient.invalidateQueries({ queryKey: ['alert-channels'] });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/alerts/channels/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['alert-channels'] }),
  });
  const [tested, setTested] = useState<{ id: string; text: string } | null>(null);
  const test = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/alerts/channels/{id}/test', { params: { path: { id } } })),
    onSuccess: (result, id) =>
      setTested({
        id,
        text:
          result.outcome === 'delivered'
            ? `Test event delivered (${result.statusClass ?? 'no status'}).`
            : `Test event ${result.outcome}${result.statusClass ? ` (${result.statusClass})` : ''}.`,
      }),
    onError: (error, id) => setTested({ id, text: messageOf(error) }),
  });
  const fieldError = (field: string) => (create.error instanceof ApiError ? create.error.fieldError(field) : undefined);
  return (
    <Card>
      <CardHeader
        title="Webhook channels"
        description="Alerts are POSTed as JSON to each channel, signed with its secret (header x-pca-signature: sha256=HMAC of “timestamp.body”)."
      />
      {secret && (
        <div className="mx-5 mt-4">
          <OneTimeSecret
            label={`Signing secret of “${secret.name}”: each delivery is signed with it.`}
            value={secret.secret}
            onDone={() => setSecret(null)}
          />
        </div>
      )}
      <form
        className="flex flex-wrap items-start gap-3 px-5 py-4"
        aria-label="Add a webhook channel"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <TextField
          label="Name"
          required
          maxLength={100}
          value={form.name}
          error={fieldError('/body/name')}
          onChange={(event) => setForm({ ...form, name: event.target.value })}
        />
        <TextField
          className="min-w-72 flex-1"
          label="URL"
          type="url"
          required
          placeholder="https://hooks.example.com/pca"
          value={form.url}
          error={fieldError('/body/url')}
          onChange={(event) => setForm({ ...form, url: event.target.value })}
        />
        <Button type="submit" className="mt-6" disabled={create.isPending}>
          Add channel
        </Button>
      </form>
      {create.error && !fieldError('/body/url') && !fieldError('/body/name') && (
        <div className="px-5 pb-4">
          <ErrorNote>{messageOf(create.error)}</ErrorNote>
        </div>
      )}
      {remove.error && (
        <div className="px-5 pb-4">
          <ErrorNote>{messageOf(remove.error)}</ErrorNote>
        </div>
      )}
      {channels.isPending ? (
        <Skeleton className="m-5 h-16" />
      ) : channels.error ? (
        <div className="p-5">
          <ErrorNote>{messageOf(channels.error)}</ErrorNote>
        </div>
      ) : channels.data.length === 0 ? (
        <p className="border-t border-slate-100 px-5 py-4 text-sm text-slate-600">
          No channel yet: alerts show here only.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 border-t border-slate-100">
          {channels.data.map((channel) => (
            <li key={channel.id} className="px-5 py-3">
              <div className="flex flex-wrap items-center gap-3">
                <div className="min-w-0 flex-1">
                  <p className="font-medium text-slate-900">{channel.name}</p>
                  <p className="break-all font-mono text-xs text-slate-600">{channel.url}</p>
                </div>
                {!channel.enabled && <Badge>disabled</Badge>}
                <Button size="sm" variant="secondary" disabled={test.isPending} onClick={() => test.mutate(channel.id)}>
                  Send a test
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-expanded={log === channel.id}
                  onClick={() => setLog(log === channel.id ? null : channel.id)}
                >
                  Delivery log
                </Button>
                <ConfirmButton
                  label="Delete"
                  title={`Delete the channel “${channel.name}”?`}
                  onConfirm={() => remove.mutate(channel.id)}
                >
                  Alerts stop going to this address. Its delivery log goes with it.
                </ConfirmButton>
              </div>
              {tested?.id === channel.id && (
                <p role="status" className="mt-2 text-sm text-slate-700">
                  {tested.text}
                </p>
              )}
              {log === channel.id && <DeliveryLog id={channel.id} />}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function DeliveryLog({ id }: { id: string }) {
  const deliveries = useQuery({
    queryKey: ['alert-deliveries', id],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/alerts/channels/{id}/deliveries', { params: { path: { id } } })))
        .items as unknown as Delivery[],
  });
  if (deliveries.isPending) return <Skeleton className="mt-3 h-12" />;
  if (deliveries.error) return <ErrorNote>{messageOf(deliveries.error)}</ErrorNote>;
  if (deliveries.data.length === 0)
    return (
      <p className="mt-2 text-sm text-slate-600">
        Nothing sent yet: deliveries appear when an alert opens or resolves.
      </p>
    );
  const tone = { delivered: 'green', refused: 'red', failed: 'red', timeout: 'amber' } as const;
  return (
    <table className="mt-3 w-full text-left text-sm">
      <caption className="sr-only">Delivery attempts</caption>
      <thead className="text-xs uppercase tracking-wide text-slate-600">
        <tr>
          <th scope="col" className="py-1 pr-4">
            Time
          </th>
          <th scope="col" className="py-1 pr-4">
            Event
          </th>
          <th scope="col" className="py-1 pr-4">
            Attempt
          </th>
          <th scope="col" className="py-1 pr-4">
            Outcome
          </th>
          <th scope="col" className="py-1">
            Answer
          </th>
        </tr>
      </thead>
      <tbody>
        {deliveries.data.map((delivery, index) => (
          <tr key={`${delivery.at}-${index}`} className="border-t border-slate-100">
            <td className="py-1 pr-4">{formatDateTime(delivery.at)}</td>
            <td className="py-1 pr-4">{delivery.event}</td>
            <td className="py-1 pr-4 tabular-nums">{delivery.attempt}</td>
            <td className="py-1 pr-4">
              <Badge tone={tone[delivery.outcome]}>{delivery.outcome}</Badge>
            </td>
            <td className="py-1">{delivery.statusClass ?? '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
