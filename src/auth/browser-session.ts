import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/**
 * The browser flow: the refresh token lives in an httpOnly, SameSite=Strict
 * cookie that only the auth routes receive, so page scripts never read it.
 * A client opts in by sending the CSRF header on login and refresh.
 */
export const REFRESH_COOKIE = 'pca_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
export const CSRF_HEADER = 'x-pca-csrf';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A browser client announces itself with `X-PCA-CSRF: 1`; plain API clients keep the JSON body flow. */
export function wantsCookieSession(request: FastifyRequest): boolean {
  return request.headers[CSRF_HEADER] !== undefined;
}

/**
 * Cookie-authenticated requests must carry the custom header (a cross-site form
 * cannot, and a cross-site script would need a CORS preflight we never grant) and,
 * when the browser sends one, an Origin equal to this server's.
 */
export function assertSameOriginBrowser(request: FastifyRequest): void {
  if (request.headers[CSRF_HEADER] !== '1') {
    throw new AppError('forbidden', 'Cookie-authenticated requests need the header X-PCA-CSRF: 1.');
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) {
    throw new AppError('forbidden', 'Cross-origin requests may not use the session cookie.');
  }
}

function isPlainHttpLoopback(request: FastifyRequest): boolean {
  return request.protocol === 'http' && LOOPBACK_HOSTS.has(request.hostname.toLowerCase());
}

export function setRefreshCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeSeconds: number,
): void {
  reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
    secure: !isPlainHttpLoopback(request),
    maxAge: maxAgeSeconds,
  });
}

export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(REFRESH_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
    secure: !isPlainHttpLoopback(request),
  });
}

export function refreshCookieOf(request: FastifyRequest): string | undefined {
  const value = request.cookies[REFRESH_COOKIE];
  return value === undefined || value === '' ? undefined : value;
}
