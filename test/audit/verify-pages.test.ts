import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KyselyPlugin } from 'kysely';
import { archiveExpiredEvents } from '../../src/audit/archive.js';
import { hmacHex, sha256Hex } from '../../src/audit/hmac.js';
import { systemRecorder } from '../../src/audit/recorder.js';
import { verifyChain } from '../../src/audit/verify.js';
import { openStore } from '../../src/store/store.js';
import { inTransaction } from '../../src/store/transactions.js';
import { DEFAULT_RETENTION } from '../../src/tenancy/policy.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { TestOrg } from '../helpers/identity.js';
import { seedOrg } from '../helpers/seed.js';

describe('the chain’s digests, of a text or of its bytes', () => {
  const key = Buffer.from('k'.repeat(40));
  const texts = [
    '["pca-audit-1","org_a",1]',
    'é 🚀 \u2028 "quoted"',
    'x'.repeat(300),
    'last',
    '',
    'nul \u0000 inside',
    'lone \ud800 surrogate',
    'ü'.repeat(5_000),
  ];

  it('gives node:crypto’s HMAC and SHA-256 of a text’s UTF-8 bytes, whether given the text or the bytes', () => {
    for (const text of texts) {
      const hmac = createHmac('sha256', key).update(text).digest('hex');
      const digest = createHash('sha256').update(text).digest('hex');
      expect([hmacHex(key, text), hmacHex(key, Buffer.from(text))]).toEqual([hmac, hmac]);
      expect([sha256Hex(text), sha256Hex(Buffer.from(text))]).toEqual([digest, digest]);
    }
    expect(hmacHex(Buffer.alloc(100, 7), 'long key')).toBe(
      createHmac('sha256', Buffer.alloc(100, 7)).update('long key').digest('hex'),
    );
  });
});

describe.each(BACKENDS)('chain verification across pages [%s]', (backend) => {
  let t: TestApp;
  let org: TestOrg;
  const PAGE = 7;

  beforeAll(async () => {
    t = await createTestApp(backend);
    org = await seedOrg(t, 'paged');
    const audit = systemRecorder(t.ctx.audit, 'pager', org.orgId);
    const odd = 'tab\t nl\n ctrl \u0001 é';
    await inTransaction(t.ctx.store.db, async (trx) => {
      for (let i = 0; i < 40; i++) {
        // Every fifth event carries a string SQL renders unlike JavaScript, so its page needs the slow re-check.
        const name = i % 5 === 0 ? `${odd} ${i}` : `event ${i}`;
        await audit.record(trx, {
          action: 'retention.run',
          target: { type: 'organization', id: org.orgId, name },
          details: { i },
        });
      }
    });
  }, 120_000);
  afterAll(() => t.dispose());

  const db = () => t.ctx.store.db;
  const verify = () => verifyChain(db(), t.ctx.audit.key, org.orgId, { pageSize: PAGE });
  const rows = () =>
    db().selectFrom('audit_events').selectAll().where('org_id', '=', org.orgId).orderBy('seq').execute();

  it('verifies a chain of many pages in full, odd strings included, and agrees with one page', async () => {
    const all = await rows();
    expect(await verify()).toEqual({ orgId: org.orgId, valid: true, checked: all.length });
    expect(await verifyChain(db(), t.ctx.audit.key, org.orgId)).toEqual({
      orgId: org.orgId,
      valid: true,
      checked: all.length,
    });
  });

  it('finds a changed field deep in a later page, at its own sequence number', async () => {
    const target = (await rows())[4 * PAGE + 3]!;
    await db().updateTable('audit_events').set({ details: '{"i":-1}' }).where('id', '=', target.id).execute();
    expect(await verify()).toMatchObject({
      valid: false,
      firstBrokenSeq: Number(target.seq),
      checked: Number(target.seq) - 1,
      reason: `event ${target.seq} was altered`,
    });
    await db().updateTable('audit_events').set({ details: target.details }).where('id', '=', target.id).execute();
    expect((await verify()).valid).toBe(true);
  });

  it('finds the earliest break when two pages are broken', async () => {
    const all = await rows();
    const [early, late] = [all[2 * PAGE]!, all[5 * PAGE + 1]!];
    for (const row of [late, early])
      await db().updateTable('audit_events').set({ actor_name: 'forger' }).where('id', '=', row.id).execute();
    expect(await verify()).toMatchObject({ valid: false, firstBrokenSeq: Number(early.seq) });
    for (const row of [early, late])
      await db().updateTable('audit_events').set({ actor_name: row.actor_name }).where('id', '=', row.id).execute();
    expect((await verify()).valid).toBe(true);
  });

  it('finds a row deleted where one page ends and the next begins', async () => {
    const target = (await rows())[3 * PAGE]!;
    await db().deleteFrom('audit_events').where('id', '=', target.id).execute();
    expect(await verify()).toMatchObject({
      valid: false,
      firstBrokenSeq: Number(target.seq),
      reason: `events ${target.seq}..${target.seq} are missing`,
    });
    await db().insertInto('audit_events').values(target).execute();
    expect((await verify()).valid).toBe(true);
  });

  it('finds a recomputed-looking hash that breaks the link into the next page', async () => {
    const target = (await rows())[2 * PAGE - 1]!;
    await db()
      .updateTable('audit_events')
      .set({ hash: 'f'.repeat(64) })
      .where('id', '=', target.id)
      .execute();
    expect(await verify()).toMatchObject({
      valid: false,
      firstBrokenSeq: Number(target.seq),
      reason: `event ${target.seq} was altered`,
    });
    await db().updateTable('audit_events').set({ hash: target.hash }).where('id', '=', target.id).execute();
    expect((await verify()).valid).toBe(true);
  });
  it('never archives a broken chain: archival stops at the first broken event and leaves the table as it was', async () => {
    const before = await rows();
    const target = before[3 * PAGE + 2]!;
    await db().updateTable('audit_events').set({ reason: 'rewritten' }).where('id', '=', target.id).execute();
    const later = new Date(Date.now() + 3 * 86_400_000);
    const organization = { id: org.orgId, retention: { ...DEFAULT_RETENTION, auditDays: 1 } };
    await expect(
      archiveExpiredEvents({ db: db(), layout: t.ctx.layout, audit: t.ctx.audit }, organization, later),
    ).rejects.toThrow(`audit chain of ${org.orgId} is broken at ${target.seq}; archiving stopped`);
    expect((await rows()).map((row) => row.id)).toEqual(before.map((row) => row.id));
    await db().updateTable('audit_events').set({ reason: target.reason }).where('id', '=', target.id).execute();
    expect((await verify()).valid).toBe(true);
  });

  // Last: it archives the chain.
  it('does not call the chain broken when archival moves its start while it is read', async () => {
    const before = await rows();
    // Another instance, as the retention scheduler would be: its own connection to the same database.
    const other = openStore(t.ctx.config.database);
    let raced = false;
    // Archival commits right after the verifier has read the head, before it reads the first page.
    const archiveAfterFirstQuery: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        if (!raced) {
          raced = true;
          const later = new Date(Date.now() + 3 * 86_400_000);
          const organization = { id: org.orgId, retention: { ...DEFAULT_RETENTION, auditDays: 1 } };
          await archiveExpiredEvents({ db: other.db, layout: t.ctx.layout, audit: t.ctx.audit }, organization, later);
        }
        return args.result;
      },
    };
    let verdict;
    try {
      verdict = await verifyChain(db().withPlugin(archiveAfterFirstQuery), t.ctx.audit.key, org.orgId, {
        pageSize: PAGE,
      });
    } finally {
      await other.close();
    }
    expect(raced).toBe(true);
    expect((await rows())[0]!.seq).toBeGreaterThan(before[before.length - 1]!.seq);
    expect(verdict).toMatchObject({ valid: true });
    expect(
      await verifyChain(db(), t.ctx.audit.key, org.orgId, { archiveRoot: t.ctx.layout.auditArchive }),
    ).toMatchObject({ valid: true, archivesChecked: 1 });
  });
});
