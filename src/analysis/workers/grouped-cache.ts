import { createHash } from 'node:crypto';
import type { Dataset } from '../datasets/datasets.js';
import type { Scope } from '../engine/analysis.js';
import { groupedCount, type GroupedRows, type PreviousRows } from './grouped-rows.js';
import type { OrgId } from '../../ids.js';

/** DuckDB's answers for one analysis: what the worker turns into a report and insights. */
export interface GroupedInputs {
  readonly shape: GroupedRows['shape'];
  readonly current: GroupedRows;
  readonly previous: PreviousRows | null;
  readonly daily: GroupedRows;
}

/**
 * The buffers under an analysis's columns, each once: what can move to the
 * worker instead of being copied when nothing else keeps the answer (each
 * column owns its buffer: `columnsOfResult` allocates one per column).
 */
export function transferableBuffers(value: GroupedInputs): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const rows of [value.current, value.daily, value.previous?.rows]) {
    for (const column of Object.values(rows?.columns ?? {})) {
      const array = column instanceof Float64Array ? column : column.codes;
      if (array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
    }
  }
  return [...buffers];
}

interface Entry {
  readonly value: GroupedInputs;
  readonly bytes: number;
  readonly datasetIds: readonly string[];
}

/** About 16 bytes a value: a double, or a reference to a short string. */
function bytesOfRows(rows: GroupedRows | null | undefined): number {
  return rows ? 16 * Object.keys(rows.columns).length * groupedCount(rows.columns) : 0;
}

function bytesOf(value: GroupedInputs): number {
  // The daily pairs are often grouped in the current rows' scan: the same answer, counted once.
  const daily = value.daily === value.current ? null : value.daily;
  return bytesOfRows(value.current) + bytesOfRows(daily) + bytesOfRows(value.previous?.rows) + 4_096;
}

/**
 * The key of an analysis's DuckDB work: the organisation, each dataset as it
 * stands (id, update time, mapping, rows, bytes: a remap changes them) and
 * the scope. Because the dataset's facts are read from the store for every
 * analysis, an entry computed before a remap on any instance is never used
 * after it, and a deleted dataset is "not found" before the cache is asked.
 */
export function groupedKey(orgId: OrgId, datasets: readonly Dataset[], scope: Scope, comparison = 'previous'): string {
  const versions = datasets.map((dataset) => [
    dataset.id,
    dataset.updatedAt,
    dataset.rows,
    dataset.bytes,
    dataset.mapping,
  ]);
  return createHash('sha256')
    .update(JSON.stringify([orgId, versions, scope, comparison]))
    .digest('hex');
}

/**
 * An in-process LRU of DuckDB's grouped rows by their inputs, bounded in
 * bytes. Every instance computes the same answer for the same key, so a
 * per-instance cache needs no coordination; the report and insights are
 * still built per analysis (fresh ids, the organisation's current budgets,
 * settings and feedback).
 */
export class GroupedCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): GroupedInputs | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.missCount++;
      return undefined;
    }
    this.hitCount++;
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` unless it is larger than the whole cache; says whether it kept it (then its buffers must stay here). */
  set(key: string, value: GroupedInputs, datasetIds: readonly string[]): boolean {
    const bytes = bytesOf(value);
    if (bytes > this.maxBytes) return false;
    this.delete(key);
    this.entries.set(key, { value, bytes, datasetIds });
    this.bytes += bytes;
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
    return true;
  }

  /** Drops every entry that read a dataset (after its remap or deletion here: memory back at once). */
  forgetDataset(id: string): void {
    for (const [key, entry] of this.entries) if (entry.datasetIds.includes(id)) this.delete(key);
  }

  stats(): { readonly entries: number; readonly bytes: number; readonly hits: number; readonly misses: number } {
    return { entries: this.entries.size, bytes: this.bytes, hits: this.hitCount, misses: this.missCount };
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
