import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { ApiError, messageOf } from '../../api/problem';
import { useAuth } from '../../auth';
import { Button } from '../../components/ui/button';
import { Badge, Card, CardHeader, ErrorNote, PageHeader, Skeleton } from '../../components/ui/card';
import { ConfirmButton } from '../../components/ui/confirm';
import { TextField } from '../../components/ui/field';
import { formatDate, formatDateTime } from '../../lib/format';
import { OneTimeSecret } from './secret';

type Permission = NonNullable<ReturnType<typeof useAuth>['me']>['permissions'][number];

function CreateKey({ onCreated }: { onCreated: (name: string, key: string) => void }) {
  const { me } = useAuth();
  const queryClient = useQueryClient();
  // A key never holds more than its creator: offer the caller's own permissions only.
  const offered = me?.permissions ?? [];
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Permission[]>([]);
  const [expires, setExpires] = useState('');
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/api-keys', {
          body: { name, scopes, ...(expires ? { expiresAt: new Date(`${expires}T23:59:59Z`).toISOString() } : {}) },
        }),
      ),
    onSuccess: (created) => {
      onCreated(created.apiKey.name, created.key);
      setName('');
      setScopes([]);
      setExpires('');
      void queryClient.invalidateQueries({ queryKey: ['console-api-keys'] });
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
        title="Create an API key"
        description="For scripts and integrations: it acts with the scopes you tick, never more than you may do yourself."
      />
      <form onSubmit={submit} className="space-y-4 px-5 py-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            required
            error={fieldError('/body/name')}
          />
          <TextField
            label="Expires on (optional)"
            type="date"
            value={expires}
            min={new Date().toISOString().slice(0, 10)}
            onChange={(event) => setExpires(event.target.value)}
          />
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Scopes</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-3">
            {offered.map((permission) => (
              <label key={permission} className="flex items-center gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  checked={scopes.includes(permission)}
                  onChange={(event) =>
                    setScopes(
                      event.target.checked ? [...scopes, permission] : scopes.filter((scope) => scope !== permission),
                    )
                  }
                />
                <code className="text-xs">{permission}</code>
              </label>
            ))}
          </div>
        </fieldset>
        {create.error && <ErrorNote>{messageOf(create.error)}</ErrorNote>}
        <Button type="submit" disabled={create.isPending || name === '' || scopes.length === 0}>
          Create key
        </Button>
      </form>
    </Card>
  );
}

export function ApiKeysPage() {
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const keys = useQuery({
    queryKey: ['console-api-keys'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/api-keys'))).items,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['console-api-keys'] }),
  });
  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys of your organisation, what each may do, and when it was last used."
      />
      <div className="space-y-6">
        {secret && <OneTimeSecret label={secret.label} value={secret.value} onDone={() => setSecret(null)} />}
        <CreateKey onCreated={(name, key) => setSecret({ label: `Secret of the key "${name}"`, value: key })} />
        {revoke.error && <ErrorNote>{messageOf(revoke.error)}</ErrorNote>}
        <Card>
          <CardHeader title="Keys" />
          {keys.isPending ? (
            <Skeleton className="m-5 h-20" />
          ) : keys.error ? (
            <div className="p-5">
              <ErrorNote>{messageOf(keys.error)}</ErrorNote>
            </div>
          ) : keys.data.length === 0 ? (
            <p className="px-5 py-6 text-sm text-slate-600">No API key yet.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                  <tr>
                    <th scope="col" className="px-5 py-2">
                      Key
                    </th>
                    <th scope="col" className="px-3 py-2">
                      Scopes
                    </th>
                    <th scope="col" className="px-3 py-2">
                      Expires
                    </th>
                    <th scope="col" className="px-3 py-2">
                      Last used
                    </th>
                    <th scope="col" className="px-5 py-2 text-right">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {keys.data.map((key) => (
                    <tr key={key.id} data-key-name={key.name}>
                      <td className="px-5 py-2">
                        <p className="font-medium text-slate-900">
                          {key.name} {key.revokedAt && <Badge tone="red">Revoked</Badge>}
                        </p>
                        <p className="font-mono text-xs text-slate-600">
                          {key.prefix}… · created {formatDate(key.createdAt)}
                        </p>
                      </td>
                      <td className="px-3 py-2">
                        <div className="flex flex-wrap gap-1">
                          {key.scopes.map((scope) => (
                            <Badge key={scope}>{scope}</Badge>
                          ))}
                        </div>
                      </td>
                      <td className="px-3 py-2 text-slate-700">
                        {key.expiresAt ? formatDate(key.expiresAt) : 'Never'}
                      </td>
                      <td className="px-3 py-2 text-slate-700" data-testid="last-used">
                        {key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'}
                      </td>
                      <td className="px-5 py-2 text-right">
                        {!key.revokedAt && (
                          <ConfirmButton
                            label="Revoke"
                            title={`Revoke "${key.name}"?`}
                            confirmLabel="Revoke"
                            onConfirm={() => revoke.mutate(key.id)}
                          >
                            Anything using this key is refused from now on. This cannot be undone.
                          </ConfirmButton>
                        )}
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
