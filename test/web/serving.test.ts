import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const HTML = { accept: 'text/html,application/xhtml+xml' };

describe.each(BACKENDS)('serving the web app [%s]', (backend) => {
  let t: TestApp | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  async function builtApp() {
    dir = await mkdtemp(path.join(tmpdir(), 'pca-web-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>app</title><div id="root"></div>');
    await writeFile(path.join(dir, 'assets', 'main-abc123.js'), 'console.log(1)');
    t = await createTestApp(backend, { webRoot: `${dir}/` });
    return t.app;
  }

  it('serves the page, its hashed assets for good and client-side routes as the page', async () => {
    const app = await builtApp();
    const root = await app.inject({ method: 'GET', url: '/', headers: HTML });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('<div id="root">');
    expect(root.headers['content-security-policy']).toMatch(/script-src 'self'/);
    const asset = await app.inject({ method: 'GET', url: '/assets/main-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    const deep = await app.inject({ method: 'GET', url: '/analyses/ana_123?tab=insights', headers: HTML });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('<div id="root">');
    expect(deep.headers['cache-control']).toBe('no-cache');
  });

  it('sends the security headers on every answer: page, asset, API, refusal, 404 and the API docs', async () => {
    const app = await builtApp();
    const answers = {
      page: await app.inject({ method: 'GET', url: '/', headers: HTML }),
      asset: await app.inject({ method: 'GET', url: '/assets/main-abc123.js' }),
      health: await app.inject({ method: 'GET', url: '/health/live' }),
      refusal: await app.inject({ method: 'GET', url: '/api/v1/auth/me' }),
      invalid: await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'x' } }),
      missing: await app.inject({ method: 'GET', url: '/api/v1/nothing' }),
      docs: await app.inject({ method: 'GET', url: '/docs/json' }),
    };
    expect(answers.refusal.statusCode).toBe(401);
    expect(answers.invalid.statusCode).toBe(422);
    for (const [name, answer] of Object.entries(answers)) {
      expect(answer.headers['x-content-type-options'], name).toBe('nosniff');
      expect(answer.headers['x-frame-options'], name).toBe('SAMEORIGIN');
      expect(answer.headers['strict-transport-security'], name).toMatch(/max-age=\d+/);
      expect(answer.headers['referrer-policy'], name).toBe('no-referrer');
      expect(answer.headers['content-security-policy'], name).toMatch(/frame-ancestors 'self'/);
    }
    expect(answers.page.headers['content-security-policy']).toMatch(/script-src 'self';.*connect-src 'self'/);
  });

  it('keeps API, docs, health and metrics paths and non-HTML requests as 404 problems', async () => {
    const app = await builtApp();
    for (const url of ['/api/v1/nothing', '/health/nothing', '/docs/nothing/here', '/metrics/x']) {
      const response = await app.inject({ method: 'GET', url, headers: HTML });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/application\/problem\+json/);
    }
    const json = await app.inject({ method: 'GET', url: '/analyses', headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(404);
    const missingAsset = await app.inject({ method: 'GET', url: '/assets/gone-123.js', headers: { accept: '*/*' } });
    expect(missingAsset.statusCode).toBe(404);
    const post = await app.inject({ method: 'POST', url: '/analyses', headers: HTML });
    expect(post.statusCode).toBe(404);
  });

  it('documents the bearer scheme on every protected operation, so the typed client and "Try it out" send it', async () => {
    const app = await builtApp();
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<string, Record<string, { security?: unknown; responses?: Record<string, unknown> }>>;
    }>();
    expect(doc.paths['/api/v1/datasets']?.get?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/analyses/{id}']?.delete?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/auth/login']?.post?.security).toBeUndefined();
    expect(Object.keys(doc.paths['/api/v1/auth/logout']?.post?.responses ?? {})).toContain('204');
    expect(Object.keys(doc.paths['/api/v1/auth/logout']?.post?.responses ?? {})).not.toContain('200');
  });

  it('explains how to build the app when it is not built, and still serves the API', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pca-web-empty-'));
    t = await createTestApp(backend, { webRoot: `${dir}/` });
    const root = await t.app.inject({ method: 'GET', url: '/', headers: HTML });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('npm run build:web');
    const deep = await t.app.inject({ method: 'GET', url: '/datasets', headers: HTML });
    expect(deep.body).toContain('npm run build:web');
    const health = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(health.statusCode).toBe(200);
  });
});
