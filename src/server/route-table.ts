import type { FastifyInstance } from 'fastify';
import type { RouteAudit } from '../audit/index.js';
import type { RouteAccess } from './access.js';

/** One served method+path and what it declared; tests walk this table to prove every route is guarded. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess | undefined;
  readonly audit: RouteAudit | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly routeTable: readonly RouteEntry[];
  }
}

/** Records every route registered after this call. */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method !== 'HEAD')
        table.push({ method, url: route.url, access: route.config?.access, audit: route.config?.audit });
    }
  });
}
