import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveExpiredEvents } from '../../src/audit/archive.js';
import { CHECKPOINT_INTERVAL, GENESIS_HASH, canonicalEvent, headMac } from '../../src/audit/chain.js';
import { systemRecorder } from '../../src/audit/recorder.js';
import { verifyChain } from '../../src/audit/verify.js';
import type { OrgId } from '../../src/ids.js';
import type { AuditEventTable } from '../../src/store/schema.js';
import { inTransaction } from '../../src/store/transactions.js';
import { DEFAULT_RETENTION } from '../../src/tenancy/policy.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { Selectable } from 'kysely';

type Row = Selectable<AuditEventTable>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * What someone with write access to the database but not the key can do:
 * change events and recompute every bare SHA-256 link after them, up to `toSeq`.
 */
function rewrite(rows: Row[], fromSeq: number, toSeq: number, change: Partial<Row>): Row[] {
  const rewritten: Row[] = [];
  let prev = rows.find((row) => Number(row.seq) === fromSeq - 1)?.hash ?? GENESIS_HASH;
  for (const row of rows.filter((candidate) => Number(candidate.seq) >= fromSeq && Number(candidate.seq) <= toSeq)) {
    const unhashed = { ...row, ...(Number(row.seq) === fromSeq ? change : {}), prev_hash: prev };
    const forged = { ...unhashed, hash: sha256(canonicalEvent(unhashed)) };
    rewritten.push(forged);
    prev = forged.hash;
  }
  return rewritten;
}

describe.each(BACKENDS)('a chain of SHA-256 links with keyed checkpoints [%s]', (backend) => {
  let t: TestApp;
  const orgId = 'org_checkpoints' as OrgId;
  const EVENTS = 2 * CHECKPOINT_INTERVAL + 50;
  const start = new Date('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    t = await createTestApp(backend);
    // One event a minute, so archival can cut the chain at a chosen event.
    let minute = 0;
    const audit = systemRecorder(
      { key: t.ctx.audit.key, clock: () => new Date(start.getTime() + 60_000 * minute++) },
      'checkpoints',
      orgId,
    );
    await inTransaction(t.ctx.store.db, async (trx) => {
      for (let i = 1; i <= EVENTS; i++)
        await audit.record(trx, {
          action: 'retention.run',
          target: { type: 'organization', id: orgId, name: `event ${i}` },
          details: { i },
        });
    });
  }, 120_000);
  afterAll(() => t.dispose());

  const db = () => t.ctx.store.db;
  const key = () => t.ctx.audit.key;
  const verify = () => verifyChain(db(), key(), orgId, { pageSize: 64 });
  const rows = () => db().selectFrom('audit_events').selectAll().where('org_id', '=', orgId).orderBy('seq').execute();
  const replace = async (replacement: Row[]) => {
    for (const row of replacement)
      await db().updateTable('audit_events').set(row).where('org_id', '=', orgId).where('seq', '=', row.seq).execute();
  };

  it(`keys every ${CHECKPOINT_INTERVAL}th event with an HMAC and links the others with bare SHA-256 digests`, async () => {
    const all = await rows();
    expect(all).toHaveLength(EVENTS);
    for (const row of all) {
      const canonical = canonicalEvent(row);
      const keyed = createHmac('sha256', key()).update(canonical).digest('hex');
      expect(row.hash, `event ${row.seq}`).toBe(
        Number(row.seq) % CHECKPOINT_INTERVAL === 0 ? keyed : sha256(canonical),
      );
    }
    expect(await verify()).toEqual({ orgId, valid: true, checked: EVENTS });
  });

  it('catches links recomputed without the key at the checkpoint that ends them, and names the run from the last keyed event', async () => {
    const all = await rows();
    const checkpoint = 2 * CHECKPOINT_INTERVAL;
    await replace(rewrite(all, checkpoint - 50, checkpoint, { target_name: 'someone-else' }));
    expect(await verify()).toMatchObject({
      valid: false,
      firstBrokenSeq: CHECKPOINT_INTERVAL + 1,
      reason: `events ${CHECKPOINT_INTERVAL + 1}..${checkpoint} were rewritten: checkpoint ${checkpoint} lacks the key's seal`,
    });
    await replace(all);
    expect((await verify()).valid).toBe(true);
  });

  it('catches links recomputed without the key after the last checkpoint against the sealed head', async () => {
    const all = await rows();
    const lastCheckpoint = 2 * CHECKPOINT_INTERVAL;
    await replace(rewrite(all, EVENTS - 10, EVENTS, { outcome: 'failure' }));
    expect(await verify()).toMatchObject({
      valid: false,
      firstBrokenSeq: lastCheckpoint + 1,
      reason: `events ${lastCheckpoint + 1}..${EVENTS} do not match the sealed head`,
    });
    await replace(all);
    expect((await verify()).valid).toBe(true);
  });

  it('never archives a batch whose last links only a later checkpoint vouches for, when that checkpoint does not', async () => {
    const all = await rows();
    const organization = { id: orgId, retention: { ...DEFAULT_RETENTION, auditDays: 1 } };
    // The cutoff falls between event 150 and event 151: the batch ends between two checkpoints.
    const later = new Date(start.getTime() + 150 * 60_000 + 86_400_000);
    await replace(rewrite(all, 140, 2 * CHECKPOINT_INTERVAL, { reason: 'rewritten' }));
    await expect(
      archiveExpiredEvents({ db: db(), layout: t.ctx.layout, audit: t.ctx.audit }, organization, later),
    ).rejects.toThrow(`audit chain of ${orgId} is broken at ${CHECKPOINT_INTERVAL + 1}; archiving stopped`);
    expect(await rows()).toHaveLength(EVENTS);
    await replace(all);
    // Sound, the same batch is archived, and the chain verifies across the archive.
    expect(
      await archiveExpiredEvents({ db: db(), layout: t.ctx.layout, audit: t.ctx.audit }, organization, later),
    ).toMatchObject({ events: 150 });
    expect(await verifyChain(db(), key(), orgId, { archiveRoot: t.ctx.layout.auditArchive })).toMatchObject({
      valid: true,
      archivesChecked: 1,
      checked: EVENTS + 1,
    });
  });
});

describe.each(BACKENDS)('a chain written before checkpoints, every event keyed [%s]', (backend) => {
  let t: TestApp;
  const orgId = 'org_legacy' as OrgId;
  const LEGACY = CHECKPOINT_INTERVAL + 30;
  const LATER = CHECKPOINT_INTERVAL;

  beforeAll(async () => {
    t = await createTestApp(backend);
    const key = t.ctx.audit.key;
    // As the previous scheme appended: the HMAC of every event's canonical form, and a sealed head.
    let prev = GENESIS_HASH;
    await inTransaction(t.ctx.store.db, async (trx) => {
      for (let seq = 1; seq <= LEGACY; seq++) {
        const unhashed = {
          id: `aud_legacy${seq}`,
          org_id: orgId,
          seq,
          occurred_at: new Date(Date.UTC(2025, 0, 1, 0, seq)).toISOString(),
          actor_type: 'system',
          actor_id: 'legacy',
          actor_name: 'legacy',
          actor_ip: null,
          actor_user_agent: null,
          action: 'retention.run',
          target_type: 'organization',
          target_id: orgId,
          target_name: `event ${seq}`,
          outcome: 'success',
          reason: null,
          severity: 'info',
          request_id: null,
          details: `{"i":${seq}}`,
          prev_hash: prev,
        };
        const row = { ...unhashed, hash: createHmac('sha256', key).update(canonicalEvent(unhashed)).digest('hex') };
        await trx.insertInto('audit_events').values(row).execute();
        prev = row.hash;
      }
      const head = { org_id: orgId, seq: LEGACY, hash: prev, archived_seq: 0, archived_hash: GENESIS_HASH };
      await trx
        .insertInto('audit_heads')
        .values({ ...head, mac: headMac(key, head) })
        .execute();
    });
    // Then the current scheme appends on top of it.
    const audit = systemRecorder(t.ctx.audit, 'legacy', orgId);
    await inTransaction(t.ctx.store.db, async (trx) => {
      for (let i = 0; i < LATER; i++)
        await audit.record(trx, {
          action: 'retention.run',
          target: { type: 'organization', id: orgId, name: `later ${i}` },
          details: { i },
        });
    });
  }, 120_000);
  afterAll(() => t.dispose());

  const db = () => t.ctx.store.db;
  const verify = () => verifyChain(db(), t.ctx.audit.key, orgId, { pageSize: 64 });
  const rows = () => db().selectFrom('audit_events').selectAll().where('org_id', '=', orgId).orderBy('seq').execute();

  it('verifies as it stands, old events and new ones', async () => {
    expect(await verify()).toEqual({ orgId, valid: true, checked: LEGACY + LATER });
  });

  it('finds a changed old event at its own sequence number', async () => {
    const target = (await rows())[4]!;
    await db()
      .updateTable('audit_events')
      .set({ actor_name: 'forger' })
      .where('org_id', '=', orgId)
      .where('seq', '=', target.seq)
      .execute();
    expect(await verify()).toMatchObject({ valid: false, firstBrokenSeq: 5, reason: 'event 5 was altered' });
    await db()
      .updateTable('audit_events')
      .set({ actor_name: target.actor_name })
      .where('org_id', '=', orgId)
      .where('seq', '=', target.seq)
      .execute();
    expect((await verify()).valid).toBe(true);
  });

  it('finds an old event rewritten with a bare digest at the next event, whose HMAC covers the link', async () => {
    const all = await rows();
    await db()
      .updateTable('audit_events')
      .set(rewrite(all, 7, 7, { target_name: 'someone-else' })[0]!)
      .where('org_id', '=', orgId)
      .where('seq', '=', 7)
      .execute();
    expect(await verify()).toMatchObject({
      valid: false,
      firstBrokenSeq: 8,
      reason: 'event 8 does not link to the event before it',
    });
    await db().updateTable('audit_events').set(all[6]!).where('org_id', '=', orgId).where('seq', '=', 7).execute();
    expect((await verify()).valid).toBe(true);
  });
});
