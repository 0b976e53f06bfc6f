import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemRecorder } from '../../src/audit/recorder.js';
import { openStore } from '../../src/store/store.js';
import { BACKENDS, createTestEnvironment, type TestEnvironment } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { bearer, login, USER_PASSWORD, type TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';

interface Verdict {
  valid: boolean;
  checked: number;
  firstBrokenSeq?: number;
  reason?: string;
  archivesChecked?: number;
}

describe.each(BACKENDS)('audit chain tamper evidence and archives [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  let now = new Date('2026-03-01T10:00:00Z');

  beforeAll(async () => {
    t = await createTestApp(backend, { clock: () => now, env: { PCA_LOGIN_RATE_LIMIT: '1000' } });
    org = await seedOrg(t, 'tampered');
  }, 120_000);
  afterAll(() => t.dispose());

  const db = () => t.ctx.store.db;
  const verify = async (query = ''): Promise<Verdict> => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit/verify${query}`,
      headers: bearer(org.users.auditor.accessToken),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Verdict>();
  };
  const rows = () =>
    db().selectFrom('audit_events').selectAll().where('org_id', '=', org.orgId).orderBy('seq').execute();

  it('verifies an untouched chain, odd characters included', async () => {
    const odd = 'ctrl \u0001\u001f tab\t nl\n quote" back\\ é 🚀 \u2028 <b>';
    await systemRecorder(t.ctx.audit, odd, org.orgId).record(db(), {
      action: 'retention.run',
      target: { type: odd, id: odd, name: odd },
      reason: odd,
      details: { [odd]: odd, nested: [odd, 1.5, null] },
    });
    const verdict = await verify();
    expect(verdict.valid).toBe(true);
    // All but the read that verification itself recorded afterwards.
    expect(verdict.checked).toBe((await rows()).length - 1);
  });

  it('detects a changed field, then verifies again once it is restored', async () => {
    const target = (await rows())[4]!;
    await db().updateTable('audit_events').set({ target_name: 'someone-else' }).where('id', '=', target.id).execute();
    expect(await verify()).toMatchObject({ valid: false, firstBrokenSeq: Number(target.seq) });
    await db()
      .updateTable('audit_events')
      .set({ target_name: target.target_name })
      .where('id', '=', target.id)
      .execute();
    expect((await verify()).valid).toBe(true);
  });

  it('detects a deleted middle row', async () => {
    const target = (await rows())[6]!;
    await db().deleteFrom('audit_events').where('id', '=', target.id).execute();
    expect(await verify()).toMatchObject({ valid: false, firstBrokenSeq: Number(target.seq) });
    await db().insertInto('audit_events').values(target).execute();
    expect((await verify()).valid).toBe(true);
  });

  it('detects two swapped rows', async () => {
    const all = await rows();
    const [a, b] = [all[7]!, all[8]!];
    const swap = async () => {
      await db().updateTable('audit_events').set({ seq: -1 }).where('id', '=', a.id).execute();
      await db().updateTable('audit_events').set({ seq: a.seq }).where('id', '=', b.id).execute();
      await db().updateTable('audit_events').set({ seq: b.seq }).where('id', '=', a.id).execute();
    };
    await swap();
    expect(await verify()).toMatchObject({ valid: false, firstBrokenSeq: Number(a.seq) });
    await db().updateTable('audit_events').set({ seq: -1 }).where('id', '=', a.id).execute();
    await db().updateTable('audit_events').set({ seq: b.seq }).where('id', '=', b.id).execute();
    await db().updateTable('audit_events').set({ seq: a.seq }).where('id', '=', a.id).execute();
    expect((await verify()).valid).toBe(true);
  });

  it('detects a truncated tail against the sealed head, and records the break', async () => {
    const all = await rows();
    const tail = all.slice(-2);
    await db()
      .deleteFrom('audit_events')
      .where(
        'id',
        'in',
        tail.map((row) => row.id),
      )
      .execute();
    const verdict = await verify();
    expect(verdict).toMatchObject({ valid: false, firstBrokenSeq: Number(tail[0]!.seq) });
    expect(verdict.reason).toContain('head');
    await db().insertInto('audit_events').values(tail).execute();
    expect((await verify()).valid).toBe(true);
    const broken = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?action=audit.chain_broken',
      headers: bearer(org.users.auditor.accessToken),
    });
    expect(broken.json<{ items: { severity: string }[] }>().items.map((event) => event.severity)).toEqual([
      'critical',
      'critical',
      'critical',
      'critical',
    ]);
  });

  it('archives events past auditDays; the chain verifies across the boundary and archived events stay searchable', async () => {
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${org.orgId}`,
      headers: bearer(org.users.admin.accessToken),
      payload: { retention: { auditDays: 1 } },
    });
    expect(patch.statusCode).toBe(200);
    const before = await rows();
    now = new Date('2026-03-03T10:00:00Z');
    // Two days on, access tokens have long expired.
    org.users.auditor = await login(t.app, 'auditor-user', USER_PASSWORD, org.slug);
    expect((await verify()).valid).toBe(true);
    const report = await t.retention.tick();
    expect(report?.removed.auditEvents).toBe(before.length);

    const archives = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/archives',
      headers: bearer(org.users.auditor.accessToken),
    });
    const [manifest] = archives.json<{
      items: { file: string; fromSeq: number; toSeq: number; count: number; sha256: string }[];
    }>().items;
    expect(manifest).toMatchObject({ fromSeq: 1, toSeq: before.length, count: before.length });
    expect(await readdir(path.join(t.ctx.layout.auditArchive, org.orgId))).toEqual(
      expect.arrayContaining([manifest!.file]),
    );
    expect((await rows()).map((row) => row.action)).toContain('audit.archived');

    expect(await verify()).toMatchObject({ valid: true });
    const live = (await rows()).length;
    expect(await verify('?archives=true')).toMatchObject({
      valid: true,
      archivesChecked: 1,
      checked: before.length + live,
    });

    const search = (query: string) =>
      t.app
        .inject({
          method: 'GET',
          url: `/api/v1/audit/events?action=org.created${query}`,
          headers: bearer(org.users.auditor.accessToken),
        })
        .then((response) => response.json<{ items: { seq: number }[] }>().items);
    expect(await search('')).toEqual([]);
    expect((await search('&includeArchived=true')).map((event) => event.seq)).toEqual([1]);
    const paged = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?limit=5&includeArchived=true',
      headers: bearer(org.users.auditor.accessToken),
    });
    let cursor = paged.json<{ nextCursor: string | null }>().nextCursor;
    const seen = paged.json<{ items: { seq: number }[] }>().items.map((event) => event.seq);
    while (cursor) {
      const next = await t.app.inject({
        method: 'GET',
        url: `/api/v1/audit/events?limit=5&includeArchived=true&cursor=${cursor}`,
        headers: bearer(org.users.auditor.accessToken),
      });
      seen.push(...next.json<{ items: { seq: number }[] }>().items.map((event) => event.seq));
      cursor = next.json<{ nextCursor: string | null }>().nextCursor;
    }
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(seen.at(-1)).toBe(1);
    expect(new Set(seen).size).toBe(seen.length);

    // An altered archive file is caught by the archive check, not silently trusted.
    await writeFile(path.join(t.ctx.layout.auditArchive, org.orgId, manifest!.file), Buffer.from('not the archive'));
    expect(await verify('?archives=true')).toMatchObject({ valid: false, firstBrokenSeq: 1 });
    expect((await verify()).valid).toBe(true);
  });

  it('catches a truncated tail whose head was forged to match, and stays broken after further appends', async () => {
    const all = await rows();
    const [kept, dropped] = all.slice(-2);
    await db().deleteFrom('audit_events').where('id', '=', dropped!.id).execute();
    await db()
      .updateTable('audit_heads')
      .set({ seq: kept!.seq, hash: kept!.hash })
      .where('org_id', '=', org.orgId)
      .execute();
    expect(await verify()).toMatchObject({ valid: false, reason: 'the chain head was altered' });
    // Later appends (the verification records the break) cannot re-seal a forged head.
    expect(await verify()).toMatchObject({ valid: false, reason: 'the chain head was altered' });
  });
});

describe.each(BACKENDS)('pca audit [%s]', (backend) => {
  let environment: TestEnvironment | undefined;
  afterEach(async () => {
    await environment?.cleanup();
    environment = undefined;
  });

  it('verifies every organisation, exits 1 on a break, and archives on demand', async () => {
    environment = await createTestEnvironment(backend, { PCA_AUDIT_KEY: 'k'.repeat(40) });
    const env = environment.env;
    expect((await runCli(['admin', 'org', 'create', '--name', 'Agency One', '--admin', 'chief'], env)).code).toBe(0);
    const ok = await runCli(['audit', 'verify'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^org_\w+ {2}valid {3}\d+ events\norg_\w+ {2}valid {3}\d+ events\n$/);

    const store = openStore(environment.config.database);
    try {
      await store.db.updateTable('audit_events').set({ actor_name: 'nobody' }).where('seq', '=', 1).execute();
    } finally {
      await store.close();
    }
    const broken = await runCli(['audit', 'verify', '--json'], env);
    expect(broken.code).toBe(1);
    const results = JSON.parse(broken.stdout) as Verdict[];
    expect(results.filter((result) => !result.valid).map((result) => result.firstBrokenSeq)).toEqual([1, 1]);

    // The key is the product's, not the database's: another key cannot verify this chain.
    const otherKey = await runCli(['audit', 'verify', '--org', 'agency-one'], {
      ...env,
      PCA_AUDIT_KEY: 'x'.repeat(40),
    });
    expect(otherKey.code).toBe(1);

    const archived = await runCli(['audit', 'archive', '--org', 'agency-one'], env);
    expect(archived.code).toBe(0);
    expect(archived.stdout).toMatch(/^org_\w+ {2}archived 0 events\n$/);
  });
});
