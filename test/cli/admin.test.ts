import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';

describe.each(BACKENDS)('pca admin and retention [%s]', (backend) => {
  let environment: TestEnvironment | undefined;
  afterEach(async () => {
    await environment?.cleanup();
    environment = undefined;
  });

  it('creates and lists organisations and users, deactivates and resets, on the local store', async () => {
    environment = await createTestEnvironment(backend);
    const env = environment.env;
    const org = await runCli(['admin', 'org', 'create', '--name', 'Agency One', '--admin', 'chief'], env);
    expect(org.stderr).toContain('created organisation "default"');
    expect(org.code).toBe(0);
    expect(org.stdout).toMatch(
      /^created organisation agency-one \(org_[a-z0-9]+\)\ncreated admin chief; one-time password: \S{12,}\n$/,
    );

    const list = await runCli(['admin', 'org', 'list', '--json'], env);
    expect((JSON.parse(list.stdout) as { slug: string }[]).map((item) => item.slug).sort()).toEqual([
      'agency-one',
      'default',
    ]);

    const user = await runCli(
      ['admin', 'user', 'create', '--org', 'agency-one', '--username', 'ana', '--role', 'analyst'],
      env,
    );
    expect(user.code).toBe(0);
    expect(user.stdout).toContain('one-time password:');
    const dup = await runCli(
      ['admin', 'user', 'create', '--org', 'agency-one', '--username', 'ana', '--role', 'analyst'],
      env,
    );
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toBe('pca: The username "ana" is already taken in this organisation.\n');
    const badRole = await runCli(
      ['admin', 'user', 'create', '--org', 'agency-one', '--username', 'bob', '--role', 'king'],
      env,
    );
    expect(badRole.code).not.toBe(0);

    const deactivate = await runCli(['admin', 'user', 'deactivate', '--org', 'agency-one', 'ana'], env);
    expect(deactivate.stdout).toBe('deactivated ana in agency-one\n');
    const lastAdmin = await runCli(['admin', 'user', 'deactivate', '--org', 'agency-one', 'chief'], env);
    expect(lastAdmin.code).not.toBe(0);
    expect(lastAdmin.stderr).toContain('last active admin');
    const reset = await runCli(['admin', 'user', 'reset-password', '--org', 'agency-one', 'chief'], env);
    expect(reset.stdout).toMatch(/^reset chief in agency-one; one-time password: \S{12,}\n$/);
    const users = await runCli(['admin', 'user', 'list', '--org', 'agency-one', '--json'], env);
    expect(
      (JSON.parse(users.stdout) as { username: string; status: string }[]).map((item) => [item.username, item.status]),
    ).toEqual([
      ['chief', 'active'],
      ['ana', 'deactivated'],
    ]);
    const missing = await runCli(['admin', 'user', 'list', '--org', 'nowhere'], env);
    expect(missing.stderr).toBe('pca: no organisation "nowhere"\n');

    const retention = await runCli(['retention', 'run'], env);
    expect(retention.code).toBe(0);
    expect(JSON.parse(retention.stdout)).toMatchObject({
      organizations: 2,
      removed: { sessions: 0, analyses: 0, datasets: 0 },
    });
  });

  it('prints a generated operator password on the console only, never in the log', async () => {
    environment = await createTestEnvironment(backend, { PCA_ADMIN_PASSWORD: '' });
    const result = await runCli(['admin', 'org', 'list'], { ...environment.env, PCA_LOG_LEVEL: 'trace' });
    const match = /One-time password: (\S+)/.exec(result.stderr);
    expect(match).not.toBeNull();
    expect(result.stdout).not.toContain(match![1]);
    const second = await runCli(['admin', 'org', 'list'], environment.env);
    expect(second.stderr).toBe('');
  });

  it('refuses a PCA_ADMIN_PASSWORD the policy refuses', async () => {
    environment = await createTestEnvironment(backend, { PCA_ADMIN_PASSWORD: 'admin' });
    const result = await runCli(['admin', 'org', 'list'], environment.env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^pca: PCA_ADMIN_PASSWORD: expected a password the policy accepts/);
  });
});
