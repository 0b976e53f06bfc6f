/**
 * Walking a chain: pages checked whole (numbering, links, every HMAC in one
 * call), and the event-by-event walk that says where and why a page broke.
 * Verification and archival both walk with it.
 */
import type { Selectable } from 'kysely';
import type { AuditEventTable } from '../store/schema.js';
import { canonicalEvent, eventHash } from './chain.js';
import { hmacLines } from './hmac.js';

export type Row = Selectable<AuditEventTable>;

/**
 * A run of events in sequence order, as the fast check reads it: their
 * canonical forms one per line, and their links and hashes concatenated.
 */
export interface Page {
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
export interface WalkState {
  readonly nextSeq: number;
  readonly prevHash: string;
  readonly checked: number;
}

const HASH_HEX = 64;

/** Checks a chain page by page; the first event that does not fit is where it broke. */
export class ChainWalker {
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
  // equals() compares lengths too: a page with fewer lines than events, or a hash that is not hex, fails.
  return digests.equals(Buffer.from(page.hashes, 'hex'));
}

export interface Break {
  readonly seq: number;
  readonly reason: string;
}

/**
 * Checks pages in order, hashing one page while the next is read. A page that
 * fails the fast check is walked event by event from where it began: that finds
 * the first broken event and its reason, and clears a page whose only fault was
 * how SQL rendered an unusual string.
 */
export async function walkPages(key: Buffer, walker: ChainWalker, pages: AsyncIterable<Page> | Iterable<Page>): Promise<Break | undefined> {
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
export function pageOf(rows: Row[]): Page {
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

/** Where and why `rows`, in sequence order, fail to continue a chain standing at `from`; undefined when they do. */
export function breakIn(key: Buffer, from: WalkState, rows: Row[]): Promise<Break | undefined> {
  return rows.length === 0 ? Promise.resolve(undefined) : walkPages(key, new ChainWalker(from), [pageOf(rows)]);
}
