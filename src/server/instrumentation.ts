import type { Monitoring } from '../context.js';
import type { HttpServer } from './http.js';

/**
 * Measures every request: in flight, duration by route template and status class, and the per-minute
 * stats. Returns the measure for answers given before Fastify (the doors).
 */
export function instrument(
  app: HttpServer,
  monitoring: Monitoring,
): (method: string, route: string, status: number, ms: number) => void {
  const { metrics, requests, orgRequests } = monitoring;
  const measure = (method: string, route: string, status: number, ms: number): void => {
    metrics.httpDuration.observe({ method, route, status_class: `${Math.floor(status / 100)}xx` }, ms / 1000);
    requests.record(`${method} ${route}`, status, ms);
  };
  // Callback hooks: an async hook costs a promise and a microtask on every request.
  app.addHook('onRequest', (_request, _reply, done) => {
    metrics.inFlight.inc();
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.inFlight.dec();
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    measure(request.method, route, status, ms);
    if (request.principal) orgRequests.record(request.principal.orgId, `${request.method} ${route}`, status, ms);
    done();
  });
  return measure;
}
