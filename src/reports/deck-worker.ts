import { parentPort } from 'node:worker_threads';
import type { TaskReply } from '../runtime/worker-pool.js';
import type { DeckTask } from './deck-pool.js';
import { renderDeck } from './render.js';

/** A worker thread of the deck pool: draws one deck at a time, so the event loop never waits on a PDF or a PPTX. */
parentPort?.on('message', ({ id, input }: { id: number; input: DeckTask }) => {
  renderDeck(input.content, input.format).then(
    (buffer) => {
      const reply: TaskReply<Uint8Array> = { id, ok: true, output: buffer };
      parentPort?.postMessage(reply);
    },
    (error: unknown) => {
      const reply: TaskReply<Uint8Array> = {
        id,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      };
      parentPort?.postMessage(reply);
    },
  );
});
