import { availableParallelism } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

function expectConfigError(env: Record<string, string>, variable: string): ConfigError {
  try {
    loadConfig(env, '/srv');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.variable).toBe(variable);
    expect(configError.message.startsWith(`${variable}: expected `)).toBe(true);
    expect(configError.message).not.toContain('\n');
    return configError;
  }
  throw new Error(`expected ${variable} to be refused`);
}

describe('config', () => {
  it('leaves one core to the event loop when it bounds password hashing, and hashes on one at least', () => {
    expect(loadConfig({}, '/srv').auth.hashConcurrency).toBe(Math.max(1, availableParallelism() - 1));
    expect(loadConfig({ PCA_HASH_CONCURRENCY: '4' }, '/srv').auth.hashConcurrency).toBe(4);
  });

  it('has embedded defaults: loopback, 8080, ./data, SQLite', () => {
    const config = loadConfig({}, '/srv');
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe('/srv/data');
    expect(config.database).toEqual({ kind: 'sqlite', file: path.join('/srv/data', 'pca.sqlite') });
    expect(config.logLevel).toBe('info');
    expect(config.duckdb.threads).toBeGreaterThanOrEqual(1);
    expect(config.duckdb.memoryLimit).toBe('2GB');
    expect(config.trustProxy).toBe(false);
  });

  it('reads every setting from the environment', () => {
    const config = loadConfig(
      {
        PCA_HOST: '0.0.0.0',
        PCA_PORT: '0',
        PCA_DATA_DIR: 'var/pca',
        PCA_DATABASE_URL: 'postgres://u:p@db:5432/pca',
        PCA_DATABASE_SCHEMA: 'tenant_a',
        PCA_DATABASE_POOL_MAX: '4',
        PCA_LOG_LEVEL: 'WARN',
        PCA_DUCKDB_THREADS: '3',
        PCA_DUCKDB_MEMORY_LIMIT: '512mb',
        PCA_SHUTDOWN_TIMEOUT_MS: '2500',
        PCA_TRUST_PROXY: 'true',
      },
      '/srv',
    );
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      dataDir: '/srv/var/pca',
      database: { kind: 'postgres', url: 'postgres://u:p@db:5432/pca', schema: 'tenant_a', poolMax: 4 },
      logLevel: 'warn',
      duckdb: { threads: 3, memoryLimit: '512MB' },
      shutdownTimeoutMs: 2500,
      trustProxy: 1,
    });
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PCA_PORT: '  ', PCA_DATABASE_URL: '' }, '/srv').port).toBe(8080);
  });

  it.each([
    [{ PCA_PORT: 'eighty' }, 'PCA_PORT'],
    [{ PCA_PORT: '65536' }, 'PCA_PORT'],
    [{ PCA_PORT: '-1' }, 'PCA_PORT'],
    [{ PCA_PORT: '80.5' }, 'PCA_PORT'],
    [{ PCA_HOST: 'bad host' }, 'PCA_HOST'],
    [{ PCA_LOG_LEVEL: 'loud' }, 'PCA_LOG_LEVEL'],
    [{ PCA_DUCKDB_THREADS: '0' }, 'PCA_DUCKDB_THREADS'],
    [{ PCA_DUCKDB_MEMORY_LIMIT: 'lots' }, 'PCA_DUCKDB_MEMORY_LIMIT'],
    [{ PCA_DUCKDB_MEMORY_LIMIT: '0GB' }, 'PCA_DUCKDB_MEMORY_LIMIT'],
    [{ PCA_DATABASE_URL: 'mysql://x@y/z' }, 'PCA_DATABASE_URL'],
    [{ PCA_DATABASE_URL: 'not a url' }, 'PCA_DATABASE_URL'],
    [{ PCA_DATABASE_URL: 'postgres://h/db', PCA_DATABASE_SCHEMA: 'x; drop table users' }, 'PCA_DATABASE_SCHEMA'],
    [{ PCA_DATABASE_URL: 'postgres://h/db', PCA_DATABASE_POOL_MAX: '0' }, 'PCA_DATABASE_POOL_MAX'],
    [{ PCA_TRUST_PROXY: 'maybe' }, 'PCA_TRUST_PROXY'],
    [{ PCA_SHUTDOWN_TIMEOUT_MS: '1e3' }, 'PCA_SHUTDOWN_TIMEOUT_MS'],
    [{ PCA_METRICS_TOKEN: 'short' }, 'PCA_METRICS_TOKEN'],
    [{ PCA_HEALTH_INTERVAL_SECONDS: '0' }, 'PCA_HEALTH_INTERVAL_SECONDS'],
    [{ PCA_JWT_SECRET: 'too-short-secret' }, 'PCA_JWT_SECRET'],
    [{ PCA_PASSWORD_HASH: 'md5' }, 'PCA_PASSWORD_HASH'],
    [{ PCA_BCRYPT_COST: '3' }, 'PCA_BCRYPT_COST'],
    [{ PCA_LOCKOUT_THRESHOLD: '0' }, 'PCA_LOCKOUT_THRESHOLD'],
  ])('refuses %o with one line naming %s', (env, variable) => {
    expectConfigError(env, variable);
  });

  it('never repeats a secret in its error', () => {
    const error = expectConfigError({ PCA_JWT_SECRET: 'hunter2-short' }, 'PCA_JWT_SECRET');
    expect(error.message).not.toContain('hunter2');
  });

  it('never repeats a database password in its error', () => {
    const error = expectConfigError({ PCA_DATABASE_URL: 'mysql://admin:s3cret@db/x' }, 'PCA_DATABASE_URL');
    expect(error.message).not.toContain('s3cret');
    expect(error.message).toContain('admin:***@');
  });

  it('reads the report mail server, refuses other schemes or a missing sender, and never repeats its password', () => {
    expect(loadConfig({}, '/srv').smtp).toBeUndefined();
    expect(loadConfig({}, '/srv').reports).toEqual({ intervalSeconds: 60, retryBaseSeconds: 60, maxAttempts: 4 });
    expect(
      loadConfig({ PCA_SMTP_URL: 'smtps://u:p@mail.example.com:465', PCA_SMTP_FROM: 'PCA <r@example.com>' }, '/srv')
        .smtp,
    ).toEqual({
      url: 'smtps://u:p@mail.example.com:465',
      from: 'PCA <r@example.com>',
    });
    const scheme = expectConfigError(
      { PCA_SMTP_URL: 'http://mailer:s3cret@example.com', PCA_SMTP_FROM: 'r@example.com' },
      'PCA_SMTP_URL',
    );
    expect(scheme.message).not.toContain('s3cret');
    expectConfigError({ PCA_SMTP_URL: 'smtp://mail.example.com' }, 'PCA_SMTP_FROM');
    expectConfigError({ PCA_SMTP_URL: 'smtp://mail.example.com', PCA_SMTP_FROM: 'nobody' }, 'PCA_SMTP_FROM');
    expectConfigError({ PCA_REPORT_MAX_ATTEMPTS: '0' }, 'PCA_REPORT_MAX_ATTEMPTS');
  });
});
