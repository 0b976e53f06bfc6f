import type { TSchema } from 'typebox';
import type { ProblemKind } from '../errors.js';
import { PROBLEM_CONTENT_TYPE, PROBLEMS } from './problems.js';

declare module 'fastify' {
  interface FastifySchema {
    /** Problems this route raises beyond what its shape implies (a 409 on a taken name, a 401 from sign-in). */
    'x-problems'?: readonly ProblemKind[];
    /** The fields of a multipart/form-data body: documented only, the handler reads the parts itself. */
    'x-multipart'?: TSchema;
  }
}

/** RFC 9457 problem details as the error handler writes them; extensions (limit, retryAfter…) ride along. */
const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'requestId'],
  properties: {
    type: { type: 'string', description: 'The problem type, /problems/<kind>, documented at that URL.' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      description: 'The fields at fault, as JSON pointers into the request (/body/name, /query/limit).',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  additionalProperties: true,
} as const;

type Operation = {
  security?: unknown[];
  parameters?: { in: string }[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  'x-problems'?: readonly ProblemKind[];
  'x-multipart'?: TSchema;
};

/** What every operation of a given shape can answer, whatever its handler does. */
function problemsOf(path: string, operation: Operation): Set<ProblemKind> {
  const kinds = new Set<ProblemKind>(operation['x-problems'] ?? []);
  if (!path.startsWith('/api/')) return kinds;
  // The access hook slows down any address that keeps sending no or bad credentials.
  kinds.add('rate-limited');
  if (operation.security !== undefined) {
    kinds.add('unauthorized');
    kinds.add('forbidden');
  }
  const parameters = operation.parameters ?? [];
  if (parameters.some((parameter) => parameter.in === 'path')) kinds.add('not-found');
  if (parameters.length > 0) kinds.add('validation');
  if (operation.requestBody !== undefined) {
    for (const kind of ['malformed-request', 'payload-too-large', 'unsupported-media-type', 'validation'] as const)
      kinds.add(kind);
  }
  return kinds;
}

const RESPONSE_NAME: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableContent',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
  500: 'InternalError',
};

const responseName = (status: number): string => RESPONSE_NAME[status] ?? `Status${status}`;

/** One shared response per status: its description lists the problem kinds that status stands for. */
function sharedResponses(): Record<string, unknown> {
  const byStatus = new Map<number, string[]>();
  for (const [kind, { status, title }] of Object.entries(PROBLEMS)) {
    byStatus.set(status, [...(byStatus.get(status) ?? []), `\`${kind}\` (${title})`]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, kinds]) => [
      responseName(status),
      {
        description: `Problem details: ${kinds.join(', ')}.`,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    ]),
  );
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown>; responses?: Record<string, unknown> };
}

/**
 * Completes the generated document in one place: every operation's problem
 * responses (shared components, not per-route copies) and the form fields of
 * multipart bodies, which Fastify does not validate and so cannot declare.
 */
export function completeOpenApi<T extends object>(document: T): T {
  const doc = document as OpenApiDocument;
  doc.components = {
    ...doc.components,
    schemas: { ...doc.components?.schemas, Problem: PROBLEM_SCHEMA },
    responses: { ...doc.components?.responses, ...sharedResponses() },
  };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const operation of Object.values(item)) {
      const multipart = operation['x-multipart'];
      if (multipart !== undefined) {
        operation.requestBody = {
          required: true,
          content: { 'multipart/form-data': { schema: JSON.parse(JSON.stringify(multipart)) as unknown } },
        };
        delete operation['x-multipart'];
      }
      const statuses = [...problemsOf(path, operation)].map((kind) => PROBLEMS[kind].status).sort((a, b) => a - b);
      delete operation['x-problems'];
      const responses = { ...operation.responses };
      for (const status of statuses)
        responses[String(status)] ??= { $ref: `#/components/responses/${responseName(status)}` };
      operation.responses = responses;
    }
  }
  return document;
}
