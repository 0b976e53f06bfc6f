import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { ProblemKind } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { AuditAction } from './catalog.js';
import type { AuditActor, AuditEntry } from './event.js';
import { ownedElsewhere } from './ownership.js';
import { RefusalSummaries } from './refusals.js';
import { auditRecorder, type AuditLog, type AuditRecorder } from './recorder.js';

/**
 * What a route records. Every route that changes state lists the actions it
 * may write (a test walks the route table); a route that only reads through a
 * POST says so.
 */
export type RouteAudit = readonly AuditAction[] | 'read-only';

declare module 'fastify' {
  interface FastifyContextConfig {
    audit?: RouteAudit;
  }
  // Declared on every request by installAuditHooks (decorateRequest), so request objects keep one shape.
  interface FastifyRequest {
    /** The app's audit log; the request's recorder is made from it when first asked for. */
    readonly auditLog: AuditLog | undefined;
    auditRecorder: AuditRecorder | undefined;
    /** Set once access checks and validation passed and the handler runs. */
    reachedHandler: boolean;
    /** The problem kind of an error response, set by the error handler. */
    problemKind: ProblemKind | undefined;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function actorOf(request: FastifyRequest): AuditActor {
  const agent = request.headers['user-agent'];
  const client = { ip: request.ip, userAgent: typeof agent === 'string' ? agent : null };
  const principal = request.principal;
  if (!principal) return { type: 'user', id: null, name: null, ...client };
  return principal.kind === 'user'
    ? { type: 'user', id: principal.userId, name: principal.username, ...client }
    : { type: 'api_key', id: principal.apiKeyId, name: principal.apiKeyName, ...client };
}

function declaredActions(request: FastifyRequest): readonly AuditAction[] {
  const audit = request.routeOptions.config.audit;
  return audit === undefined || audit === 'read-only' ? [] : audit;
}

/** Whether an answer may leave an event: a refusal or failure, an API-key call, a change. */
function mayRecord(request: FastifyRequest, status: number): boolean {
  if (request.routeOptions.url?.startsWith('/api/') !== true) return false;
  if (status >= 400 || request.principal?.kind === 'api_key') return true;
  return MUTATING.has(request.method) && declaredActions(request).length > 0;
}

function recorderFor(log: AuditLog, request: FastifyRequest, declared?: readonly AuditAction[]): AuditRecorder {
  return auditRecorder(log, {
    actor: () => actorOf(request),
    orgId: () => request.principal?.orgId,
    requestId: request.id,
    ...(declared ? { declared } : {}),
  });
}

/** The request's recorder: it writes only the actions its route declared, into the service's transaction. */
export function auditOf(request: FastifyRequest): AuditRecorder {
  if (!request.auditLog) throw new Error('audit hooks are not installed');
  request.auditRecorder ??= recorderFor(request.auditLog, request, declaredActions(request));
  return request.auditRecorder;
}

const ACCESS_KINDS = new Set<ProblemKind>(['unauthorized', 'forbidden', 'password-change-required', 'mfa-required']);

/** The event a refused or failed request leaves, when its handler did not record one itself. */
async function refusalEntry(
  db: Kysely<Database>,
  request: FastifyRequest,
  status: number,
): Promise<AuditEntry | undefined> {
  const kind = request.problemKind;
  const route = { method: request.method, route: request.routeOptions.url, status };
  if (status >= 500)
    return { action: 'error', outcome: 'failure', severity: 'error', reason: kind ?? 'internal', details: route };
  if (kind === 'quota-exceeded') return { action: 'quota.exceeded', outcome: 'denied', details: route };
  if (kind === 'feature-disabled') return { action: 'feature.denied', outcome: 'denied', details: route };
  if (!request.reachedHandler && kind !== undefined && ACCESS_KINDS.has(kind)) {
    return { action: 'access.denied', outcome: 'denied', reason: kind, details: route };
  }
  const id = (request.params as { id?: unknown } | undefined)?.id;
  if (kind === 'not-found' && typeof id === 'string' && request.principal) {
    // The prober's own trail gets a plain 404: it must not learn that the id exists elsewhere.
    return {
      action: 'access.not_found',
      outcome: 'failure',
      severity: 'info',
      target: { type: 'id', id },
      details: route,
    };
  }
  const primary = declaredActions(request)[0];
  if (primary !== undefined && MUTATING.has(request.method)) {
    const denied = kind !== undefined && ACCESS_KINDS.has(kind);
    return {
      action: primary,
      outcome: denied ? 'denied' : 'failure',
      reason: kind ?? `status ${status}`,
      details: route,
    };
  }
  return undefined;
}

/** A 404 for an id another organisation owns: a cross-tenant probe, recorded in the operator's trail only. */
async function recordProbe(
  db: Kysely<Database>,
  log: AuditLog,
  hook: AuditRecorder,
  request: FastifyRequest,
  entry: AuditEntry,
): Promise<void> {
  const id = entry.target?.id;
  const prober = request.principal?.orgId;
  if (typeof id !== 'string' || prober === undefined || !(await ownedElsewhere(db, id, prober))) return;
  const platform = log.platformOrgId;
  if (platform === undefined) return;
  await hook.record(db, {
    ...entry,
    orgId: platform,
    outcome: 'denied',
    severity: 'warning',
    details: { ...entry.details, crossTenant: true, proberOrgId: prober },
  });
}

/** A request refused before anyone signed in: where from, and which route (`METHOD /template`). */
export interface AnonymousRefusal {
  readonly ip: string;
  readonly userAgent: string | null;
  readonly route: string;
}

/**
 * Request-level recording: refusals (401/403, disabled features, quotas,
 * 404s, with cross-tenant probes flagged), server errors, every API-key call,
 * and a loud complaint when a mutating route succeeded without its event.
 * Returns the note for refusals answered before the onSend hooks.
 */
export function installAuditHooks(
  app: FastifyInstance,
  log: AuditLog,
  db: Kysely<Database>,
): (refused: AnonymousRefusal, kind: ProblemKind) => void {
  const anonymous = new RefusalSummaries(log, db);
  /** A refusal before authentication, into its address's summary for the minute. */
  const noteAnonymous = (refused: AnonymousRefusal, kind: ProblemKind): Promise<void> =>
    anonymous.note(refused.ip, refused.userAgent, refused.route, kind);
  const sweeper = setInterval(() => {
    anonymous.flush(false).catch((error: unknown) => app.log.error({ err: error }, 'audit event could not be written'));
  }, 10_000).unref();
  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    await anonymous.flush(true);
  });
  app.decorateRequest('auditLog', { getter: () => log });
  app.decorateRequest('auditRecorder', undefined);
  app.decorateRequest('reachedHandler', false);
  app.decorateRequest('problemKind', undefined);
  app.addHook('preHandler', (request, _reply, done) => {
    request.reachedHandler = true;
    done();
  });
  const settle = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const url = request.routeOptions.url;
    if (url === undefined || !url.startsWith('/api/')) return;
    if (!request.auditLog) return;
    const recorder = request.auditRecorder;
    // Most answers record nothing: the recorder is made only for one that does.
    const hook = (): AuditRecorder => recorderFor(log, request);
    const status = reply.statusCode;
    try {
      const kind = request.problemKind;
      if (
        !request.principal &&
        !request.reachedHandler &&
        kind !== undefined &&
        (ACCESS_KINDS.has(kind) || kind === 'rate-limited')
      ) {
        const agent = request.headers['user-agent'];
        await noteAnonymous(
          {
            ip: request.ip,
            userAgent: typeof agent === 'string' ? agent : null,
            route: `${request.method} ${request.routeOptions.url ?? ''}`,
          },
          kind,
        );
        return;
      }
      if (status >= 400 && (recorder?.refusals ?? 0) === 0) {
        const entry = await refusalEntry(db, request, status);
        if (entry) await hook().record(db, entry);
        if (entry?.action === 'access.not_found') await recordProbe(db, log, hook(), request, entry);
      }
      const primary = declaredActions(request)[0];
      if (status < 400 && primary !== undefined && MUTATING.has(request.method) && (recorder?.successes ?? 0) === 0) {
        request.log.error({ route: url, action: primary }, 'audit event not recorded with its change');
        await hook().record(db, {
          action: primary,
          reason: 'recorded after the change, not with it',
          details: { method: request.method, route: url, status },
        });
      }
      if (request.principal?.kind === 'api_key') {
        await hook().record(db, {
          action: 'api.call',
          target: { type: 'route', id: `${request.method} ${url}` },
          outcome: status >= 400 ? 'failure' : 'success',
          severity: 'info',
          details: { method: request.method, route: url, status, durationMs: Math.round(reply.elapsedTime * 10) / 10 },
        });
      }
    } catch (error) {
      // The response is already decided; a failed append is logged, never turned into another error.
      request.log.error({ err: error }, 'audit event could not be written');
    }
  };
  // Most answers (a user's successful read) record nothing: they pass without a promise.
  app.addHook('onSend', (request, reply, _payload, done) => {
    if (!mayRecord(request, reply.statusCode)) {
      done();
      return;
    }
    settle(request, reply).then(() => done(), done);
  });
  // For answers sent before the onSend hooks (a route's door): the same summary, its failure logged.
  return (refused, kind) => {
    noteAnonymous(refused, kind).catch((error: unknown) =>
      app.log.error({ err: error }, 'audit event could not be written'),
    );
  };
}
