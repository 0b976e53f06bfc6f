import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import { Button } from '../components/ui/button';
import { ErrorNote } from '../components/ui/card';
import { TextField } from '../components/ui/field';

/** Current and new password; the server's errors[] land under the field they name. */
export function PasswordForm({
  onDone,
  submitLabel = 'Change password',
}: {
  onDone: (revoked: number) => void;
  submitLabel?: string;
}) {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const change = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/password', { body: { currentPassword, newPassword } })),
    onSuccess: (result) => {
      setCurrent('');
      setNew('');
      onDone(result.revokedSessions);
    },
  });
  const error = change.error instanceof ApiError ? change.error : undefined;
  const newError = error?.fieldError('/body/newPassword');
  const currentError = error?.status === 401 ? error.message : error?.fieldError('/body/currentPassword');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate();
  };
  return (
    <form onSubmit={submit} className="space-y-4">
      <TextField
        label="Current password"
        type="password"
        required
        autoComplete="current-password"
        value={currentPassword}
        onChange={(event) => setCurrent(event.target.value)}
        error={currentError}
      />
      <TextField
        label="New password"
        type="password"
        required
        autoComplete="new-password"
        value={newPassword}
        onChange={(event) => setNew(event.target.value)}
        error={newError}
        hint="At least 12 characters; not a common password or your username."
      />
      {change.error && !newError && !currentError && <ErrorNote>{messageOf(change.error)}</ErrorNote>}
      <Button type="submit" disabled={change.isPending}>
        {change.isPending ? 'Saving…' : submitLabel}
      </Button>
    </form>
  );
}

export function ForcedPasswordChange({ onDone }: { onDone: () => void }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-xl font-semibold">Choose your own password</h1>
        <p className="mb-5 mt-1 text-sm text-slate-600">
          You signed in with a one-time password. Choose a new one to continue.
        </p>
        <PasswordForm onDone={onDone} submitLabel="Save and continue" />
      </div>
    </main>
  );
}
