import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestEnvironment, OPERATOR_FIRST_PASSWORD, type TestEnvironment } from '../helpers/backends.js';
import { startServer, type ServerProcess } from '../helpers/cli.js';
import { OPERATOR_PASSWORD } from '../helpers/identity.js';

const postgresOnly = BACKENDS.includes('postgres') ? describe : describe.skip;

async function json<T>(
  server: ServerProcess,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; data: T }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, data: (text ? JSON.parse(text) : null) as T };
}

postgresOnly('two instances on one PostgreSQL', () => {
  let environment: TestEnvironment;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    environment = await createTestEnvironment('postgres');
    // Start one first so bootstrap and migrations happen once, then the second joins.
    a = await startServer(environment.env);
    b = await startServer(environment.env);
  }, 60_000);
  afterAll(async () => {
    a?.child.kill('SIGTERM');
    b?.child.kill('SIGTERM');
    await Promise.all([a?.exited, b?.exited]);
    await environment?.cleanup();
  });

  it('honours a logout on one instance on the other within 5 s', async () => {
    const first = await json<{ accessToken: string }>(a, 'POST', '/api/v1/auth/login', undefined, {
      username: 'admin',
      password: OPERATOR_FIRST_PASSWORD,
    });
    expect(first.status).toBe(200);
    const changed = await json(b, 'POST', '/api/v1/auth/password', first.data.accessToken, {
      currentPassword: OPERATOR_FIRST_PASSWORD,
      newPassword: OPERATOR_PASSWORD,
    });
    expect(changed.status).toBe(200);
    const token = first.data.accessToken;
    expect((await json(b, 'GET', '/api/v1/users', token)).status).toBe(200);
    expect((await json(a, 'POST', '/api/v1/auth/logout', token)).status).toBe(204);
    const deadline = Date.now() + 5_000;
    let status = 200;
    while (Date.now() < deadline) {
      status = (await json(b, 'GET', '/api/v1/users', token)).status;
      if (status === 401) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(401);
  });

  it('keeps one valid audit chain while both instances append concurrently', async () => {
    const session = await json<{ accessToken: string }>(a, 'POST', '/api/v1/auth/login', undefined, {
      username: 'admin',
      password: OPERATOR_PASSWORD,
    });
    const token = session.data.accessToken;
    const writes = Array.from({ length: 60 }, (_, i) =>
      json(i % 2 === 0 ? a : b, 'POST', '/api/v1/alerts', token, {
        severity: 'info',
        category: 'system',
        title: `concurrent ${i}`,
      }),
    );
    expect((await Promise.all(writes)).every((result) => result.status === 201)).toBe(true);
    const verdict = await json<{ valid: boolean; checked: number }>(b, 'GET', '/api/v1/audit/verify', token);
    expect(verdict.data.valid).toBe(true);
    const raised = await json<{ items: { seq: number }[] }>(
      a,
      'GET',
      '/api/v1/audit/events?action=alert.raised&limit=500',
      token,
    );
    expect(raised.data.items).toHaveLength(60);
    expect(verdict.data.checked).toBeGreaterThan(60);
  });

  it('shares the login rate limit and lockout across instances', async () => {
    for (let i = 0; i < 5; i++) {
      const server = i % 2 === 0 ? a : b;
      expect(
        (
          await json(server, 'POST', '/api/v1/auth/login', undefined, {
            username: 'admin',
            password: `wrong-password-${i}`,
          })
        ).status,
      ).toBe(401);
    }
    const locked = await json(b, 'POST', '/api/v1/auth/login', undefined, {
      username: 'admin',
      password: OPERATOR_PASSWORD,
    });
    expect(locked.status).toBe(401);
    const alsoLocked = await json(a, 'POST', '/api/v1/auth/login', undefined, {
      username: 'admin',
      password: OPERATOR_PASSWORD,
    });
    expect(alsoLocked.status).toBe(401);
  });
});
