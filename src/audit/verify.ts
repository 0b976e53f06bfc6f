import { SqliteAdapter, sql, type Kysely, type Selectable } from 'kysely';
import type { AuditEventTable, Database } from '../store/schema.js';
import { listManifests, readArchiveRows, verifyManifest, type ArchiveManifest } from './archive.js';
import { GENESIS_HASH, canonicalEvent, canonicalEventSql, eventHash, headMac } from './chain.js';
import { hmacLines } from './hmac.js';

export interface VerifyResult {
  readonly orgId: string;
  readonly valid: boolean;
  /** Events whose hash and link were checked (database, plus archives when asked). */
  readonly checked: number;
  readonly firstBrokenSeq?: number;
  readonly reason?: string;
  readonly archivesChecked?: number;
}

type Row = Selectable<AuditEventTable>;

/**
 * A run of events in sequence order, as the fast check reads it: their
 * canonical forms one per line, and their links and hashes concatenated.
 */
interface Page {
  readonly count: number;
  readonly lastSeq: number;
  /** The first seq when the events are numbered on from it without a gap or a repeat; otherwise undefined. */
  readonly consecutiveFrom: number | undefined;
  readonly lines: Buffer;
  readonly prevHashes: string;
  readonly hashes: string;
  /** The page's events one by one, for finding where and why a page that failed the fast check broke. */
  readonly rows: () => Promise<Row[]>;
}

/** Where a walk stands: the next event it expects and the hash that event must link to. */
interface WalkState {
  readonly nextSeq: number;
  readonly prevHash: string;
  readonly checked: number;
}

const HASH_HEX = 64;

/** Checks a chain page by page; the first event that does not fit is where it broke. */
class ChainWalker {
  constructor(public state: WalkState) {}

  /** Whether the page continues the chain (numbering and links); if so, the walk moves past it. */
  links(page: Page): boolean {
    const { nextSeq, prevHash, checked } = this.state;
    const fits =
      page.consecutiveFrom === nextSeq &&
      page.prevHashes.length === page.count * HASH_HEX &&
      page.hashes.length === page.count * HASH_HEX &&
      page.prevHashes.startsWith(prevHash) &&
      page.prevHashes.slice(HASH_HEX) === page.hashes.slice(0, -HASH_HEX);
    if (fits) this.state = { nextSeq: page.lastSeq + 1, prevHash: page.hashes.slice(-HASH_HEX), checked: checked + page.count };
    return fits;
  }

  /** Undefined when the row fits; otherwise why it does not. */
  feed(key: Buffer, row: Row): string | undefined {
    const { nextSeq, prevHash, checked } = this.state;
    const seq = Number(row.seq);
    if (seq !== nextSeq) return seq > nextSeq ? `events ${nextSeq}..${seq - 1} are missing` : `event ${seq} is out of order`;
    if (row.prev_hash !== prevHash) return `event ${seq} does not link to the event before it`;
    if (eventHash(key, row) !== row.hash) return `event ${seq} was altered`;
    this.state = { nextSeq: seq + 1, prevHash: row.hash, checked: checked + 1 };
    return undefined;
  }
}

/** Whether every event of the page carries the HMAC of its canonical form. */
async function hmacsHold(key: Buffer, page: Page): Promise<boolean> {
  const digests = await hmacLines(key, page.lines, page.count);
  return digests.length === page.count * 32 && digests.equals(Buffer.from(page.hashes, 'hex'));
}

interface Break {
  readonly seq: number;
  readonly reason: string;
}

/**
 * Checks pages in order, hashing one page while the next is read. A page that
 * fails the fast check is walked event by event from where it began: that finds
 * the first broken event and its reason, and clears a page whose only fault was
 * how SQL rendered an unusual string.
 */
async function walkPages(key: Buffer, walker: ChainWalker, pages: AsyncIterable<Page> | Iterable<Page>): Promise<Break | undefined> {
  let hashing: { page: Page; from: WalkState; intact: Promise<boolean> } | undefined;
  const settle = async (): Promise<Break | undefined> => {
    if (!hashing || (await hashing.intact)) return undefined;
    return walkRows(key, hashing.from, hashing.page, walker);
  };
  for await (const page of pages) {
    const from = walker.state;
    const linked = walker.links(page);
    // Hashing that fails (it should not) leaves the page to the event-by-event walk, and no promise unheeded.
    const next = linked ? { page, from, intact: hmacsHold(key, page).catch(() => false) } : undefined;
    const earlier = await settle();
    if (earlier) return earlier;
    hashing = next;
    if (!linked) {
      const problem = await walkRows(key, from, page, walker);
      if (problem) return problem;
    }
  }
  return settle();
}

/** The event-by-event walk of one page; when the page holds, the walk continues after it. */
async function walkRows(key: Buffer, from: WalkState, page: Page, walker: ChainWalker): Promise<Break | undefined> {
  const precise = new ChainWalker(from);
  for (const row of await page.rows()) {
    const reason = precise.feed(key, row);
    if (reason) {
      walker.state = precise.state;
      return { seq: Math.min(precise.state.nextSeq, Number(row.seq)), reason };
    }
  }
  if (precise.state.nextSeq > walker.state.nextSeq) walker.state = precise.state;
  return undefined;
}

/** A page built from rows already in hand (PostgreSQL, archives). */
function pageOf(rows: Row[]): Page {
  const first = Number(rows[0]!.seq);
  const consecutive = rows.every((row, i) => Number(row.seq) === first + i);
  return {
    count: rows.length,
    lastSeq: Number(rows[rows.length - 1]!.seq),
    consecutiveFrom: consecutive ? first : undefined,
    lines: Buffer.from(rows.map((row) => canonicalEvent(row)).join('\n')),
    prevHashes: rows.map((row) => row.prev_hash).join(''),
    hashes: rows.map((row) => row.hash).join(''),
    rows: async () => rows,
  };
}

/** Events per page: big enough that per-query costs vanish, small enough to hold a few pages in memory. */
const PAGE_SIZE = 10_000;

async function* tablePages(db: Kysely<Database>, orgId: string, afterSeq: number, pageSize: number): AsyncGenerator<Page> {
  const after = (seq: number) => db.selectFrom('audit_events').where('org_id', '=', orgId).where('seq', '>', seq).orderBy('seq').limit(pageSize);
  const rowsBetween = (from: number, to: number) => () => after(from).where('seq', '<=', to).selectAll().execute();
  // On SQLite one query returns the whole page already in canonical form, so no per-event object is made.
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    for (let last = afterSeq; ; ) {
      const page = await db
        .selectFrom(after(last).select(['seq', 'prev_hash', 'hash', canonicalEventSql().as('canonical')]).as('page'))
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
  for (let last = afterSeq; ; ) {
    const rows = await after(last).selectAll().execute();
    if (rows.length === 0) return;
    yield pageOf(rows);
    if (rows.length < pageSize) return;
    last = Number(rows[rows.length - 1]!.seq);
  }
}

const broken = (orgId: string, checked: number, seq: number, reason: string, archivesChecked?: number): VerifyResult => ({
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
 * Verifies one organisation's chain: the sealed head, every event's HMAC and
 * link, no gaps, and a tail that reaches the head (so truncation shows).
 *
 * The chain is read in several queries, and archival may move its start
 * between them (the oldest rows leave the table, the anchor moves, new archive
 * files appear), which looks like missing events. A break is therefore
 * reported only when a second pass finds it too: tampering stays broken,
 * a race does not.
 */
export async function verifyChain(db: Kysely<Database>, key: Buffer, orgId: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const first = await verifyOnce(db, key, orgId, options);
  return first.valid ? first : verifyOnce(db, key, orgId, options);
}

async function verifyOnce(db: Kysely<Database>, key: Buffer, orgId: string, options: VerifyOptions): Promise<VerifyResult> {
  const head = await db.selectFrom('audit_heads').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  if (!head) {
    const any = await db.selectFrom('audit_events').select('seq').where('org_id', '=', orgId).orderBy('seq').limit(1).executeTakeFirst();
    return any ? broken(orgId, 0, Number(any.seq), 'the chain head is missing') : { orgId, valid: true, checked: 0 };
  }
  const headSeq = Number(head.seq);
  const archivedSeq = Number(head.archived_seq);
  if (head.mac !== headMac(key, { ...head, seq: headSeq, archived_seq: archivedSeq })) {
    return broken(orgId, 0, headSeq, 'the chain head was altered');
  }

  let walker = new ChainWalker({ nextSeq: archivedSeq + 1, prevHash: head.archived_hash, checked: 0 });
  let archivesChecked: number | undefined;
  if (options.archiveRoot !== undefined) {
    archivesChecked = 0;
    walker = new ChainWalker({ nextSeq: 1, prevHash: GENESIS_HASH, checked: 0 });
    for (const manifest of await listManifests(options.archiveRoot, orgId)) {
      const problem = await checkArchive(key, options.archiveRoot, manifest, walker);
      if (problem) return broken(orgId, walker.state.checked, problem.seq, problem.reason, archivesChecked);
      archivesChecked += 1;
    }
    if (walker.state.nextSeq !== archivedSeq + 1 || walker.state.prevHash !== head.archived_hash) {
      return broken(orgId, walker.state.checked, walker.state.nextSeq, 'the archives do not reach where the table begins', archivesChecked);
    }
  }

  const problem = await walkPages(key, walker, tablePages(db, orgId, archivedSeq, options.pageSize ?? PAGE_SIZE));
  if (problem) return broken(orgId, walker.state.checked, problem.seq, problem.reason, archivesChecked);
  const { nextSeq, prevHash, checked } = walker.state;
  if (nextSeq - 1 !== headSeq || prevHash !== head.hash) {
    return broken(orgId, checked, nextSeq, `the chain ends at ${nextSeq - 1} but its head is at ${headSeq}`, archivesChecked);
  }
  return { orgId, valid: true, checked, ...(archivesChecked !== undefined ? { archivesChecked } : {}) };
}

async function checkArchive(key: Buffer, root: string, manifest: ArchiveManifest, walker: ChainWalker): Promise<Break | undefined> {
  const problem = await verifyManifest(key, root, manifest);
  if (problem) return { seq: manifest.fromSeq, reason: problem };
  const rows = await readArchiveRows(root, manifest);
  const broke = rows.length > 0 ? await walkPages(key, walker, [pageOf(rows)]) : undefined;
  if (broke) return { seq: broke.seq, reason: `archive ${manifest.file}: ${broke.reason}` };
  if (walker.state.nextSeq !== manifest.toSeq + 1 || walker.state.prevHash !== manifest.lastHash) {
    return { seq: walker.state.nextSeq, reason: `archive ${manifest.file} does not match its manifest` };
  }
  return undefined;
}

/** Every organisation that has a trail. */
export async function auditedOrganizations(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('audit_heads').select('org_id').orderBy('org_id').execute();
  return rows.map((row) => row.org_id);
}
