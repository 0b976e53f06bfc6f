import yauzl from 'yauzl';
import { AppError } from '../../errors.js';

/** What a workbook may unpack to before it is refused; a budget shared by every entry read. */
export interface UnzipLimits {
  /** Inflated bytes over every entry read, together. */
  readonly maxUnzippedBytes: number;
  /** Inflated/compressed size of an entry, above which it is taken for a zip bomb (entries over 1 MiB only). */
  readonly maxRatio: number;
  /** Entries in the archive's directory. */
  readonly maxEntries: number;
}

const MIB = 1024 ** 2;

export function formatBytes(bytes: number): string {
  return bytes >= MIB ? `${Math.round(bytes / MIB)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** A refusal that names the limit, for the problem body and the CLI's message alike. */
export function limitError(limit: string, detail: string, max: number): AppError {
  return new AppError('unprocessable', detail, { limit, max });
}

const unreadable = () => new AppError('unprocessable', 'The file is not a readable XLSX workbook.');

/** An opened archive: its directory is read, entries are inflated on demand within one byte budget. */
export interface ZipReader {
  has(name: string): boolean;
  /** Every entry's name, as the directory lists them. */
  names(): string[];
  /** Checks, before inflating anything, that these entries fit the budget by their declared sizes and ratios. */
  assertFits(names: readonly string[]): void;
  /** Inflates one entry chunk by chunk; `onChunk` may be async (back-pressure). Stops at the budget. */
  stream(name: string, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void>;
  /** Inflates a small part whole; larger than `maxBytes` (16 MiB by default) is refused. */
  read(name: string, maxBytes?: number): Promise<Buffer>;
  close(): void;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) =>
      error || !zip ? reject(unreadable()) : resolve(zip),
    );
  });
}

function listEntries(zip: yauzl.ZipFile, maxEntries: number): Promise<Map<string, yauzl.Entry>> {
  if (zip.entryCount > maxEntries) {
    return Promise.reject(
      limitError(
        'xlsxEntries',
        `The workbook holds ${zip.entryCount} files; at most ${maxEntries} are read.`,
        maxEntries,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const entries = new Map<string, yauzl.Entry>();
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', () => reject(unreadable()));
    zip.readEntry();
  });
}

export async function openZipReader(file: string, limits: UnzipLimits): Promise<ZipReader> {
  const zip = await openZip(file);
  let entries: Map<string, yauzl.Entry>;
  try {
    entries = await listEntries(zip, limits.maxEntries);
  } catch (error) {
    zip.close();
    throw error;
  }
  let used = 0;
  const tooBig = () =>
    limitError(
      'xlsxUnzippedBytes',
      `The workbook unpacks to more than ${formatBytes(limits.maxUnzippedBytes)} of sheet data, the most that is read; save the sheet as CSV or split it.`,
      limits.maxUnzippedBytes,
    );
  const entryOf = (name: string) => {
    const entry = entries.get(name);
    if (!entry) throw unreadable();
    return entry;
  };

  const assertFits = (names: readonly string[]) => {
    let declared = used;
    for (const name of names) {
      const entry = entryOf(name);
      if (entry.isEncrypted())
        throw new AppError('unprocessable', 'The workbook is encrypted; save it without a password.');
      if (
        entry.uncompressedSize > MIB &&
        entry.uncompressedSize / Math.max(entry.compressedSize, 1) > limits.maxRatio
      ) {
        throw limitError(
          'xlsxCompressionRatio',
          `The workbook's "${name}" unpacks ${Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))} times its size (at most ${limits.maxRatio}): it looks like a zip bomb.`,
          limits.maxRatio,
        );
      }
      declared += entry.uncompressedSize;
    }
    if (declared > limits.maxUnzippedBytes) throw tooBig();
  };

  const stream = async (name: string, onChunk: (chunk: Buffer) => void | Promise<void>) => {
    const entry = entryOf(name);
    assertFits([name]);
    const readable = await new Promise<NodeJS.ReadableStream & { destroy(): void }>((resolve, reject) => {
      zip.openReadStream(entry, (error, opened) => (error || !opened ? reject(unreadable()) : resolve(opened)));
    });
    try {
      for await (const chunk of readable) {
        const bytes = chunk as Buffer;
        used += bytes.length;
        // The declared size was checked; this catches an archive whose headers lie.
        if (used > limits.maxUnzippedBytes) throw tooBig();
        await onChunk(bytes);
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw unreadable();
    } finally {
      readable.destroy();
    }
  };

  return {
    has: (name) => entries.has(name),
    names: () => [...entries.keys()],
    assertFits,
    stream,
    read: async (name, maxBytes = 16 * MIB) => {
      if (entryOf(name).uncompressedSize > maxBytes) {
        throw limitError(
          'xlsxPartBytes',
          `The workbook's "${name}" unpacks to more than ${formatBytes(maxBytes)}, the most that is read.`,
          maxBytes,
        );
      }
      const chunks: Buffer[] = [];
      await stream(name, (chunk) => {
        chunks.push(chunk);
      });
      return Buffer.concat(chunks);
    },
    close: () => zip.close(),
  };
}
