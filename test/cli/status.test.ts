import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, OPERATOR_FIRST_PASSWORD, type TestEnvironment } from '../helpers/backends.js';
import { runCli, startServer, type ServerProcess } from '../helpers/cli.js';
import { OPERATOR_PASSWORD } from '../helpers/identity.js';

describe('pca status', () => {
  let environment: TestEnvironment;
  let server: ServerProcess;
  let key: string;

  beforeAll(async () => {
    environment = await createTestEnvironment('sqlite');
    server = await startServer(environment.env);
    const post = async (path: string, body: unknown, token?: string) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    const login = await post('/api/v1/auth/login', { username: 'admin', password: OPERATOR_FIRST_PASSWORD });
    const token = login.accessToken as string;
    await post(
      '/api/v1/auth/password',
      { currentPassword: OPERATOR_FIRST_PASSWORD, newPassword: OPERATOR_PASSWORD },
      token,
    );
    await post('/api/v1/alerts', { severity: 'warning', category: 'system', title: 'Backups are late' }, token);
    key = (await post('/api/v1/api-keys', { name: 'status', scopes: ['monitoring:read'] }, token)).key as string;
  }, 60_000);
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    await environment.cleanup();
  });

  it('prints health, open alerts and request percentiles', async () => {
    const result = await runCli(['status', '--url', server.url, '--token', key], {});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ready: pass (HTTP 200)');
    expect(result.stdout).toMatch(/store\s+pass/);
    expect(result.stdout).toContain('open alerts: 1');
    expect(result.stdout).toContain('[warning] system: Backups are late');
    expect(result.stdout).toMatch(/requests \(60 min\): \d+, errors [\d.]+%, p50 [\d.]+ ms, p95 [\d.]+ ms/);
  });

  it('shows health without a token, and fails clearly when the instance is unreachable', async () => {
    const healthOnly = await runCli(['status', '--url', server.url], {});
    expect(healthOnly.stdout).toContain('Give --token');
    const bad = await runCli(['status', '--url', server.url, '--token', 'pca_wrong'], {});
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/^pca: the token was refused/);
    const down = await runCli(['status', '--url', 'http://127.0.0.1:9'], {});
    expect(down.code).not.toBe(0);
    expect(down.stderr).toMatch(/^pca: cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
