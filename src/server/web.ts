import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The built web app: `npm run build:web` writes it; both src/server and dist/server sit two levels below the root. */
export const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** Paths that belong to the API and operations, never to the single-page app. */
const SERVER_PREFIXES = ['/api', '/docs', '/health', '/metrics'];

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PCA Agent</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>PCA Agent</h1>
<p>The server is running, but the web app has not been built.</p>
<p>Run <code>npm ci</code> (which builds it) or <code>npm run build:web</code>, then reload this page.
The API is at <a href="/docs">/docs</a>.</p>
</body></html>
`;

function ownedByServer(url: string): boolean {
  const path = url.split('?')[0] ?? url;
  return SERVER_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

function acceptsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/html');
}

export interface WebApp {
  /** Sends the app's page for a browser navigation to a client-side route; false when the request is not one. */
  fallback(request: FastifyRequest, reply: FastifyReply): FastifyReply | false;
}

/**
 * Serves the built files (each file a route, known at start) and answers
 * browser navigations to client-side routes with index.html. Hashed assets
 * are cached for good; the page itself is revalidated every time.
 */
export async function registerWebApp(app: FastifyInstance, root: string = WEB_ROOT): Promise<WebApp> {
  const built = existsSync(`${root}index.html`);
  if (built) {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: ['index.html'],
      setHeaders: (reply, filePath) => {
        reply.header(
          'cache-control',
          filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  } else {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html').send(NOT_BUILT_PAGE));
  }
  return {
    fallback: (request, reply) => {
      if (
        (request.method !== 'GET' && request.method !== 'HEAD') ||
        ownedByServer(request.url) ||
        !acceptsHtml(request)
      ) {
        return false;
      }
      if (!built) return reply.type('text/html').send(NOT_BUILT_PAGE);
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    },
  };
}
