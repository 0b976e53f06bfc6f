import { slidingDecision, type RateDecision } from '../store/rate-limits.js';

interface Windows {
  start: number;
  current: number;
  prev: number;
}

/**
 * A per-key sliding-window counter held in this process: for traffic that
 * must cost nothing in the store (requests without credentials, the very
 * flood it limits), so each instance counts its own share. Memory is
 * bounded: past `maxKeys` the oldest keys are forgotten.
 */
export class SlidingCounter {
  private readonly keys = new Map<string, Windows>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  consume(key: string, now: number): RateDecision {
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    const found = this.keys.get(key);
    let windows: Windows;
    if (found === undefined) windows = { start, current: 0, prev: 0 };
    else if (found.start === start) windows = found;
    else windows = { start, current: 0, prev: found.start === start - this.windowMs ? found.current : 0 };
    windows.current += 1;
    // Re-inserted so the map's order is least recently seen first.
    this.keys.delete(key);
    this.keys.set(key, windows);
    if (this.keys.size > this.maxKeys) this.keys.delete(this.keys.keys().next().value!);
    return slidingDecision(windows.prev, windows.current, now - start, this.windowMs, this.limit);
  }
}
