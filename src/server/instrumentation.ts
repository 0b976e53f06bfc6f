import type { Monitoring } from '../context.js';
import type { HttpServer } from './http.js';

/** Measures every request: in flight, duration by route template and status class, and the per-minute stats. */
export function instrument(app: HttpServer, monitoring: Monitoring): void {
  const { metrics, requests, orgRequests } = monitoring;
  // Callback hooks: an async hook costs a promise and a microtask on every request.
  app.addHook('onRequest', (_request, _reply, done) => {
    metrics.inFlight.started();
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.inFlight.finished();
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${route}`;
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    metrics.httpDuration.observe(key, request.method, route, status, ms / 1000);
    // The minute and latency bucket are worked out once for both statistics.
    const sample = requests.sample(status, ms);
    requests.recordSample(key, sample);
    if (request.principal) orgRequests.recordSample(request.principal.orgId, key, sample);
    done();
  });
}
