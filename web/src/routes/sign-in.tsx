import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, messageOf } from '../api/problem';
import { CSRF_HEADERS, setAccessToken } from '../api/session';
import { Button } from '../components/ui/button';
import { ErrorNote } from '../components/ui/card';
import { TextField } from '../components/ui/field';

async function signIn(body: Record<string, string>): Promise<void> {
  const response = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { ...CSRF_HEADERS, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new ApiError(response.status, json);
  setAccessToken(String(json.accessToken));
}

/** Why sign-in failed, without saying whether the account exists. */
function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return messageOf(error);
  if (error.kind === 'rate-limited') return 'Too many attempts from this network. Wait a minute, then try again.';
  if (error.status === 401) {
    return 'These details did not sign you in. Check the organisation, username and password. After several failed attempts an account is locked for a while; if you keep being refused, wait 15 minutes or ask your administrator.';
  }
  return messageOf(error);
}

export function SignInPage() {
  const queryClient = useQueryClient();
  const initialOrg = new URLSearchParams(window.location.search).get('org') ?? '';
  const [organization, setOrganization] = useState(initialOrg);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn({ username, password, ...(organization ? { organization } : {}), ...(needsCode ? { totp } : {}) });
      await queryClient.invalidateQueries({ queryKey: ['me'] });
    } catch (caught) {
      if (caught instanceof ApiError && caught.kind === 'mfa-required') {
        setNeedsCode(true);
      } else {
        setError(explain(caught));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <div className="mx-auto mb-3 flex h-10 w-10 items-center justify-center rounded-lg bg-brand-600 text-lg font-bold text-white">
            P
          </div>
          <h1 className="text-xl font-semibold">Sign in to PCA Agent</h1>
          <p className="mt-1 text-sm text-slate-600">Post-campaign analysis for your team</p>
        </div>
        <form
          onSubmit={(event) => void submit(event)}
          className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
        >
          {!needsCode ? (
            <>
              <TextField
                label="Organisation"
                name="organization"
                value={organization}
                onChange={(event) => setOrganization(event.target.value)}
                placeholder="default"
                hint="Leave empty for the default organisation."
                autoComplete="organization"
              />
              <TextField
                label="Username"
                name="username"
                required
                value={username}
                onChange={(event) => setUsername(event.target.value)}
                autoComplete="username"
                autoFocus
              />
              <TextField
                label="Password"
                name="password"
                type="password"
                required
                value={password}
                onChange={(event) => setPassword(event.target.value)}
                autoComplete="current-password"
              />
            </>
          ) : (
            <TextField
              label="Authentication code"
              name="totp"
              required
              value={totp}
              onChange={(event) => setTotp(event.target.value)}
              inputMode="numeric"
              autoComplete="one-time-code"
              autoFocus
              hint="The 6-digit code from your authenticator app, or a recovery code."
            />
          )}
          {error && <ErrorNote>{error}</ErrorNote>}
          <Button type="submit" className="w-full" disabled={busy}>
            {busy ? 'Signing in…' : needsCode ? 'Verify' : 'Sign in'}
          </Button>
        </form>
      </div>
    </main>
  );
}
