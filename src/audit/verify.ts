import { sql, type Kysely } from 'kysely';
import { isSqlite } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import { listManifests, readArchiveRows, verifyManifest, type ArchiveManifest } from './archive.js';
import { GENESIS_HASH, canonicalEventSql, headMac } from './chain.js';
import { ChainWalker, pageOf, walkPages, type Break, type Page } from './walk.js';
import type { OrgId } from '../ids.js';

export interface VerifyResult {
  readonly orgId: OrgId;
  readonly valid: boolean;
  /** Events whose hash and link were checked (database, plus archives when asked). */
  readonly checked: number;
  readonly firstBrokenSeq?: number;
  readonly reason?: string;
  readonly archivesChecked?: number;
}

/** Events per page: big enough that per-query costs vanish, small enough to hold a few pages in memory. */
const PAGE_SIZE = 10_000;

async function* tablePages(
  db: Kysely<Database>,
  orgId: OrgId,
  afterSeq: number,
  pageSize: number,
): AsyncGenerator<Page> {
  const after = (seq: number) =>
    db.selectFrom('audit_events').where('org_id', '=', orgId).where('seq', '>', seq).orderBy('seq').limit(pageSize);
  const rowsBetween = (from: number, to: number) => () => after(from).where('seq', '<=', to).selectAll().execute();
  // On SQLite one query returns the whole page already in canonical form, so no per-event object is made.
  if (isSqlite(db)) {
    for (let last = afterSeq; ;) {
      const page = await db
        .selectFrom(
          after(last)
            .select(['seq', 'prev_hash', 'hash', canonicalEventSql().as('canonical')])
            .as('page'),
        )
        .select([
          sql<number>`count(*)`.as('count'),
          sql<number | null>`min(seq)`.as('first_seq'),
          sql<number | null>`max(seq)`.as('last_seq'),
          // As a blob the page reaches JavaScript as bytes, with no UTF-8 decoding and re-encoding on the way.
          sql<Buffer | null>`cast(group_concat(canonical, char(10)) as blob)`.as('lines'),
          sql<string | null>`group_concat(prev_hash, '')`.as('prev_hashes'),
          sql<string | null>`group_concat(hash, '')`.as('hashes'),
        ])
        .executeTakeFirstOrThrow();
      const count = Number(page.count);
      if (count === 0) return;
      const [first, lastSeq] = [Number(page.first_seq), Number(page.last_seq)];
      yield {
        count,
        lastSeq,
        // (org_id, seq) is the key, so count, first and last decide whether the numbers run without a gap.
        consecutiveFrom: lastSeq - first + 1 === count ? first : undefined,
        lines: page.lines ?? Buffer.alloc(0),
        prevHashes: page.prev_hashes ?? '',
        hashes: page.hashes ?? '',
        rows: rowsBetween(last, lastSeq),
      };
      if (count < pageSize) return;
      last = lastSeq;
    }
  }
  for (let last = afterSeq; ;) {
    const rows = await after(last).selectAll().execute();
    if (rows.length === 0) return;
    yield pageOf(rows);
    if (rows.length < pageSize) return;
    last = Number(rows[rows.length - 1]!.seq);
  }
}

const broken = (
  orgId: OrgId,
  checked: number,
  seq: number,
  reason: string,
  archivesChecked?: number,
): VerifyResult => ({
  orgId,
  valid: false,
  checked,
  firstBrokenSeq: seq,
  reason,
  ...(archivesChecked !== undefined ? { archivesChecked } : {}),
});

export interface VerifyOptions {
  /** Check the archive files first; the chain must run through them into the table. */
  readonly archiveRoot?: string;
  /** Events read per query; only ever lowered by tests, to cross page boundaries with a short chain. */
  readonly pageSize?: number;
}

/**
 * Verifies one organisation's chain: the sealed head, every event's hash and
 * link, every checkpoint's seal, no gaps, and a tail that reaches the head
 * (so truncation shows).
 *
 * The chain is read in several queries, and archival may move its start
 * between them (the oldest rows leave the table, the anchor moves, new archive
 * files appear), which looks like missing events. A break is therefore
 * reported only when a second pass finds it too: tampering stays broken,
 * a race does not.
 */
export async function verifyChain(
  db: Kysely<Database>,
  key: Buffer,
  orgId: OrgId,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const first = await verifyOnce(db, key, orgId, options);
  return first.valid ? first : verifyOnce(db, key, orgId, options);
}

async function verifyOnce(
  db: Kysely<Database>,
  key: Buffer,
  orgId: OrgId,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const head = await db.selectFrom('audit_heads').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  if (!head) {
    const any = await db
      .selectFrom('audit_events')
      .select('seq')
      .where('org_id', '=', orgId)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    return any ? broken(orgId, 0, Number(any.seq), 'the chain head is missing') : { orgId, valid: true, checked: 0 };
  }
  const headSeq = Number(head.seq);
  const archivedSeq = Number(head.archived_seq);
  if (head.mac !== headMac(key, { ...head, seq: headSeq, archived_seq: archivedSeq })) {
    return broken(orgId, 0, headSeq, 'the chain head was altered');
  }

  // The anchor is sealed with the head, so the key vouches for where the table begins.
  let walker = new ChainWalker({
    nextSeq: archivedSeq + 1,
    prevHash: head.archived_hash,
    checked: 0,
    keyedSeq: archivedSeq,
  });
  let archivesChecked: number | undefined;
  if (options.archiveRoot !== undefined) {
    archivesChecked = 0;
    walker = new ChainWalker({ nextSeq: 1, prevHash: GENESIS_HASH, checked: 0, keyedSeq: 0 });
    for (const manifest of await listManifests(options.archiveRoot, orgId)) {
      const problem = await checkArchive(key, options.archiveRoot, manifest, walker);
      if (problem) return broken(orgId, walker.state.checked, problem.seq, problem.reason, archivesChecked);
      archivesChecked += 1;
    }
    if (walker.state.nextSeq !== archivedSeq + 1 || walker.state.prevHash !== head.archived_hash) {
      return broken(
        orgId,
        walker.state.checked,
        walker.state.nextSeq,
        'the archives do not reach where the table begins',
        archivesChecked,
      );
    }
  }

  const problem = await walkPages(key, walker, tablePages(db, orgId, archivedSeq, options.pageSize ?? PAGE_SIZE));
  if (problem) return broken(orgId, walker.state.checked, problem.seq, problem.reason, archivesChecked);
  const { nextSeq, prevHash, checked, keyedSeq } = walker.state;
  if (nextSeq - 1 !== headSeq) {
    return broken(
      orgId,
      checked,
      nextSeq,
      `the chain ends at ${nextSeq - 1} but its head is at ${headSeq}`,
      archivesChecked,
    );
  }
  // The events since the last keyed link hold only through the sealed head's hash.
  if (prevHash !== head.hash) {
    return broken(
      orgId,
      checked,
      keyedSeq + 1,
      `events ${keyedSeq + 1}..${headSeq} do not match the sealed head`,
      archivesChecked,
    );
  }
  return { orgId, valid: true, checked, ...(archivesChecked !== undefined ? { archivesChecked } : {}) };
}

async function checkArchive(
  key: Buffer,
  root: string,
  manifest: ArchiveManifest,
  walker: ChainWalker,
): Promise<Break | undefined> {
  const problem = await verifyManifest(key, root, manifest);
  if (problem) return { seq: manifest.fromSeq, reason: problem };
  const rows = await readArchiveRows(root, manifest);
  const broke = rows.length > 0 ? await walkPages(key, walker, [pageOf(rows)]) : undefined;
  if (broke) return { seq: broke.seq, reason: `archive ${manifest.file}: ${broke.reason}` };
  if (walker.state.nextSeq !== manifest.toSeq + 1 || walker.state.prevHash !== manifest.lastHash) {
    return { seq: walker.state.nextSeq, reason: `archive ${manifest.file} does not match its manifest` };
  }
  // The manifest is sealed: it vouches for the file's last event.
  walker.state = { ...walker.state, keyedSeq: manifest.toSeq };
  return undefined;
}

/** Every organisation that has a trail. */
export async function auditedOrganizations(db: Kysely<Database>): Promise<OrgId[]> {
  const rows = await db.selectFrom('audit_heads').select('org_id').orderBy('org_id').execute();
  return rows.map((row) => row.org_id as OrgId);
}
