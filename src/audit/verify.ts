import { SqliteAdapter, type Kysely, type Selectable } from 'kysely';
import type { AuditEventTable, Database } from '../store/schema.js';
import { listManifests, readArchiveRows, verifyManifest, type ArchiveManifest } from './archive.js';
import { GENESIS_HASH, canonicalEventSql, eventHash, headMac, hmacHex } from './chain.js';

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

/** What the walker needs of an event: its place, its links, and whether its HMAC holds. */
interface CheckedRow {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly intact: boolean;
}

const checked = (key: Buffer, row: Row): CheckedRow => ({ seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash, intact: eventHash(key, row) === row.hash });

/** Walks a chain in sequence order; the first event that does not fit is where it broke. */
class ChainWalker {
  checked = 0;
  constructor(
    private nextSeq: number,
    private prevHash: string,
  ) {}

  /** Undefined when the row fits; otherwise why it does not. */
  feed(row: CheckedRow): string | undefined {
    const seq = row.seq;
    if (seq !== this.nextSeq) return seq > this.nextSeq ? `events ${this.nextSeq}..${seq - 1} are missing` : `event ${seq} is out of order`;
    if (row.prevHash !== this.prevHash) return `event ${seq} does not link to the event before it`;
    if (!row.intact) return `event ${seq} was altered`;
    this.checked += 1;
    this.nextSeq = seq + 1;
    this.prevHash = row.hash;
    return undefined;
  }

  get expectedSeq(): number {
    return this.nextSeq;
  }

  get lastHash(): string {
    return this.prevHash;
  }
}

const BATCH = 5_000;

async function* tableRows(db: Kysely<Database>, key: Buffer, orgId: string, afterSeq: number): AsyncGenerator<CheckedRow> {
  // On SQLite the canonical form comes out of the query: four columns per row instead of twenty.
  const inSql = db.getExecutor().adapter instanceof SqliteAdapter;
  let last = afterSeq;
  for (;;) {
    const page = db.selectFrom('audit_events').where('org_id', '=', orgId).where('seq', '>', last).orderBy('seq').limit(BATCH);
    let rows: CheckedRow[];
    if (inSql) {
      const raw = await page.select(['seq', 'prev_hash', 'hash', canonicalEventSql().as('canonical')]).execute();
      rows = [];
      for (const row of raw) {
        const intact = hmacHex(key, row.canonical) === row.hash;
        // A row whose SQL rendering differs from JavaScript's (an unusual string) is judged from its columns.
        const full = intact ? undefined : await db.selectFrom('audit_events').selectAll().where('org_id', '=', orgId).where('seq', '=', row.seq).executeTakeFirst();
        rows.push(full ? checked(key, full) : { seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash, intact });
      }
    } else {
      rows = (await page.selectAll().execute()).map((row) => checked(key, row));
    }
    for (const row of rows) yield row;
    if (rows.length < BATCH) return;
    last = rows[rows.length - 1]!.seq;
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

/**
 * Verifies one organisation's chain: the sealed head, every event's HMAC and
 * link, no gaps, and a tail that reaches the head (so truncation shows). With
 * `archiveRoot`, the archive files are checked first and the chain must run
 * through them into the table.
 */
export async function verifyChain(db: Kysely<Database>, key: Buffer, orgId: string, options: { archiveRoot?: string } = {}): Promise<VerifyResult> {
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

  let walker = new ChainWalker(archivedSeq + 1, head.archived_hash);
  let archivesChecked: number | undefined;
  if (options.archiveRoot !== undefined) {
    archivesChecked = 0;
    walker = new ChainWalker(1, GENESIS_HASH);
    for (const manifest of await listManifests(options.archiveRoot, orgId)) {
      const problem = await checkArchive(key, options.archiveRoot, manifest, walker);
      if (problem) return broken(orgId, walker.checked, problem.seq, problem.reason, archivesChecked);
      archivesChecked += 1;
    }
    if (walker.expectedSeq !== archivedSeq + 1 || walker.lastHash !== head.archived_hash) {
      return broken(orgId, walker.checked, walker.expectedSeq, 'the archives do not reach where the table begins', archivesChecked);
    }
  }

  for await (const row of tableRows(db, key, orgId, archivedSeq)) {
    const reason = walker.feed(row);
    if (reason) return broken(orgId, walker.checked, Math.min(walker.expectedSeq, row.seq), reason, archivesChecked);
  }
  if (walker.expectedSeq - 1 !== headSeq || walker.lastHash !== head.hash) {
    return broken(orgId, walker.checked, walker.expectedSeq, `the chain ends at ${walker.expectedSeq - 1} but its head is at ${headSeq}`, archivesChecked);
  }
  return { orgId, valid: true, checked: walker.checked, ...(archivesChecked !== undefined ? { archivesChecked } : {}) };
}

async function checkArchive(key: Buffer, root: string, manifest: ArchiveManifest, walker: ChainWalker): Promise<{ seq: number; reason: string } | undefined> {
  const problem = await verifyManifest(key, root, manifest);
  if (problem) return { seq: manifest.fromSeq, reason: problem };
  const rows = await readArchiveRows(root, manifest);
  for (const row of rows) {
    const reason = walker.feed(checked(key, row));
    if (reason) return { seq: Math.min(walker.expectedSeq, Number(row.seq)), reason: `archive ${manifest.file}: ${reason}` };
  }
  if (walker.expectedSeq !== manifest.toSeq + 1 || walker.lastHash !== manifest.lastHash) {
    return { seq: walker.expectedSeq, reason: `archive ${manifest.file} does not match its manifest` };
  }
  return undefined;
}

/** Every organisation that has a trail. */
export async function auditedOrganizations(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('audit_heads').select('org_id').orderBy('org_id').execute();
  return rows.map((row) => row.org_id);
}
