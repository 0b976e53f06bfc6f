// Types of workbooks.mjs for the TypeScript tests that share it.
export interface ZipEntrySpec {
  readonly name: string;
  /** Deflated bytes (raw deflate). */
  readonly deflated: Buffer;
  readonly size: number;
  readonly crc: number;
  /** A lie in the directory and local header: the size claimed instead of `size`. */
  readonly declaredSize?: number;
}
export declare function deflatedEntry(name: string, content: string | Buffer): ZipEntrySpec;
export declare function repeatedEntry(
  name: string,
  head: string,
  middle: string,
  times: number,
  tail: string,
  checksumLimit?: number,
): ZipEntrySpec;
export declare function zip(entries: readonly ZipEntrySpec[]): Buffer;
export declare const NS: string;
export declare const REL: string;
export declare function escapeXml(text: string): string;
export declare function workbookParts(
  sheetNames: readonly string[],
  options?: { sharedStrings?: readonly string[]; date1904?: boolean },
): ZipEntrySpec[];
export declare function sheetXml(rows: string): string;
export declare function inlineRow(row: number, values: readonly string[]): string;
export declare const HEADER: readonly string[];
export declare function sparseWorkbook(): Buffer;
export declare const BOMB_BLOCK: string;
export declare function bombWorkbook(mib: number, lie?: boolean, checksumLimit?: number): Buffer;
