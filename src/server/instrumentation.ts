import type { Monitoring } from '../context.js';
import type { RefusalMeasure } from './door.js';
import type { HttpServer } from './http.js';

/**
 * Measures every request: in flight, duration by route template and status class, and the per-minute
 * stats. Returns the measure for answers given before Fastify (the doors).
 */
export function instrument(app: HttpServer, monitoring: Monitoring): RefusalMeasure {
  const { metrics, requests, orgRequests } = monitoring;
  /** Into the histogram and the instance's statistics; `key` is "METHOD route". */
  const record = (key: string, method: string, route: string, status: number, ms: number) => {
    metrics.httpDuration.observe(key, method, route, status, ms / 1000);
    // The minute and latency bucket are worked out once for both statistics.
    const sample = requests.sample(status, ms);
    requests.recordSample(key, sample);
    return sample;
  };
  // Callback hooks: an async hook costs a promise and a microtask on every request.
  app.addHook('onRequest', (_request, _reply, done) => {
    metrics.inFlight.started();
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.inFlight.finished();
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${route}`;
    const sample = record(key, request.method, route, reply.statusCode, reply.elapsedTime);
    if (request.principal) orgRequests.recordSample(request.principal.orgId, key, sample);
    done();
  });
  return (method, route, status, ms) => {
    record(`${method} ${route}`, method, route, status, ms);
  };
}
