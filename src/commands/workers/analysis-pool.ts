import type { Pacing } from '../../insights/index.js';
import { compiledWorkerUrl, createWorkerPool, type WorkerPool } from '../../runtime/worker-pool.js';
import type { AnalysisTaskInput, AnalysisTaskOutput, PacingTaskInput, PoolOutput, PoolTask } from './analysis-task.js';

export type AnalysisPool = WorkerPool<PoolTask, PoolOutput>;

/** The instance's analysis worker threads (`PCA_WORKER_THREADS` of them at most). */
export function createAnalysisPool(size: number): AnalysisPool {
  return createWorkerPool<PoolTask, PoolOutput>(compiledWorkerUrl('./analysis-worker.js', import.meta.url), size);
}

function unexpected(kind: string): Error {
  return new Error(`an analysis worker answered a ${kind} task with another kind`);
}

/** Runs an analysis task; the `transfer` buffers of its input move to the worker (see `WorkerPool.run`). */
export async function runAnalysisInPool(
  pool: AnalysisPool,
  input: AnalysisTaskInput,
  transfer: readonly ArrayBuffer[] = [],
): Promise<AnalysisTaskOutput> {
  const reply = await pool.run({ kind: 'analysis', input }, transfer);
  if (reply.kind !== 'analysis') throw unexpected('analysis');
  return reply.output;
}

export async function runPacingInPool(pool: AnalysisPool, input: PacingTaskInput): Promise<Pacing[]> {
  const reply = await pool.run({ kind: 'pacing', input });
  if (reply.kind !== 'pacing') throw unexpected('pacing');
  return reply.output;
}
