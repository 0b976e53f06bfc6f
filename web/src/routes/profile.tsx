import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { messageOf } from '../api/problem';
import { useAuth } from '../auth';
import { Button } from '../components/ui/button';
import { Badge, Card, CardHeader, ErrorNote, PageHeader, Skeleton } from '../components/ui/card';
import { formatDateTime } from '../lib/format';
import { PasswordForm } from './change-password';
import { MfaCard } from '../components/profile/mfa';

function Sessions() {
  const queryClient = useQueryClient();
  const sessions = useQuery({
    queryKey: ['sessions'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/auth/sessions'))).items,
  });
  const revoke = useMutation({
    mutationFn: async (ids: string[]) => {
      for (const id of ids) await unwrap(api.DELETE('/api/v1/auth/sessions/{id}', { params: { path: { id } } }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sessions'] }),
  });
  const others = (sessions.data ?? []).filter((session) => !session.current);
  return (
    <Card>
      <CardHeader
        title="Sessions"
        description="Where you are signed in."
        actions={
          others.length > 0 ? (
            <Button variant="secondary" size="sm" onClick={() => revoke.mutate(others.map((session) => session.id))}>
              Sign out other sessions
            </Button>
          ) : undefined
        }
      />
      {revoke.error && (
        <div className="px-5 pt-3">
          <ErrorNote>{messageOf(revoke.error)}</ErrorNote>
        </div>
      )}
      {sessions.isPending ? (
        <Skeleton className="m-5 h-20" />
      ) : (
        <ul className="divide-y divide-slate-100">
          {(sessions.data ?? []).map((session) => (
            <li key={session.id} className="flex items-center justify-between gap-4 px-5 py-3 text-sm">
              <div>
                <p className="font-medium">
                  {session.userAgent?.slice(0, 80) ?? 'Unknown client'}{' '}
                  {session.current && <Badge tone="green">This session</Badge>}
                </p>
                <p className="text-xs text-slate-500">
                  {session.ip ?? 'unknown address'} · last active {formatDateTime(session.lastUsedAt)} · started{' '}
                  {formatDateTime(session.createdAt)}
                </p>
              </div>
              {!session.current && (
                <Button variant="ghost" size="sm" onClick={() => revoke.mutate([session.id])}>
                  End session
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function ProfilePage() {
  const { me } = useAuth();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Your profile"
        description={`${me?.user.username ?? ''} · ${me?.user.role ?? ''}${me?.user.email ? ` · ${me.user.email}` : ''}`}
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Sessions />
        <Card>
          <CardHeader title="Password" description="Changing it signs out your other sessions." />
          <div className="px-5 py-4">
            {notice && (
              <p role="status" className="mb-3 text-sm text-emerald-700">
                {notice}
              </p>
            )}
            <PasswordForm
              onDone={(revoked) => {
                setNotice(`Password changed; ${revoked} other session${revoked === 1 ? '' : 's'} signed out.`);
                void queryClient.invalidateQueries({ queryKey: ['sessions'] });
              }}
            />
          </div>
        </Card>
        <MfaCard />
      </div>
    </>
  );
}
