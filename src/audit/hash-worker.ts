/** The thread that hashes verification pages, so the event loop only reads them. */
import { parentPort } from 'node:worker_threads';
import { linesHold, type LinesJob } from './lines.js';

export interface HashRequest extends LinesJob {
  readonly id: number;
  readonly key: Uint8Array;
}

parentPort?.on('message', (request: HashRequest) => {
  const key = Buffer.from(request.key.buffer, request.key.byteOffset, request.key.byteLength);
  parentPort?.postMessage({ id: request.id, verdict: linesHold(key, request) });
});
