import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Fragment, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { messageOf } from '../../api/problem';
import { Button } from '../../components/ui/button';
import { Badge, Card, EmptyState, ErrorNote, PageHeader, Skeleton } from '../../components/ui/card';
import { SelectField, TextField } from '../../components/ui/field';
import { formatDateTime, formatNumber } from '../../lib/format';
import {
  changesOf,
  instantOf,
  valueText,
  type AuditEvent,
  type EventPage,
  type Outcome,
  type Severity,
  type VerifyResult,
} from './audit-types';

const PAGE_SIZE = 50;
const linkButton =
  'inline-flex h-9 items-center rounded-md border border-slate-300 bg-white px-4 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50';

interface Filters {
  from: string;
  to: string;
  action: string;
  actorId: string;
  targetId: string;
  outcome: '' | Outcome;
  severity: '' | Severity;
  requestId: string;
  includeArchived: boolean;
}

const NO_FILTERS: Filters = {
  from: '',
  to: '',
  action: '',
  actorId: '',
  targetId: '',
  outcome: '',
  severity: '',
  requestId: '',
  includeArchived: false,
};

/** The filters as the API's query: blanks left out, local times turned into instants. */
function queryOf(filters: Filters, cursor: string | undefined) {
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const query = {
    from: instantOf(filters.from),
    to: instantOf(filters.to),
    action: text(filters.action),
    actorId: text(filters.actorId),
    targetId: text(filters.targetId),
    outcome: filters.outcome === '' ? undefined : filters.outcome,
    severity: filters.severity === '' ? undefined : filters.severity,
    requestId: text(filters.requestId),
    cursor,
  };
  const defined = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
  return { ...defined, limit: PAGE_SIZE, includeArchived: filters.includeArchived };
}

const OUTCOME_TONE = { success: 'green', failure: 'amber', denied: 'red' } as const;
const SEVERITY_TONE = { info: 'slate', warning: 'amber', error: 'red', critical: 'red' } as const;

export function AuditExplorerPage() {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [person, setPerson] = useState<{ id: string; name: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const events = useInfiniteQuery({
    queryKey: ['audit-events', filters, person?.id],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: EventPage) => last.nextCursor ?? undefined,
    queryFn: async ({ pageParam }): Promise<EventPage> => {
      const query = queryOf(filters, pageParam);
      const page = person
        ? await unwrap(api.GET('/api/v1/audit/users/{id}/activity', { params: { path: { id: person.id }, query } }))
        : await unwrap(api.GET('/api/v1/audit/events', { params: { query } }));
      return page as unknown as EventPage;
    },
  });
  const verify = useMutation({
    mutationFn: async () =>
      (await unwrap(
        api.GET('/api/v1/audit/verify', { params: { query: { archives: false } } }),
      )) as unknown as VerifyResult,
  });

  // Infinite scroll: the next page loads when the end of the list comes into view.
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = events;
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage) return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Every recorded action of your organisation, newest first. Each event is chained to the one before it."
        actions={
          <>
            <Link to="/console/audit/report" className={linkButton}>
              Compliance report
            </Link>
            <Button onClick={() => verify.mutate()} disabled={verify.isPending}>
              {verify.isPending ? 'Verifying…' : 'Verify the chain'}
            </Button>
          </>
        }
      />
      <div aria-live="polite">
        {verify.error && <ErrorNote>{messageOf(verify.error)}</ErrorNote>}
        {verify.data && <VerifyNote result={verify.data} />}
      </div>

      <Card className="mb-6 p-5">
        <form onSubmit={apply} aria-label="Filter events" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <TextField
            label="From"
            type="datetime-local"
            value={draft.from}
            onChange={(event) => set('from', event.target.value)}
          />
          <TextField
            label="To"
            type="datetime-local"
            value={draft.to}
            onChange={(event) => set('to', event.target.value)}
          />
          <TextField
            label="Action"
            placeholder="auth.login or auth.*"
            value={draft.action}
            onChange={(event) => set('action', event.target.value)}
          />
          <TextField label="Actor id" value={draft.actorId} onChange={(event) => set('actorId', event.target.value)} />
          <TextField
            label="Target id"
            value={draft.targetId}
            onChange={(event) => set('targetId', event.target.value)}
          />
          <SelectField
            label="Outcome"
            value={draft.outcome}
            onChange={(event) => set('outcome', event.target.value as Filters['outcome'])}
          >
            <option value="">Any</option>
            <option value="success">Success</option>
            <option value="failure">Failure</option>
            <option value="denied">Denied</option>
          </SelectField>
          <SelectField
            label="Severity"
            value={draft.severity}
            onChange={(event) => set('severity', event.target.value as Filters['severity'])}
          >
            <option value="">Any</option>
            <option value="info">Info</option>
            <option value="warning">Warning</option>
            <option value="error">Error</option>
            <option value="critical">Critical</option>
          </SelectField>
          <TextField
            label="Request id"
            value={draft.requestId}
            onChange={(event) => set('requestId', event.target.value)}
          />
          <label className="flex items-center gap-2 text-sm text-slate-700 sm:col-span-2">
            <input
              type="checkbox"
              checked={draft.includeArchived}
              onChange={(event) => set('includeArchived', event.target.checked)}
              className="h-4 w-4 rounded border-slate-300"
            />
            Include archived events (slower: reads the archive files)
          </label>
          <div className="flex items-end justify-end gap-2 sm:col-span-2">
            <Button
              variant="secondary"
              onClick={() => {
                setDraft(NO_FILTERS);
                setFilters(NO_FILTERS);
              }}
            >
              Clear
            </Button>
            <Button type="submit">Apply filters</Button>
          </div>
        </form>
      </Card>

      {person && (
        <div className="mb-4 flex items-center gap-3 rounded-md border border-brand-100 bg-brand-50 px-4 py-2 text-sm text-brand-700">
          <span>
            Activity of <strong>{person.name}</strong>: events where they acted or were acted upon.
          </span>
          <Button variant="ghost" size="sm" onClick={() => setPerson(null)}>
            Show everyone
          </Button>
        </div>
      )}

      {events.isPending ? (
        <div className="space-y-2">
          {[0, 1, 2, 3].map((n) => (
            <Skeleton key={n} className="h-10 w-full" />
          ))}
        </div>
      ) : events.error ? (
        <ErrorNote>{messageOf(events.error)}</ErrorNote>
      ) : rows.length === 0 ? (
        <EmptyState title="No events match">
          Change or clear the filters; archived events show only when you include them.
        </EmptyState>
      ) : (
        <Card className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Audit events</caption>
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2">
                  #
                </th>
                <th scope="col" className="px-4 py-2">
                  Time
                </th>
                <th scope="col" className="px-4 py-2">
                  Action
                </th>
                <th scope="col" className="px-4 py-2">
                  Actor
                </th>
                <th scope="col" className="px-4 py-2">
                  Target
                </th>
                <th scope="col" className="px-4 py-2">
                  Outcome
                </th>
                <th scope="col" className="px-4 py-2">
                  Severity
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((event) => (
                <Fragment key={event.id}>
                  <tr className="border-b border-slate-100 hover:bg-slate-50">
                    <td className="px-4 py-2 tabular-nums text-slate-600">{event.seq}</td>
                    <td className="whitespace-nowrap px-4 py-2 text-slate-700">{formatDateTime(event.occurredAt)}</td>
                    <td className="px-4 py-2">
                      <button
                        type="button"
                        className="font-mono text-xs font-medium text-brand-700 underline-offset-2 hover:underline"
                        aria-expanded={open === event.id}
                        aria-controls={`event-${event.id}`}
                        onClick={() => setOpen(open === event.id ? null : event.id)}
                      >
                        {event.action}
                      </button>
                    </td>
                    <td className="px-4 py-2 text-slate-700">{event.actor.name ?? event.actor.type}</td>
                    <td
                      className="max-w-56 truncate px-4 py-2 text-slate-700"
                      title={event.target.name ?? event.target.id ?? ''}
                    >
                      {event.target.type ? `${event.target.type}: ${event.target.name ?? event.target.id ?? ''}` : '–'}
                    </td>
                    <td className="px-4 py-2">
                      <Badge tone={OUTCOME_TONE[event.outcome]}>{event.outcome}</Badge>
                    </td>
                    <td className="px-4 py-2">
                      <Badge tone={SEVERITY_TONE[event.severity]}>{event.severity}</Badge>
                    </td>
                  </tr>
                  {open === event.id && (
                    <tr id={`event-${event.id}`} className="border-b border-slate-200 bg-slate-50/60">
                      <td colSpan={7} className="px-4 py-4">
                        <EventDetails
                          event={event}
                          onActivity={(who) => {
                            setPerson(who);
                            setOpen(null);
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
          <div ref={sentinel} className="flex items-center justify-center gap-3 px-4 py-3 text-sm text-slate-600">
            {hasNextPage ? (
              <Button variant="secondary" size="sm" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
                {isFetchingNextPage ? 'Loading…' : 'Load more'}
              </Button>
            ) : (
              <span>{formatNumber(rows.length)} events: the end of the trail for these filters.</span>
            )}
          </div>
        </Card>
      )}
    </>
  );
}

function VerifyNote({ result }: { result: VerifyResult }) {
  if (result.valid) {
    return (
      <div
        role="status"
        className="mb-6 rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900"
      >
        <strong>The chain is valid.</strong> {formatNumber(result.checked)} events checked: none was changed, removed or
        reordered.
      </div>
    );
  }
  return (
    <div role="alert" className="mb-6 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
      <strong>The chain is broken at sequence number {result.firstBrokenSeq ?? '?'}.</strong> {result.reason ?? ''} (
      {formatNumber(result.checked)} events checked.)
    </div>
  );
}

function EventDetails({
  event,
  onActivity,
}: {
  event: AuditEvent;
  onActivity: (who: { id: string; name: string }) => void;
}) {
  const changes = changesOf(event);
  const rest = Object.fromEntries(Object.entries(event.details).filter(([key]) => key !== 'changes'));
  const people = [
    event.actor.type === 'user' && event.actor.id
      ? { id: event.actor.id, name: event.actor.name ?? event.actor.id, role: 'actor' }
      : null,
    event.target.type === 'user' && event.target.id
      ? { id: event.target.id, name: event.target.name ?? event.target.id, role: 'target' }
      : null,
  ].filter((item) => item !== null);
  return (
    <div className="space-y-4 text-sm">
      <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-2 lg:grid-cols-3">
        <Item term="Event id" value={event.id} mono />
        <Item term="Request id" value={event.requestId ?? '–'} mono />
        <Item
          term="Actor"
          value={`${event.actor.type}${event.actor.name ? `: ${event.actor.name}` : ''}${event.actor.id ? ` (${event.actor.id})` : ''}`}
        />
        <Item term="From address" value={event.actor.ip ?? '–'} />
        <Item term="Client" value={event.actor.userAgent ?? '–'} />
        <Item
          term="Target"
          value={
            event.target.type
              ? `${event.target.type}: ${event.target.id ?? '–'}${event.target.name ? ` (${event.target.name})` : ''}`
              : '–'
          }
        />
        {event.reason && <Item term="Reason" value={event.reason} />}
        <Item term="Hash" value={event.hash} mono />
      </dl>
      {changes.length > 0 && (
        <table className="w-full max-w-3xl text-left text-sm">
          <caption className="mb-1 text-left font-medium text-slate-900">Changes</caption>
          <thead className="text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="py-1 pr-4">
                Field
              </th>
              <th scope="col" className="py-1 pr-4">
                From
              </th>
              <th scope="col" className="py-1">
                To
              </th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.field} className="border-t border-slate-200">
                <td className="py-1 pr-4 font-mono text-xs">{change.field}</td>
                <td className="py-1 pr-4 text-red-800">{valueText(change.from)}</td>
                <td className="py-1 text-emerald-800">{valueText(change.to)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {Object.keys(rest).length > 0 && (
        <div>
          <p className="mb-1 font-medium text-slate-900">Details</p>
          <pre className="max-h-64 overflow-auto rounded-md bg-white p-3 font-mono text-xs text-slate-800 ring-1 ring-slate-200">
            {JSON.stringify(rest, null, 2)}
          </pre>
        </div>
      )}
      {people.length > 0 && (
        <div className="flex flex-wrap gap-2">
          {people.map((who) => (
            <Button
              key={`${who.role}-${who.id}`}
              variant="secondary"
              size="sm"
              onClick={() => onActivity({ id: who.id, name: who.name })}
            >
              Activity of {who.name}
            </Button>
          ))}
        </div>
      )}
    </div>
  );
}

function Item({ term, value, mono = false }: { term: string; value: string; mono?: boolean }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{term}</dt>
      <dd className={mono ? 'break-all font-mono text-xs text-slate-800' : 'break-words text-slate-800'}>{value}</dd>
    </div>
  );
}
