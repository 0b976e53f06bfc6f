import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(BACKENDS)('request ids [%s]', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.dispose());

  it('generates one when the caller sends none', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/health/live' });
    const second = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).toMatch(UUID);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it('reuses a well-formed id and logs it on the one line of the request', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'lb-7f3a.42:9' },
    });
    expect(response.headers['x-request-id']).toBe('lb-7f3a.42:9');
    const lines = t.logs.filter((line) => line.requestId === 'lb-7f3a.42:9');
    expect(lines.map((line) => line.msg)).toEqual(['request completed']);
    expect(lines[0]).toMatchObject({ req: { method: 'GET', url: '/health/live' }, res: { statusCode: 200 } });
  });

  it.each([
    ['with spaces and quotes', 'a b"c'],
    ['with a newline (log injection)', 'abc\ninjected'],
    ['too long', 'x'.repeat(129)],
    ['empty', ''],
  ])('replaces an id %s', async (_label, given) => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/nowhere',
      headers: { 'x-request-id': given },
    });
    expect(response.headers['x-request-id']).toMatch(UUID);
    expect(response.json<{ requestId: string }>().requestId).toBe(response.headers['x-request-id']);
  });
});
