import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, PROBLEM_KINDS, type FieldError, type ProblemKind } from '../errors.js';

/** What a worker posts back for one task: its output, or the error it threw (an AppError keeps its kind). */
export type TaskReply<O> =
  | { readonly id: number; readonly ok: true; readonly output: O }
  | {
      readonly id: number;
      readonly ok: false;
      readonly message: string;
      readonly kind?: ProblemKind;
      readonly extensions?: Record<string, unknown>;
      readonly fieldErrors?: FieldError[];
    };

/** Threads running, tasks running on them and tasks waiting for one. */
export interface PoolStats {
  readonly busy: number;
  readonly queued: number;
  readonly workers: number;
}

export interface WorkerPool<I, O> {
  /**
   * Runs one task on a free worker (or after the tasks queued before it).
   * `transfer` lists buffers of the input that move to the worker instead of
   * being copied: they are unusable here once the task is sent.
   */
  run(input: I, transfer?: readonly ArrayBuffer[]): Promise<O>;
  /**
   * Starts every worker now rather than on the first tasks: a thread and its
   * modules take 0.1–0.3 s to load, which the first analysis after a start
   * would otherwise wait for. A server calls it once it listens; tests and
   * the CLI keep starting workers on demand.
   */
  start(): void;
  /** Tasks running and waiting, for tests and metrics. */
  stats(): PoolStats;
  /** Terminates every worker; pending tasks are refused. */
  close(): Promise<void>;
}

interface Pending<I, O> {
  readonly id: number;
  readonly input: I;
  readonly transfer: readonly ArrayBuffer[];
  readonly resolve: (output: O) => void;
  readonly reject: (error: Error) => void;
}

interface Slot<I, O> {
  readonly worker: Worker;
  task: Pending<I, O> | undefined;
}

/**
 * The compiled worker script next to a module. Under vitest the modules are
 * TypeScript sources that a worker thread cannot load, so the compiled twin
 * in dist/ is used (the test script builds before it runs).
 */
export function compiledWorkerUrl(relative: string, base: string): URL {
  const url = new URL(relative, base);
  if (existsSync(fileURLToPath(url))) return url;
  const file = fileURLToPath(url);
  const index = file.lastIndexOf('/src/');
  if (index < 0) return url;
  return pathToFileURL(`${file.slice(0, index)}/dist/${file.slice(index + 5)}`);
}

function errorOf(reply: Extract<TaskReply<unknown>, { ok: false }>): Error {
  if (reply.kind !== undefined && PROBLEM_KINDS.includes(reply.kind))
    return new AppError(reply.kind, reply.message, reply.extensions ?? {}, reply.fieldErrors ?? []);
  return new Error(reply.message);
}

/**
 * A bounded pool of worker threads running one script: at most `size`
 * tasks run at once, the rest wait in order. Workers start on demand and a
 * worker that dies is replaced, failing only the task it ran.
 */
export function createWorkerPool<I, O>(script: URL, size: number): WorkerPool<I, O> {
  const slots: Slot<I, O>[] = [];
  const queue: Pending<I, O>[] = [];
  let nextId = 1;
  let closed = false;

  function spawn(): Slot<I, O> {
    const slot: Slot<I, O> = { worker: new Worker(script), task: undefined };
    slot.worker.on('message', (reply: TaskReply<O>) => {
      const task = slot.task;
      if (!task || task.id !== reply.id) return;
      slot.task = undefined;
      if (reply.ok) task.resolve(reply.output);
      else task.reject(errorOf(reply));
      dispatch();
    });
    const fail = (error: Error) => {
      const index = slots.indexOf(slot);
      if (index >= 0) slots.splice(index, 1);
      const task = slot.task;
      slot.task = undefined;
      task?.reject(error);
      if (!closed) dispatch();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => fail(new Error(`worker thread exited with code ${code}`)));
    slots.push(slot);
    return slot;
  }

  function dispatch(): void {
    while (queue.length > 0 && !closed) {
      const slot =
        slots.find((candidate) => candidate.task === undefined) ?? (slots.length < size ? spawn() : undefined);
      if (!slot) return;
      const task = queue.shift()!;
      slot.task = task;
      slot.worker.postMessage({ id: task.id, input: task.input }, [...task.transfer]);
    }
  }

  return {
    run: (input, transfer = []) =>
      new Promise<O>((resolve, reject) => {
        if (closed) {
          reject(new AppError('service-unavailable', 'The instance is shutting down.'));
          return;
        }
        queue.push({ id: nextId++, input, transfer, resolve, reject });
        dispatch();
      }),
    start: () => {
      while (!closed && slots.length < size) spawn();
    },
    stats: () => ({
      busy: slots.filter((slot) => slot.task !== undefined).length,
      queued: queue.length,
      workers: slots.length,
    }),
    close: async () => {
      closed = true;
      for (const task of queue.splice(0))
        task.reject(new AppError('service-unavailable', 'The instance is shutting down.'));
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()));
    },
  };
}
