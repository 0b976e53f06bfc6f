import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { ApiError, messageOf } from '../../api/problem';
import { useAuth } from '../../auth';
import { Button } from '../../components/ui/button';
import { Badge, Card, CardHeader, ErrorNote, PageHeader, Skeleton } from '../../components/ui/card';
import { ConfirmButton } from '../../components/ui/confirm';
import { SelectField, TextField } from '../../components/ui/field';
import { formatDateTime } from '../../lib/format';
import { OneTimeSecret } from './secret';

function useRoles() {
  return useQuery({ queryKey: ['roles'], queryFn: () => unwrap(api.GET('/api/v1/roles')), staleTime: 300_000 });
}

type Role = 'admin' | 'analyst' | 'viewer' | 'api_user' | 'auditor';

function CreateUser({ onCreated }: { onCreated: (username: string, password: string | undefined) => void }) {
  const roles = useRoles();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/users', { body: { username, role, ...(email ? { email } : {}) } })),
    onSuccess: (created) => {
      onCreated(created.user.username, created.oneTimePassword);
      setUsername('');
      setEmail('');
      void queryClient.invalidateQueries({ queryKey: ['console-users'] });
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
        title="Add a user"
        description="They get a one-time password and choose their own at first sign-in."
      />
      <form onSubmit={submit} className="grid gap-4 px-5 py-4 sm:grid-cols-[1fr_1fr_12rem_auto] sm:items-end">
        <TextField
          label="Username"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          required
          error={fieldError('/body/username')}
          autoComplete="off"
        />
        <TextField
          label="Email (optional)"
          type="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={fieldError('/body/email')}
          autoComplete="off"
        />
        <SelectField label="Role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
          {(roles.data?.roles ?? []).map((entry) => (
            <option key={entry.name} value={entry.name}>
              {entry.name}
            </option>
          ))}
        </SelectField>
        <Button type="submit" disabled={create.isPending || username === ''}>
          Add user
        </Button>
      </form>
      {create.error && !fieldError('/body/username') && (
        <div className="px-5 pb-4">
          <ErrorNote>{messageOf(create.error)}</ErrorNote>
        </div>
      )}
      {roles.data && (
        <p className="px-5 pb-4 text-xs text-slate-600">
          {roles.data.roles.find((entry) => entry.name === role)?.description}
        </p>
      )}
    </Card>
  );
}

function UserSessions({ userId }: { userId: string }) {
  const sessions = useQuery({
    queryKey: ['console-user-sessions', userId],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/users/{id}/sessions', { params: { path: { id: userId } } }))).items,
  });
  if (sessions.isPending) return <Skeleton className="h-8" />;
  if (sessions.error) return <ErrorNote>{messageOf(sessions.error)}</ErrorNote>;
  if (sessions.data.length === 0) return <p className="text-sm text-slate-600">No active session.</p>;
  return (
    <ul className="space-y-1 text-sm">
      {sessions.data.map((session) => (
        <li key={session.id}>
          {session.userAgent?.slice(0, 70) ?? 'Unknown client'} · {session.ip ?? 'unknown address'} · last active{' '}
          {formatDateTime(session.lastUsedAt)}
        </li>
      ))}
    </ul>
  );
}

export function UsersPage() {
  const { me } = useAuth();
  const roles = useRoles();
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const users = useQuery({
    queryKey: ['console-users'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/users', { params: { query: { limit: 200 } } }))).items,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['console-users'] });
  const change = useMutation({
    mutationFn: async (
      action:
        | { kind: 'role'; id: string; role: Role }
        | { kind: 'deactivate' | 'reactivate' | 'reset'; id: string; username: string },
    ) => {
      const path = { params: { path: { id: action.id } } };
      if (action.kind === 'role')
        return void (await unwrap(api.PATCH('/api/v1/users/{id}', { ...path, body: { role: action.role } })));
      if (action.kind === 'deactivate') return void (await unwrap(api.POST('/api/v1/users/{id}/deactivate', path)));
      if (action.kind === 'reactivate') return void (await unwrap(api.POST('/api/v1/users/{id}/reactivate', path)));
      const reset = await unwrap(api.POST('/api/v1/users/{id}/reset-password', path));
      setSecret({ label: `One-time password for ${action.username}`, value: reset.oneTimePassword });
    },
    onSettled: refresh,
  });
  return (
    <>
      <PageHeader
        title="Users"
        description="People and integration accounts of your organisation, their roles and sessions."
      />
      <div className="space-y-6">
        {secret && <OneTimeSecret label={secret.label} value={secret.value} onDone={() => setSecret(null)} />}
        <CreateUser
          onCreated={(username, password) =>
            password && setSecret({ label: `One-time password for ${username}`, value: password })
          }
        />
        {change.error && <ErrorNote>{messageOf(change.error)}</ErrorNote>}
        <Card>
          <CardHeader title="Members" />
          {users.isPending ? (
            <Skeleton className="m-5 h-24" />
          ) : users.error ? (
            <div className="p-5">
              <ErrorNote>{messageOf(users.error)}</ErrorNote>
            </div>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                  <tr>
                    <th scope="col" className="px-5 py-2">
                      User
                    </th>
                    <th scope="col" className="px-3 py-2">
                      Role
                    </th>
                    <th scope="col" className="px-3 py-2">
                      Status
                    </th>
                    <th scope="col" className="px-3 py-2">
                      Last sign-in
                    </th>
                    <th scope="col" className="px-5 py-2 text-right">
                      Actions
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {users.data.map((user) => {
                    const self = user.id === me?.user.id;
                    return [
                      <tr key={user.id} data-username={user.username}>
                        <td className="px-5 py-2">
                          <p className="font-medium text-slate-900">{user.displayName ?? user.username}</p>
                          {(user.displayName !== null || user.email !== null) && (
                            <p className="text-xs text-slate-600">
                              {[user.displayName === null ? null : user.username, user.email]
                                .filter(Boolean)
                                .join(' · ')}
                            </p>
                          )}
                        </td>
                        <td className="px-3 py-2">
                          <label className="sr-only" htmlFor={`role-${user.id}`}>
                            Role of {user.username}
                          </label>
                          <select
                            id={`role-${user.id}`}
                            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm disabled:bg-slate-50"
                            value={user.role}
                            disabled={self || change.isPending}
                            title={self ? 'Nobody changes their own role' : undefined}
                            onChange={(event) =>
                              change.mutate({ kind: 'role', id: user.id, role: event.target.value as Role })
                            }
                          >
                            {(roles.data?.roles ?? [{ name: user.role }]).map((entry) => (
                              <option key={entry.name} value={entry.name}>
                                {entry.name}
                              </option>
                            ))}
                          </select>
                        </td>
                        <td className="px-3 py-2">
                          {user.status === 'active' ? (
                            <Badge tone="green">Active</Badge>
                          ) : (
                            <Badge tone="red">Deactivated</Badge>
                          )}
                          {user.mustChangePassword && (
                            <span className="ml-1">
                              <Badge tone="amber">Password pending</Badge>
                            </span>
                          )}
                          {user.lockedUntil && (
                            <span className="ml-1">
                              <Badge tone="red">Locked</Badge>
                            </span>
                          )}
                        </td>
                        <td className="px-3 py-2 text-slate-700">
                          {user.lastLoginAt ? formatDateTime(user.lastLoginAt) : 'Never'}
                        </td>
                        <td className="px-5 py-2">
                          <div className="flex justify-end gap-2">
                            <Button
                              variant="ghost"
                              size="sm"
                              aria-expanded={open === user.id}
                              onClick={() => setOpen(open === user.id ? null : user.id)}
                            >
                              Sessions
                            </Button>
                            {!self && (
                              <ConfirmButton
                                label="Reset password"
                                title={`Reset ${user.username}'s password?`}
                                confirmLabel="Reset"
                                onConfirm={() => change.mutate({ kind: 'reset', id: user.id, username: user.username })}
                              >
                                Their sessions end now; they sign in with a one-time password shown to you once.
                              </ConfirmButton>
                            )}
                            {!self && user.status === 'active' && (
                              <ConfirmButton
                                label="Deactivate"
                                title={`Deactivate ${user.username}?`}
                                confirmLabel="Deactivate"
                                onConfirm={() =>
                                  change.mutate({ kind: 'deactivate', id: user.id, username: user.username })
                                }
                              >
                                They are signed out at once and cannot sign in until reactivated. Their work stays.
                              </ConfirmButton>
                            )}
                            {!self && user.status === 'deactivated' && (
                              <Button
                                variant="secondary"
                                size="sm"
                                onClick={() =>
                                  change.mutate({ kind: 'reactivate', id: user.id, username: user.username })
                                }
                              >
                                Reactivate
                              </Button>
                            )}
                          </div>
                        </td>
                      </tr>,
                      open === user.id && (
                        <tr key={`${user.id}-sessions`}>
                          <td colSpan={5} className="bg-slate-50 px-5 py-3">
                            <UserSessions userId={user.id} />
                          </td>
                        </tr>
                      ),
                    ];
                  })}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </>
  );
}
