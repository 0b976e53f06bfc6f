import { sealOf } from './chain.js';

/** A page's canonical lines (one per event, `\n` between) and their stored hashes, hex, concatenated. */
export interface LinesJob {
  readonly lines: Uint8Array;
  readonly hashes: string;
  readonly firstSeq: number;
  readonly count: number;
}

/** Whether every line's stored hash holds; if so, the last keyed event among them (undefined: none). */
export type LinesVerdict = { readonly holds: true; readonly keyedSeq: number | undefined } | { readonly holds: false };

const HASH_HEX = 64;
const NEWLINE = 10;

/** Checks each line against its stored hash; lines and events that do not pair up do not hold. */
export function linesHold(key: Buffer, job: LinesJob): LinesVerdict {
  const lines = Buffer.from(job.lines.buffer, job.lines.byteOffset, job.lines.byteLength);
  let keyedSeq: number | undefined;
  let start = 0;
  for (let i = 0; i < job.count; i++) {
    if (start > lines.length) return { holds: false };
    const newline = lines.indexOf(NEWLINE, start);
    const end = newline === -1 ? lines.length : newline;
    const seq = job.firstSeq + i;
    const seal = sealOf(key, seq, lines.subarray(start, end), job.hashes.slice(i * HASH_HEX, (i + 1) * HASH_HEX));
    if (seal === 'keyed') keyedSeq = seq;
    else if (seal !== 'linked') return { holds: false };
    start = end + 1;
  }
  return start === lines.length + 1 ? { holds: true, keyedSeq } : { holds: false };
}
