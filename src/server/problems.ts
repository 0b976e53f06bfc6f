import type { ProblemKind } from '../errors.js';

/** The stable catalogue of problem types: `type` is `/problems/<kind>`, documented at that URL. */
export const PROBLEMS: Readonly<Record<ProblemKind, { status: number; title: string; description: string }>> = {
  validation: {
    status: 422,
    title: 'Validation failed',
    description: 'The request is well-formed but some fields have wrong types or values; see errors[].',
  },
  'malformed-request': {
    status: 400,
    title: 'Malformed request',
    description: 'The request could not be parsed (for example, invalid JSON).',
  },
  unprocessable: {
    status: 422,
    title: 'Unprocessable content',
    description: 'The content was understood but cannot be processed (for example, a file with no usable data).',
  },
  'not-found': {
    status: 404,
    title: 'Not found',
    description: 'No such resource, or not one visible to the caller.',
  },
  conflict: {
    status: 409,
    title: 'Conflict',
    description: 'The request conflicts with the current state (for example, a name already taken).',
  },
  unauthorized: {
    status: 401,
    title: 'Authentication required',
    description: 'Credentials are missing, invalid or expired.',
  },
  'mfa-required': {
    status: 401,
    title: 'Second factor required',
    description: 'The password was right; the account also needs a TOTP or recovery code (`totp`).',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    description: 'The caller lacks the permission this action needs.',
  },
  'password-change-required': {
    status: 403,
    title: 'Password change required',
    description: 'The account must change its password before any other call.',
  },
  'quota-exceeded': {
    status: 403,
    title: 'Quota exceeded',
    description: "The organisation's quota for this resource is used up; see limit and usage.",
  },
  'feature-disabled': {
    status: 403,
    title: 'Feature disabled',
    description: 'This feature is not enabled for the organisation.',
  },
  'payload-too-large': {
    status: 413,
    title: 'Payload too large',
    description: 'The request body is larger than allowed.',
  },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    description: 'The request body has a content type this route does not accept.',
  },
  'rate-limited': {
    status: 429,
    title: 'Too many requests',
    description: 'Slow down; retry after the time given in Retry-After.',
  },
  'service-unavailable': {
    status: 503,
    title: 'Service unavailable',
    description: 'The service is shutting down or a dependency is unavailable.',
  },
  internal: {
    status: 500,
    title: 'Internal error',
    description: 'An unexpected error; quote the requestId when reporting it.',
  },
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(kind: ProblemKind): string {
  return `/problems/${kind}`;
}

/** The problem kind an HTTP status stands for, when a library (not a service) raised it. */
export function kindForStatus(status: number): ProblemKind {
  switch (status) {
    case 400:
      return 'malformed-request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload-too-large';
    case 415:
      return 'unsupported-media-type';
    case 422:
      return 'unprocessable';
    case 429:
      return 'rate-limited';
    case 503:
      return 'service-unavailable';
    default:
      return status >= 500 ? 'internal' : 'malformed-request';
  }
}
