import { statfs } from 'node:fs/promises';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { PoolStats } from '../store/store.js';

export interface SystemSnapshot {
  readonly cpu: { readonly percent: number | null; readonly cores: number; readonly loadAverage: number[] };
  readonly memory: {
    readonly systemTotalBytes: number;
    readonly systemFreeBytes: number;
    readonly systemUsedPercent: number;
    readonly processRssBytes: number;
    readonly processHeapUsedBytes: number;
  };
  readonly disk: {
    readonly path: string;
    readonly totalBytes: number;
    readonly freeBytes: number;
    readonly usedPercent: number;
  } | null;
  readonly eventLoopLagMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly uptimeSeconds: number;
  readonly store: PoolStats;
}

/** One background sample: what the gauges showed at `at`. */
export interface SystemSample {
  readonly at: string;
  readonly cpuPercent: number | null;
  readonly memoryUsedPercent: number;
  readonly diskUsedPercent: number | null;
  /** How late this sample's timer fired: the longest stall of the event loop the interval saw. */
  readonly eventLoopDelayMs: number;
}

/** Samples kept: 10 minutes at the default 5 s interval, a few kilobytes. */
export const SYSTEM_HISTORY_SAMPLES = 120;

export interface SystemSampler {
  snapshot(): Promise<SystemSnapshot>;
  /** The last samples, oldest first (bounded by SYSTEM_HISTORY_SAMPLES). */
  history(): SystemSample[];
  /** CPU % of the whole machine over the last sampling interval (null before the first one). */
  cpuPercent(): number | null;
  stop(): void;
}

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const cpu of cpus()) {
    idle += cpu.times.idle;
    total += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.idle + cpu.times.irq;
  }
  return { idle, total };
}

/**
 * Samples CPU in the background (a timer, never on a request) and measures
 * event-loop delay continuously; a snapshot reads the latest figures.
 */
export function startSystemSampler(dataDir: string, poolStats: () => PoolStats, intervalMs = 5_000): SystemSampler {
  let previous = cpuTimes();
  let percent: number | null = null;
  const samples: SystemSample[] = [];
  const lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const ms = (nanoseconds: number) => Math.round((nanoseconds / 1e6) * 100) / 100;
  const diskUsedPercent = async (): Promise<number | null> => {
    try {
      const stats = await statfs(dataDir);
      const totalBytes = stats.blocks * stats.bsize;
      return totalBytes === 0 ? 0 : Math.round((1 - (stats.bavail * stats.bsize) / totalBytes) * 1000) / 10;
    } catch {
      return null;
    }
  };
  let lastTick = performance.now();
  const timer = setInterval(() => {
    const tick = performance.now();
    const delay = Math.max(0, Math.round((tick - lastTick - intervalMs) * 100) / 100);
    lastTick = tick;
    const current = cpuTimes();
    const total = current.total - previous.total;
    percent = total > 0 ? Math.round((1 - (current.idle - previous.idle) / total) * 1000) / 10 : percent;
    previous = current;
    const at = new Date().toISOString();
    const memoryUsedPercent = Math.round((1 - freemem() / totalmem()) * 1000) / 10;
    const cpuPercent = percent;
    void diskUsedPercent().then((disk) => {
      samples.push({ at, cpuPercent, memoryUsedPercent, diskUsedPercent: disk, eventLoopDelayMs: delay });
      if (samples.length > SYSTEM_HISTORY_SAMPLES) samples.splice(0, samples.length - SYSTEM_HISTORY_SAMPLES);
    });
  }, intervalMs);
  timer.unref();

  return {
    cpuPercent: () => percent,
    history: () => samples.slice(),
    snapshot: async () => {
      let disk: SystemSnapshot['disk'] = null;
      try {
        const stats = await statfs(dataDir);
        const totalBytes = stats.blocks * stats.bsize;
        const freeBytes = stats.bavail * stats.bsize;
        disk = {
          path: dataDir,
          totalBytes,
          freeBytes,
          usedPercent: totalBytes === 0 ? 0 : Math.round((1 - freeBytes / totalBytes) * 1000) / 10,
        };
      } catch {
        disk = null;
      }
      const memory = process.memoryUsage();
      const total = totalmem();
      const free = freemem();
      return {
        cpu: { percent, cores: cpus().length, loadAverage: loadavg() },
        memory: {
          systemTotalBytes: total,
          systemFreeBytes: free,
          systemUsedPercent: Math.round((1 - free / total) * 1000) / 10,
          processRssBytes: memory.rss,
          processHeapUsedBytes: memory.heapUsed,
        },
        disk,
        eventLoopLagMs: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) },
        uptimeSeconds: Math.round(process.uptime()),
        store: poolStats(),
      };
    },
    stop: () => {
      clearInterval(timer);
      lag.disable();
    },
  };
}
