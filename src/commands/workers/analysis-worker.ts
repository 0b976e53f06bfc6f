import { parentPort } from 'node:worker_threads';
import { isAppError } from '../../errors.js';
import type { TaskReply } from '../../runtime/worker-pool.js';
import { runPoolTask, type PoolOutput, type PoolTask } from './analysis-task.js';

/** A worker thread of the analysis pool: one task at a time, its error sent back rather than thrown. */
parentPort?.on('message', ({ id, input }: { id: number; input: PoolTask }) => {
  let reply: TaskReply<PoolOutput>;
  try {
    reply = { id, ok: true, output: runPoolTask(input) };
  } catch (error) {
    reply = isAppError(error)
      ? {
          id,
          ok: false,
          message: error.message,
          kind: error.kind,
          extensions: { ...error.extensions },
          fieldErrors: [...error.fieldErrors],
        }
      : { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
