/**
 * Errors a service raises on purpose. Services name the kind of problem; the
 * server alone decides the HTTP status and body (see server/problems.ts).
 */
export const PROBLEM_KINDS = [
  'validation',
  'malformed-request',
  'unprocessable',
  'not-found',
  'conflict',
  'unauthorized',
  'mfa-required',
  'forbidden',
  'password-change-required',
  'quota-exceeded',
  'feature-disabled',
  'payload-too-large',
  'unsupported-media-type',
  'rate-limited',
  'service-unavailable',
  'internal',
] as const;

export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** Kinds that mean the server failed: their errors keep a stack for the log. */
const SERVER_KINDS: ReadonlySet<ProblemKind> = new Set(['service-unavailable', 'internal']);

export interface FieldError {
  /** JSON pointer into the request, e.g. `/body/rating`. */
  readonly field: string;
  readonly message: string;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly kind: ProblemKind,
    detail: string,
    /** Extra members of the problem body (e.g. `limit`, `usage`); never secrets. */
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    // A client's problem is an expected answer, logged without a stack: capturing one anyway
    // is the most expensive part of a refusal, which a storm of them multiplies.
    const stackTraceLimit = Error.stackTraceLimit;
    if (!SERVER_KINDS.has(kind)) Error.stackTraceLimit = 0;
    try {
      super(detail);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
