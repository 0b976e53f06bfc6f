import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HashRequest } from './hash-worker.js';
import { linesHold, type LinesJob, type LinesVerdict } from './lines.js';

export type { LinesVerdict } from './lines.js';

/**
 * The compiled worker, two levels above this module both in src/ (tests) and
 * in dist/ (the product). Without it (sources not built) pages are hashed on
 * this thread.
 */
const WORKER_FILE = fileURLToPath(new URL('../../dist/audit/hash-worker.js', import.meta.url));

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, (verdict: LinesVerdict) => void>();

/** A worker that dies leaves its pages unchecked: they fall to the event-by-event walk, which needs no worker. */
function abandon(): void {
  worker = undefined;
  for (const resolve of pending.values()) resolve({ holds: false });
  pending.clear();
}

function startWorker(): Worker | undefined {
  if (!existsSync(WORKER_FILE)) return undefined;
  const started = new Worker(WORKER_FILE);
  started.on('message', ({ id, verdict }: { id: number; verdict: LinesVerdict }) => {
    pending.get(id)?.(verdict);
    pending.delete(id);
    // Idle, it must not keep a CLI process alive.
    if (pending.size === 0) started.unref();
  });
  started.on('error', abandon);
  started.on('exit', abandon);
  started.unref();
  return started;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Whether every line of a page carries its hash, computed on the hashing
 * thread while the caller reads on; on this thread, between yields to the
 * event loop, when there is no worker.
 */
export async function checkLines(key: Buffer, job: LinesJob): Promise<LinesVerdict> {
  worker ??= startWorker();
  if (!worker) {
    await yieldToEventLoop();
    return linesHold(key, job);
  }
  const id = nextId++;
  const request: HashRequest = { ...job, id, key };
  const running = worker;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    running.ref();
    running.postMessage(request);
  });
}
