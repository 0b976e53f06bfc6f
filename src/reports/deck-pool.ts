import type { DeckFormat, DeckRenderer } from './export.js';
import { compiledWorkerUrl, createWorkerPool, type WorkerPool } from '../runtime/worker-pool.js';
import type { AnalysisContent } from './content.js';

export interface DeckTask {
  readonly content: AnalysisContent;
  readonly format: DeckFormat;
}

/** Worker threads that draw decks (a Buffer crosses back as a Uint8Array). */
export type DeckPool = WorkerPool<DeckTask, Uint8Array>;

export function createDeckPool(size: number): DeckPool {
  return createWorkerPool<DeckTask, Uint8Array>(compiledWorkerUrl('./deck-worker.js', import.meta.url), size);
}

/** The renderer exports use on the server: the deck is drawn on a worker thread. */
export function pooledRenderer(pool: DeckPool): DeckRenderer {
  return async (content: AnalysisContent, format: DeckFormat) => {
    const bytes = await pool.run({ content, format });
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}
