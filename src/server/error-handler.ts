import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError, type FieldError, type ProblemKind } from '../errors.js';
import { PROBLEMS, PROBLEM_CONTENT_TYPE, kindForStatus, problemType } from './problems.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  requestId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function problemBody(
  kind: ProblemKind,
  detail: string,
  requestId: string,
  extras: Readonly<Record<string, unknown>> = {},
  errors: readonly FieldError[] = [],
): ProblemBody {
  const { status, title } = PROBLEMS[kind];
  const body: ProblemBody = { ...extras, type: problemType(kind), title, status, detail, requestId };
  if (errors.length > 0) body.errors = [...errors];
  return body;
}

export function sendProblem(reply: FastifyReply, body: ProblemBody, kind?: ProblemKind): FastifyReply {
  if (kind !== undefined) reply.request.problemKind = kind;
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

interface AjvIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** Field errors listed in a problem body; `errorCount` tells how many there were. */
const MAX_FIELD_ERRORS = 20;

function fieldErrors(context: string | undefined, issues: readonly AjvIssue[]): FieldError[] {
  return issues.map((issue) => {
    const missing = issue.keyword === 'required' ? `/${String(issue.params.missingProperty)}` : '';
    const extra = issue.keyword === 'additionalProperties' ? `/${String(issue.params.additionalProperty)}` : '';
    return {
      field: `/${context ?? 'body'}${issue.instancePath}${missing}${extra}`,
      message:
        issue.keyword === 'additionalProperties'
          ? 'is not a known field'
          : // A closed list names what it accepts, so the caller can correct the value without the docs.
            issue.keyword === 'enum' && Array.isArray(issue.params.allowedValues)
            ? `must be one of: ${issue.params.allowedValues.map(String).join(', ')}`
            : (issue.message ?? 'is invalid'),
    };
  });
}

/** Every error leaves as RFC 9457 problem+json; a 5xx never shows internals. */
export function installErrorHandling(
  app: FastifyInstance,
  /** Answers what is not an API route, e.g. a browser navigation to the web app; false passes it on. */
  notFoundFallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | false,
): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isAppError(error)) {
      if (PROBLEMS[error.kind].status >= 500 && error.kind !== 'service-unavailable')
        request.log.error({ err: error }, 'service error');
      // A service that says when to come back (a rate limit, a full queue) gets the standard header too.
      const retryAfter = error.extensions.retryAfter;
      if (typeof retryAfter === 'number' && !reply.hasHeader('retry-after'))
        reply.header('retry-after', String(retryAfter));
      return sendProblem(
        reply,
        problemBody(error.kind, error.message, request.id, error.extensions, error.fieldErrors),
        error.kind,
      );
    }
    if (error.validation) {
      const errors = fieldErrors(error.validationContext, error.validation);
      // A body of thousands of unknown fields must not make a response of megabytes.
      const shown = errors.slice(0, MAX_FIELD_ERRORS);
      const extras = errors.length > shown.length ? { errorCount: errors.length } : {};
      return sendProblem(
        reply,
        problemBody('validation', 'The request has invalid fields; see errors.', request.id, extras, shown),
        'validation',
      );
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(
        reply,
        problemBody('internal', 'An unexpected error occurred. Quote the requestId when reporting it.', request.id),
        'internal',
      );
    }
    if (status === 429) {
      return sendProblem(reply, problemBody('rate-limited', error.message, request.id), 'rate-limited');
    }
    return sendProblem(reply, problemBody(kindForStatus(status), error.message, request.id), kindForStatus(status));
  });

  app.setNotFoundHandler(
    (request, reply) =>
      notFoundFallback?.(request, reply) ||
      sendProblem(
        reply,
        problemBody('not-found', `No route ${request.method} ${request.url.split('?')[0]}`, request.id),
      ),
  );
}
