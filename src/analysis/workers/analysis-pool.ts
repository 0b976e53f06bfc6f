import { compiledWorkerUrl, createWorkerPool, type WorkerPool } from '../../runtime/worker-pool.js';
import type { AnalysisTaskInput, AnalysisTaskOutput } from './analysis-task.js';

export type AnalysisPool = WorkerPool<AnalysisTaskInput, AnalysisTaskOutput>;

/** The instance's analysis worker threads (`PCA_WORKER_THREADS` of them at most). */
export function createAnalysisPool(size: number): AnalysisPool {
  return createWorkerPool<AnalysisTaskInput, AnalysisTaskOutput>(compiledWorkerUrl('./analysis-worker.js', import.meta.url), size);
}
