/**
 * The access token lives only in memory; the refresh token is an httpOnly
 * cookie the page cannot read. One refresh at a time, across tabs too (a
 * reused refresh token ends the whole session on the server).
 */
export const CSRF_HEADERS = { 'x-pca-csrf': '1' } as const;

let accessToken: string | null = null;
let inFlight: Promise<boolean> | null = null;
const listeners = new Set<(signedIn: boolean) => void>();

export function currentAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  accessToken = token;
  for (const listener of listeners) listener(token !== null);
}

export function onSessionChange(listener: (signedIn: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function refreshOnce(): Promise<boolean> {
  const response = await fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { ...CSRF_HEADERS, 'content-type': 'application/json' },
    body: '{}',
    credentials: 'same-origin',
  });
  if (!response.ok) {
    setAccessToken(null);
    return false;
  }
  const body = (await response.json()) as { accessToken: string };
  setAccessToken(body.accessToken);
  return true;
}

/** Exchanges the session cookie for a new access token; false when there is no live session. */
export function refreshAccessToken(): Promise<boolean> {
  if (inFlight) return inFlight;
  const run = navigator.locks
    ? navigator.locks.request('pca-refresh', refreshOnce).then((granted) => granted)
    : refreshOnce();
  const pending = run.finally(() => {
    inFlight = null;
  });
  inFlight = pending;
  return pending;
}
