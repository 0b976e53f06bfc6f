import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { ApiError, messageOf } from '../../api/problem';
import { useAuth } from '../../auth';
import { Button } from '../../components/ui/button';
import { Badge, Card, CardHeader, ErrorNote, PageHeader, Skeleton } from '../../components/ui/card';
import { ConfirmButton } from '../../components/ui/confirm';
import { TextField } from '../../components/ui/field';
import { formatBytes, formatDate } from '../../lib/format';
import { OneTimeSecret } from './secret';
import { UsageBars } from './usage';

type Organisation = NonNullable<Awaited<ReturnType<typeof listOrganisations>>>[number];
type Quotas = Organisation['quotas'];
type Features = Organisation['features'];

async function listOrganisations() {
  return (await unwrap(api.GET('/api/v1/orgs', { params: { query: { limit: 200 } } }))).items;
}

const QUOTAS: { key: keyof Quotas; label: string; bytes?: true }[] = [
  { key: 'maxUsers', label: 'Users' },
  { key: 'maxAnalysesPerMonth', label: 'Analyses a month' },
  { key: 'maxDatasets', label: 'Datasets' },
  { key: 'maxStorageBytes', label: 'Storage (bytes)', bytes: true },
  { key: 'maxUploadBytes', label: 'Upload size (bytes)', bytes: true },
];
const FEATURES: { key: keyof Features; label: string }[] = [
  { key: 'exports', label: 'Exports' },
  { key: 'api_access', label: 'API access' },
  { key: 'llm_insights', label: 'LLM summaries' },
  { key: 'custom_branding', label: 'Custom branding' },
];

function CreateOrganisation({
  onCreated,
}: {
  onCreated: (name: string, admin: { username: string; oneTimePassword: string } | undefined) => void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [admin, setAdmin] = useState('');
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/orgs', {
          body: { name, ...(slug ? { slug } : {}), ...(admin ? { admin: { username: admin } } : {}) },
        }),
      ),
    onSuccess: (created) => {
      onCreated(created.organization.name, created.admin);
      setName('');
      setSlug('');
      setAdmin('');
      void queryClient.invalidateQueries({ queryKey: ['console-orgs'] });
    },
  });
  const fieldError = (field: string) => (create.error instanceof ApiError ? create.error.fieldError(field) : undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Card>
      <CardHeader
        title="Create an organisation"
        description="With its first administrator, who gets a one-time password."
      />
      <form onSubmit={submit} className="grid gap-4 px-5 py-4 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-end">
        <TextField
          label="Name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          error={fieldError('/body/name')}
        />
        <TextField
          label="Sign-in name (slug)"
          value={slug}
          onChange={(event) => setSlug(event.target.value)}
          placeholder="from the name"
          error={fieldError('/body/slug')}
        />
        <TextField
          label="First admin's username"
          value={admin}
          onChange={(event) => setAdmin(event.target.value)}
          error={fieldError('/body/admin/username')}
          autoComplete="off"
        />
        <Button type="submit" disabled={create.isPending || name === ''}>
          Create
        </Button>
      </form>
      {create.error && (
        <div className="px-5 pb-4">
          <ErrorNote>{messageOf(create.error)}</ErrorNote>
        </div>
      )}
    </Card>
  );
}

function EditOrganisation({ org, own }: { org: Organisation; own: boolean }) {
  const queryClient = useQueryClient();
  const [quotas, setQuotas] = useState<Record<keyof Quotas, string>>(
    () =>
      Object.fromEntries(QUOTAS.map((quota) => [quota.key, String(org.quotas[quota.key])])) as Record<
        keyof Quotas,
        string
      >,
  );
  const [features, setFeatures] = useState<Features>(org.features);
  const [saved, setSaved] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['console-orgs'] });
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/api/v1/orgs/{id}', {
          params: { path: { id: org.id } },
          body: { quotas: Object.fromEntries(QUOTAS.map((quota) => [quota.key, Number(quotas[quota.key])])), features },
        }),
      ),
    onSuccess: () => {
      setSaved(true);
      void refresh();
      void queryClient.invalidateQueries({ queryKey: ['org-usage', org.id] });
    },
  });
  const status = useMutation({
    mutationFn: (to: 'suspend' | 'reactivate') =>
      to === 'suspend'
        ? unwrap(api.POST('/api/v1/orgs/{id}/suspend', { params: { path: { id: org.id } } }))
        : unwrap(api.POST('/api/v1/orgs/{id}/reactivate', { params: { path: { id: org.id } } })),
    onSettled: refresh,
  });
  const fieldError = (field: string) => (save.error instanceof ApiError ? save.error.fieldError(field) : undefined);
  return (
    <div className="grid gap-6 border-t border-slate-100 bg-slate-50 px-5 py-4 lg:grid-cols-[1fr_18rem]">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setSaved(false);
          save.mutate();
        }}
        className="space-y-4"
      >
        <fieldset>
          <legend className="text-sm font-semibold text-slate-900">Quotas</legend>
          <div className="mt-2 grid gap-3 sm:grid-cols-3">
            {QUOTAS.map((quota) => (
              <TextField
                key={quota.key}
                label={quota.label}
                type="number"
                min="0"
                value={quotas[quota.key]}
                onChange={(event) => setQuotas({ ...quotas, [quota.key]: event.target.value })}
                error={fieldError(`/body/quotas/${quota.key}`)}
                hint={quota.bytes && quotas[quota.key] !== '' ? formatBytes(Number(quotas[quota.key])) : undefined}
              />
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend className="text-sm font-semibold text-slate-900">Features</legend>
          <div className="mt-2 flex flex-wrap gap-4">
            {FEATURES.map((feature) => (
              <label key={feature.key} className="flex items-center gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  checked={features[feature.key]}
                  onChange={(event) => setFeatures({ ...features, [feature.key]: event.target.checked })}
                />
                {feature.label}
              </label>
            ))}
          </div>
        </fieldset>
        {save.error && <ErrorNote>{messageOf(save.error)}</ErrorNote>}
        {status.error && <ErrorNote>{messageOf(status.error)}</ErrorNote>}
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={save.isPending}>
            Save quotas and features
          </Button>
          {!own && org.status === 'active' && (
            <ConfirmButton
              label="Suspend"
              title={`Suspend ${org.name}?`}
              confirmLabel="Suspend"
              onConfirm={() => status.mutate('suspend')}
            >
              Every session and API key of the organisation stops at once. Its data stays.
            </ConfirmButton>
          )}
          {org.status === 'suspended' && (
            <Button variant="secondary" size="sm" onClick={() => status.mutate('reactivate')}>
              Reactivate
            </Button>
          )}
          {saved && (
            <p role="status" className="text-sm text-emerald-700">
              Saved.
            </p>
          )}
        </div>
      </form>
      <div>
        <h3 className="mb-2 text-sm font-semibold text-slate-900">Usage</h3>
        <UsageBars orgId={org.id} />
      </div>
    </div>
  );
}

export function OrganisationsPage() {
  const { me } = useAuth();
  const [open, setOpen] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const orgs = useQuery({ queryKey: ['console-orgs'], queryFn: listOrganisations });
  return (
    <>
      <PageHeader
        title="Organisations"
        description="Every tenant of this instance: quotas, features, status and usage."
      />
      <div className="space-y-6">
        {secret && <OneTimeSecret label={secret.label} value={secret.value} onDone={() => setSecret(null)} />}
        <CreateOrganisation
          onCreated={(name, admin) =>
            admin &&
            setSecret({ label: `One-time password for ${admin.username} (${name})`, value: admin.oneTimePassword })
          }
        />
        <Card>
          <CardHeader title="All organisations" />
          {orgs.isPending ? (
            <Skeleton className="m-5 h-24" />
          ) : orgs.error ? (
            <div className="p-5">
              <ErrorNote>{messageOf(orgs.error)}</ErrorNote>
            </div>
          ) : (
            <ul className="divide-y divide-slate-100">
              {orgs.data.map((org) => (
                <li key={org.id} data-org={org.slug}>
                  <div className="flex flex-wrap items-center justify-between gap-3 px-5 py-3">
                    <div>
                      <p className="font-medium text-slate-900">
                        {org.name}{' '}
                        {org.status === 'active' ? (
                          <Badge tone="green">Active</Badge>
                        ) : (
                          <Badge tone="red">Suspended</Badge>
                        )}
                        {org.id === me?.user.orgId && (
                          <span className="ml-1">
                            <Badge tone="blue">Platform</Badge>
                          </span>
                        )}
                      </p>
                      <p className="text-xs text-slate-600">
                        {org.slug} · created {formatDate(org.createdAt)}
                      </p>
                    </div>
                    <Button
                      variant="secondary"
                      size="sm"
                      aria-expanded={open === org.id}
                      onClick={() => setOpen(open === org.id ? null : org.id)}
                    >
                      {open === org.id ? 'Close' : 'Manage'}
                    </Button>
                  </div>
                  {open === org.id && <EditOrganisation org={org} own={org.id === me?.user.orgId} />}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
