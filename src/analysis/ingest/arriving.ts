import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { DuckEngine } from '../engine/duckdb.js';
import { fillParquetSql, openSource, readSignature, type StagedLines } from './ingest.js';
import { unifiedRelationSql } from './load.js';
import type { IngestOptions } from './plan.js';

/** Bytes of a segment before it is cut at the next line end: about 100,000 lines of an ad export. */
export const SEGMENT_BYTES = 32 * 1024 * 1024;

const NEWLINE = 0x0a;
const QUOTE = 0x22;

/** Where a chunk may be cut: after its last line end that is outside quotes, if it has one. */
export class LineEnds {
  /** Quotes seen so far: odd while inside a quoted field. */
  private quotes = 0;

  /** The offset just past the chunk's last line end outside quotes, or undefined; then takes the chunk in. */
  cutOf(chunk: Buffer): number | undefined {
    let cut: number | undefined;
    let from = 0;
    for (;;) {
      const quote = chunk.indexOf(QUOTE, from);
      const end = quote === -1 ? chunk.length : quote;
      if (this.quotes % 2 === 0) {
        // Searched within the span only: a quoted file has many spans, and each is searched once.
        const newline = chunk.subarray(from, end).lastIndexOf(NEWLINE);
        if (newline !== -1) cut = from + newline + 1;
      }
      if (quote === -1) return cut;
      this.quotes++;
      from = quote + 1;
    }
  }
}

/**
 * A delimited upload read while it arrives. Its bytes are also written into
 * segments cut at line ends; each complete segment is read into a Parquet
 * file of its lines (the first with the head's plan, the others without a
 * header) while the next arrives, so little is left to read when the body
 * ends. The lines are only used if the whole file's plan reads them with the
 * same statement (`ingest` checks); any other outcome (a workbook, UTF-16, a
 * segment the reader refuses, a plan the tail changes) leaves the file to be
 * read whole, as if nothing had been staged. A miscut inside a quoted field
 * cannot pass unnoticed: the reader refuses a segment that ends in an open quote.
 */
export class ArrivingFile {
  private readonly dir: string;
  private readonly ends = new LineEnds();
  private readonly lines: string[] = [];
  private segment: { file: string; stream: WriteStream; bytes: number } | undefined;
  private count = 0;
  private work: Promise<void>;
  private head: { signature: string; relation: (file: string, index: number) => string } | undefined;
  private abandoned = false;

  constructor(
    private readonly duck: DuckEngine,
    tmpDir: string,
    private readonly originalName: string,
    private readonly options: IngestOptions,
  ) {
    this.dir = path.join(tmpDir, `arriving-${randomUUID()}`);
    this.work = mkdir(this.dir, { mode: 0o700 }).then(
      () => undefined,
      () => this.abandon(),
    );
  }

  /** Takes the next bytes of the file. */
  push(chunk: Buffer): void {
    if (this.abandoned) return;
    const cut = this.ends.cutOf(chunk);
    if (cut === undefined || (this.segment?.bytes ?? 0) + cut < SEGMENT_BYTES) {
      this.append(chunk);
      return;
    }
    this.append(chunk.subarray(0, cut));
    this.close();
    if (cut < chunk.length) this.append(chunk.subarray(cut));
  }

  /** The staged lines once the whole file has arrived, or undefined when it is to be read whole. */
  async finish(): Promise<StagedLines | undefined> {
    if (!this.abandoned) this.close();
    await this.work;
    if (this.abandoned || !this.head) return undefined;
    return { files: [...this.lines], signature: this.head.signature };
  }

  /** Removes every segment and staged file, once the reader is done with them. */
  async dispose(): Promise<void> {
    this.abandon();
    await this.work;
    await rm(this.dir, { recursive: true, force: true });
  }

  private append(bytes: Buffer): void {
    if (bytes.length === 0 || this.abandoned) return;
    if (!this.segment) {
      const file = path.join(this.dir, `segment-${this.count}.csv`);
      const stream = createWriteStream(file, { mode: 0o600 });
      // A failed write leaves the file to be read whole; `finished` below reports it.
      stream.on('error', () => this.abandon());
      this.segment = { file, stream, bytes: 0 };
    }
    this.segment.stream.write(bytes);
    this.segment.bytes += bytes.length;
  }

  /** Ends the current segment and queues its reading behind the previous ones. */
  private close(): void {
    const segment = this.segment;
    if (!segment) return;
    this.segment = undefined;
    const index = this.count++;
    segment.stream.end();
    this.work = this.work.then(async () => {
      try {
        await finished(segment.stream);
        if (this.abandoned) return;
        await this.stage(segment.file, index);
      } catch {
        this.abandon();
      }
    });
  }

  private async stage(file: string, index: number): Promise<void> {
    if (index === 0) {
      const { source, close } = await openSource({
        ...this.options,
        file,
        originalName: this.originalName,
        tmpDir: this.dir,
      });
      await close();
      if (source.format !== 'csv' || source.shape.encoding !== 'utf-8') {
        this.abandon();
        return;
      }
      const typed = source.plan.typedFastPath;
      this.head = {
        signature: readSignature(source, typed),
        relation: (segment, at) => unifiedRelationSql(segment, source.shape, source.plan, typed, at > 0),
      };
    }
    const head = this.head;
    if (!head) return;
    const lines = path.join(this.dir, `lines-${index}.parquet`);
    await this.duck.withConnection((connection) => connection.run(fillParquetSql(lines, head.relation(file, index))));
    this.lines.push(lines);
    // The segment's text is read; only its lines are kept.
    await rm(file, { force: true });
  }

  private abandon(): void {
    if (this.abandoned) return;
    this.abandoned = true;
    const stream = this.segment?.stream;
    this.segment = undefined;
    stream?.destroy();
  }
}
