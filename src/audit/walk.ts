/**
 * Walking a chain: pages checked whole (numbering, links, every hash), and the
 * event-by-event walk that says where and why a page broke. Verification and
 * archival both walk with it.
 */
import type { Selectable } from 'kysely';
import type { AuditEventTable } from '../store/schema.js';
import { canonicalEvent, sealOf } from './chain.js';
import { checkLines, type LinesVerdict } from './hashing.js';

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
  /**
   * The last event the key vouches for: a keyed link, or where the walk began
   * (the genesis, a sealed archive manifest or anchor). The events after it
   * hold only if a later keyed link or the sealed head does.
   */
  readonly keyedSeq: number;
}

export interface Break {
  readonly seq: number;
  readonly reason: string;
}

const HASH_HEX = 64;

/** Checks a chain page by page; the first event that does not fit is where it broke. */
export class ChainWalker {
  constructor(public state: WalkState) {}

  /** Whether the page continues the chain (numbering and links). */
  links(page: Page): boolean {
    const { nextSeq, prevHash } = this.state;
    return (
      page.consecutiveFrom === nextSeq &&
      page.prevHashes.length === page.count * HASH_HEX &&
      page.hashes.length === page.count * HASH_HEX &&
      page.prevHashes.startsWith(prevHash) &&
      page.prevHashes.slice(HASH_HEX) === page.hashes.slice(0, -HASH_HEX)
    );
  }

  /** Moves past a page that links and whose every hash holds, up to `keyedSeq`. */
  pass(page: Page, keyedSeq: number): void {
    this.state = {
      nextSeq: page.lastSeq + 1,
      prevHash: page.hashes.slice(-HASH_HEX),
      checked: this.state.checked + page.count,
      keyedSeq,
    };
  }

  /** Undefined when the row fits (and the walk moves past it); otherwise where and why it does not. */
  feed(key: Buffer, row: Row): Break | undefined {
    const { nextSeq, prevHash, checked, keyedSeq } = this.state;
    const seq = Number(row.seq);
    if (seq !== nextSeq)
      return seq > nextSeq
        ? { seq: nextSeq, reason: `events ${nextSeq}..${seq - 1} are missing` }
        : { seq, reason: `event ${seq} is out of order` };
    if (row.prev_hash !== prevHash) return { seq, reason: `event ${seq} does not link to the event before it` };
    const seal = sealOf(key, seq, canonicalEvent(row), row.hash);
    if (seal === 'altered') return { seq, reason: `event ${seq} was altered` };
    if (seal === 'unsealed')
      return {
        seq: keyedSeq + 1,
        reason: `events ${keyedSeq + 1}..${seq} were rewritten: checkpoint ${seq} lacks the key's seal`,
      };
    this.state = {
      nextSeq: seq + 1,
      prevHash: row.hash,
      checked: checked + 1,
      keyedSeq: seal === 'keyed' ? seq : keyedSeq,
    };
    return undefined;
  }
}

/**
 * Checks pages in order, hashing one page (off this thread) while the next is
 * read. A page that fails the fast check is walked event by event from where
 * it began: that finds the first broken event and its reason, and clears a
 * page whose only fault was how SQL rendered an unusual string.
 */
export async function walkPages(
  key: Buffer,
  walker: ChainWalker,
  pages: AsyncIterable<Page> | Iterable<Page>,
): Promise<Break | undefined> {
  // The last keyed event among the pages whose hashes are settled: pages ahead of it have only been linked.
  let keyedSeq = walker.state.keyedSeq;
  let hashing: { page: Page; from: WalkState; holds: Promise<LinesVerdict> } | undefined;
  const settle = async (): Promise<Break | undefined> => {
    if (!hashing) return undefined;
    const { page, from, holds } = hashing;
    hashing = undefined;
    const verdict = await holds;
    if (verdict.holds) {
      keyedSeq = verdict.keyedSeq ?? keyedSeq;
      walker.state = { ...walker.state, keyedSeq };
      return undefined;
    }
    // The walk may already stand past this page (the next one linked on): it moves only if the page broke or was the last.
    const precise = new ChainWalker({ ...from, keyedSeq });
    const problem = await walkRows(key, page, precise);
    keyedSeq = precise.state.keyedSeq;
    walker.state =
      problem || precise.state.nextSeq >= walker.state.nextSeq ? precise.state : { ...walker.state, keyedSeq };
    return problem;
  };
  for await (const page of pages) {
    const from = walker.state;
    const linked = walker.links(page);
    if (linked) walker.pass(page, from.keyedSeq);
    const next = linked
      ? {
          page,
          from,
          holds: checkLines(key, { lines: page.lines, hashes: page.hashes, firstSeq: from.nextSeq, count: page.count }),
        }
      : undefined;
    const earlier = await settle();
    if (earlier) return earlier;
    hashing = next;
    if (!linked) {
      walker.state = { ...walker.state, keyedSeq };
      const problem = await walkRows(key, page, walker);
      if (problem) return problem;
      keyedSeq = walker.state.keyedSeq;
    }
  }
  return settle();
}

/** The event-by-event walk of one page from where the walker stands; when the page holds, the walk continues after it. */
async function walkRows(key: Buffer, page: Page, walker: ChainWalker): Promise<Break | undefined> {
  for (const row of await page.rows()) {
    const problem = walker.feed(key, row);
    if (problem) return problem;
  }
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
export async function breakIn(key: Buffer, walker: ChainWalker, rows: Row[]): Promise<Break | undefined> {
  return rows.length === 0 ? undefined : walkPages(key, walker, [pageOf(rows)]);
}
