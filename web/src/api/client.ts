import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, type Problem } from './problem';
import type { paths } from './schema';
import { currentAccessToken, refreshAccessToken } from './session';

const NO_RETRY = ['/api/v1/auth/login', '/api/v1/auth/refresh'];
const retries = new WeakMap<Request, Request>();

/** Adds the bearer; on a 401 refreshes once and repeats the request. */
const bearer: Middleware = {
  onRequest({ request }) {
    const token = currentAccessToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    if (!NO_RETRY.some((path) => request.url.endsWith(path))) retries.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response }) {
    const retry = retries.get(request);
    if (response.status !== 401 || !retry) return response;
    if (!(await refreshAccessToken())) return response;
    retry.headers.set('authorization', `Bearer ${currentAccessToken() ?? ''}`);
    return fetch(retry);
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(bearer);

/** The data of an openapi-fetch answer, or an ApiError carrying its problem+json. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ApiError(response.status, error ?? {});
  return data as T;
}

/** The name a Content-Disposition gives a file: its full `filename*` (RFC 5987) when sent, else its ASCII `filename`. */
export function dispositionName(header: string): string | null {
  const extended = /filename\*=UTF-8''([^;\s]+)/i.exec(header)?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended);
    } catch {
      // A malformed escape: the ASCII name below still names the file.
    }
  }
  return /filename="?([^";]+)"?/.exec(header)?.[1] ?? null;
}

/** A file download with the bearer (exports): fetched, then handed to the browser as a blob. */
export async function download(url: string, fallbackName: string): Promise<void> {
  const get = () => fetch(url, { headers: { authorization: `Bearer ${currentAccessToken() ?? ''}` } });
  let response = await get();
  if (response.status === 401 && (await refreshAccessToken())) response = await get();
  if (!response.ok) throw new ApiError(response.status, (await response.json().catch(() => ({}))) as Partial<Problem>);
  const name = dispositionName(response.headers.get('content-disposition') ?? '') ?? fallbackName;
  const href = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
