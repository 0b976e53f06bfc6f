import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { ApiError, messageOf } from '../../api/problem';
import { useAuth } from '../../auth';
import { Button } from '../../components/ui/button';
import { Card, CardHeader, ErrorNote, PageHeader, Skeleton } from '../../components/ui/card';
import { SelectField, TextField } from '../../components/ui/field';
import { UsageBars } from './usage';

const INDUSTRIES = ['ecommerce', 'saas', 'finance', 'travel', 'education'];

interface Form {
  name: string;
  industry: string;
  segment: string;
  overrides: string;
  under: string;
  over: string;
  analysesDays: string;
  datasetsDays: string;
  auditDays: string;
  metadata: string;
}

type JsonObject = Record<string, unknown>;

function objectOf(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function parseObject(text: string, what: string): JsonObject {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${what} is not valid JSON.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${what} must be a JSON object.`);
  return parsed as JsonObject;
}

export function SettingsPage() {
  const { me } = useAuth();
  const orgId = me?.user.orgId ?? '';
  const queryClient = useQueryClient();
  const org = useQuery({
    queryKey: ['org', orgId],
    enabled: orgId !== '',
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{id}', { params: { path: { id: orgId } } })),
  });
  const [form, setForm] = useState<Form | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!org.data) return;
    const settings = objectOf(org.data.settings);
    const benchmarks = objectOf(settings.benchmarks);
    const pacing = objectOf(settings.pacing);
    setForm({
      name: org.data.name,
      industry: typeof benchmarks.industry === 'string' ? benchmarks.industry : '',
      segment: typeof benchmarks.segment === 'string' ? benchmarks.segment : '',
      overrides: benchmarks.overrides === undefined ? '' : JSON.stringify(benchmarks.overrides, null, 2),
      under: typeof pacing.under === 'number' ? String(pacing.under) : '',
      over: typeof pacing.over === 'number' ? String(pacing.over) : '',
      analysesDays: String(org.data.retention.analysesDays),
      datasetsDays: String(org.data.retention.datasetsDays),
      auditDays: String(org.data.retention.auditDays),
      metadata: Object.keys(org.data.metadata).length === 0 ? '' : JSON.stringify(org.data.metadata, null, 2),
    });
  }, [org.data]);
  const save = useMutation({
    mutationFn: async (values: Form) => {
      const current = objectOf(org.data?.settings);
      const benchmarks: JsonObject = {};
      if (values.industry) benchmarks.industry = values.industry;
      if (values.segment) benchmarks.segment = values.segment;
      const overrides = parseObject(values.overrides, 'Benchmark overrides');
      if (Object.keys(overrides).length > 0) benchmarks.overrides = overrides;
      const settings: JsonObject = { ...current, benchmarks };
      if (values.under !== '' || values.over !== '')
        settings.pacing = { under: Number(values.under), over: Number(values.over) };
      else delete settings.pacing;
      return unwrap(
        api.PATCH('/api/v1/orgs/{id}', {
          params: { path: { id: orgId } },
          body: {
            name: values.name,
            settings,
            retention: {
              analysesDays: Number(values.analysesDays),
              datasetsDays: Number(values.datasetsDays),
              auditDays: Number(values.auditDays),
            },
            metadata: parseObject(values.metadata, 'Metadata'),
          },
        }),
      );
    },
    onSuccess: (updated) => {
      setSaved(true);
      queryClient.setQueryData(['org', orgId], updated);
    },
  });
  const fieldError = (field: string) => (save.error instanceof ApiError ? save.error.fieldError(field) : undefined);
  const set = (key: keyof Form) => (event: { target: { value: string } }) => {
    setSaved(false);
    setForm((previous) => (previous ? { ...previous, [key]: event.target.value } : previous));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (form) save.mutate(form);
  };
  return (
    <>
      <PageHeader title="Settings" description="How your organisation is named, compared and kept." />
      <div className="grid gap-6 xl:grid-cols-[1fr_20rem]">
        {!form ? (
          <Skeleton className="h-96" />
        ) : org.error ? (
          <ErrorNote>{messageOf(org.error)}</ErrorNote>
        ) : (
          <form onSubmit={submit} className="space-y-6">
            <Card>
              <CardHeader title="Organisation" />
              <div className="px-5 py-4">
                <TextField
                  label="Name"
                  value={form.name}
                  onChange={set('name')}
                  required
                  error={fieldError('/body/name')}
                />
              </div>
            </Card>
            <Card>
              <CardHeader
                title="Benchmarks"
                description="Which public averages the insights compare your figures with; your own figures win."
              />
              <div className="grid gap-4 px-5 py-4 sm:grid-cols-2">
                <SelectField label="Industry" value={form.industry} onChange={set('industry')}>
                  <option value="">Any (channel averages)</option>
                  {INDUSTRIES.map((industry) => (
                    <option key={industry} value={industry}>
                      {industry}
                    </option>
                  ))}
                </SelectField>
                <SelectField label="Segment" value={form.segment} onChange={set('segment')}>
                  <option value="">Any</option>
                  <option value="B2B">B2B</option>
                  <option value="B2C">B2C</option>
                </SelectField>
                <div className="space-y-1 sm:col-span-2">
                  <label htmlFor="overrides" className="block text-sm font-medium text-slate-700">
                    Overrides (JSON)
                  </label>
                  <textarea
                    id="overrides"
                    rows={4}
                    value={form.overrides}
                    onChange={set('overrides')}
                    placeholder='{ "Meta": { "ctr": 1.2 }, "search": { "cpc": 2.5 } }'
                    className="block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
                  />
                </div>
              </div>
            </Card>
            <Card>
              <CardHeader
                title="Pacing"
                description="A budget paces under below the first share of its straight line and over above the second (for example 0.9 and 1.1)."
              />
              <div className="grid gap-4 px-5 py-4 sm:grid-cols-2">
                <TextField
                  label="Under-pacing below"
                  type="number"
                  step="0.01"
                  min="0.01"
                  max="1"
                  value={form.under}
                  onChange={set('under')}
                />
                <TextField
                  label="Over-pacing above"
                  type="number"
                  step="0.01"
                  min="1"
                  max="9.99"
                  value={form.over}
                  onChange={set('over')}
                />
              </div>
            </Card>
            <Card>
              <CardHeader
                title="Retention"
                description="Days after which analyses, datasets and audit events are removed."
              />
              <div className="grid gap-4 px-5 py-4 sm:grid-cols-3">
                <TextField
                  label="Analyses (days)"
                  type="number"
                  min="1"
                  value={form.analysesDays}
                  onChange={set('analysesDays')}
                  error={fieldError('/body/retention/analysesDays')}
                />
                <TextField
                  label="Datasets (days)"
                  type="number"
                  min="1"
                  value={form.datasetsDays}
                  onChange={set('datasetsDays')}
                  error={fieldError('/body/retention/datasetsDays')}
                />
                <TextField
                  label="Audit events (days)"
                  type="number"
                  min="1"
                  value={form.auditDays}
                  onChange={set('auditDays')}
                  error={fieldError('/body/retention/auditDays')}
                />
              </div>
            </Card>
            <Card>
              <CardHeader
                title="Metadata"
                description="Your own labels for this organisation (a JSON object), e.g. a cost centre."
              />
              <div className="px-5 py-4">
                <label htmlFor="metadata" className="sr-only">
                  Metadata (JSON)
                </label>
                <textarea
                  id="metadata"
                  rows={3}
                  value={form.metadata}
                  onChange={set('metadata')}
                  placeholder='{ "costCentre": "EMEA-12" }'
                  className="block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
                />
              </div>
            </Card>
            {save.error && <ErrorNote>{messageOf(save.error)}</ErrorNote>}
            <div className="flex items-center gap-3">
              <Button type="submit" disabled={save.isPending}>
                Save settings
              </Button>
              {saved && (
                <p role="status" className="text-sm text-emerald-700">
                  Saved.
                </p>
              )}
            </div>
          </form>
        )}
        <Card className="self-start">
          <CardHeader title="Usage" description="Against your organisation's quotas." />
          <div className="px-5 py-4">{orgId && <UsageBars orgId={orgId} />}</div>
        </Card>
      </div>
    </>
  );
}
