import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

describe.each(BACKENDS)('problem+json errors [%s]', (backend) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(backend, {
      // Routes that exist only in this test, to drive each error path of the real handler.
      beforeReady: ({ app }) => {
        app.post(
          '/test/echo',
          {
            schema: {
              body: Type.Object(
                { name: Type.String({ minLength: 1 }), rating: Type.Integer({ minimum: 1, maximum: 5 }) },
                { additionalProperties: false },
              ),
            },
          },
          async (request) => request.body,
        );
        app.get('/test/boom', async () => {
          throw new Error('secret internals: password=hunter2 at /srv/app.js:12');
        });
        app.get('/test/quota', async () => {
          throw new AppError('quota-exceeded', 'The organisation has used its 5 users.', { limit: 5, usage: 5 });
        });
      },
    });
  });
  afterAll(() => t.dispose());

  function expectProblem(response: { headers: Record<string, unknown>; json: () => unknown }, status: number) {
    expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
    const body = response.json() as Record<string, unknown>;
    expect(body.status).toBe(status);
    expect(typeof body.type).toBe('string');
    expect(typeof body.title).toBe('string');
    expect(typeof body.detail).toBe('string');
    expect(body.requestId).toBe(response.headers['x-request-id']);
    return body;
  }

  it('answers an unknown route with a 404 problem', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/nothing?x=1' });
    expect(response.statusCode).toBe(404);
    const body = expectProblem(response, 404);
    expect(body.type).toBe('/problems/not-found');
    expect(body.detail).toBe('No route GET /api/v1/nothing');
  });

  it('lists each invalid field in errors[] with a 422', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: { rating: 9, extra: true },
    });
    expect(response.statusCode).toBe(422);
    const body = expectProblem(response, 422);
    expect(body.type).toBe('/problems/validation');
    const fields = (body.errors as { field: string }[]).map((error) => error.field).sort();
    expect(fields).toEqual(['/body/extra', '/body/name', '/body/rating']);
  });

  it('refuses a wrong type', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/test/echo', payload: { name: 'a', rating: 'five' } });
    expect(response.statusCode).toBe(422);
    expect((expectProblem(response, 422).errors as { field: string }[])[0]?.field).toBe('/body/rating');
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(response.statusCode).toBe(400);
    expect(expectProblem(response, 400).type).toBe('/problems/malformed-request');
  });

  it('answers an unsupported content type with a 415 problem', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/x-unknown' },
      payload: 'x',
    });
    expect(response.statusCode).toBe(415);
    expect(expectProblem(response, 415).type).toBe('/problems/unsupported-media-type');
  });

  it('answers an oversize body with a 413 problem', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: { name: 'x'.repeat(2 * 1024 * 1024), rating: 1 },
    });
    expect(response.statusCode).toBe(413);
    expect(expectProblem(response, 413).type).toBe('/problems/payload-too-large');
  });

  it('hides internals of an unexpected error behind a 500 with the request id', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/test/boom', headers: { 'x-request-id': 'trace-500' } });
    expect(response.statusCode).toBe(500);
    const body = expectProblem(response, 500);
    expect(body.requestId).toBe('trace-500');
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('app.js');
    expect(response.body).not.toContain('stack');
    const logged = t.logs.find((line) => line.requestId === 'trace-500' && line.level === 50);
    expect(logged).toBeDefined();
  });

  it('writes a request’s lines with its id, the completed line alike whether or not the request logged before', async () => {
    await t.app.inject({ method: 'GET', url: '/test/boom', headers: { 'x-request-id': 'logged-before' } });
    await t.app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'logged-once' } });
    const before = t.logs.filter((line) => line.requestId === 'logged-before');
    const once = t.logs.filter((line) => line.requestId === 'logged-once');
    expect(before.map((line) => line.msg)).toEqual(['unhandled error', 'request completed']);
    expect(once.map((line) => line.msg)).toEqual(['request completed']);
    const fields = ['level', 'time', 'pid', 'hostname', 'requestId', 'req', 'res', 'responseTime', 'msg'];
    expect(Object.keys(before[1]!)).toEqual(fields);
    expect(Object.keys(once[0]!)).toEqual(fields);
    expect(once[0]).toMatchObject({ level: 30, req: { method: 'GET', url: '/health/live' }, res: { statusCode: 200 } });
    expect(before[1]).toMatchObject({ level: 30, req: { method: 'GET', url: '/test/boom' }, res: { statusCode: 500 } });
  });

  it('carries a service error’s extensions (limit and usage)', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/test/quota' });
    expect(response.statusCode).toBe(403);
    const body = expectProblem(response, 403);
    expect(body).toMatchObject({ type: '/problems/quota-exceeded', limit: 5, usage: 5 });
  });

  it('documents each problem type at its URL', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/problems/quota-exceeded' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ type: '/problems/quota-exceeded', status: 403 });
    const unknown = await t.app.inject({ method: 'GET', url: '/problems/nope' });
    expect(unknown.statusCode).toBe(404);
  });
});
