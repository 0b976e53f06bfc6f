import type { Readable } from 'node:stream';

/** The media type of each format the product hands out as a file. */
export const MEDIA_TYPES = {
  json: 'application/json; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
} as const;

export type DownloadFormat = keyof typeof MEDIA_TYPES;

/** An export, ready to be sent as an attachment: its format gives the media type and the file extension. */
export interface Download {
  readonly format: DownloadFormat;
  readonly body: string | Buffer | Readable;
}

/** Bytes of UTF-8 a file's name may take before its extension: file systems allow 255, mail and zip tools less. */
const MAX_NAME_BYTES = 150;
/** Characters no file name may hold on Windows, macOS or Linux: separators read as a dash, the rest as a space. */
const SEPARATORS = /[/\\:|]/g;
const UNSAFE = /[*?"<>\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
/** Names Windows keeps for devices, whatever their extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * A name that saves as given on every system: no path separators, control or
 * direction-changing characters, no leading or trailing dots or spaces, no
 * device name, at most MAX_NAME_BYTES cut between characters (an emoji stays whole).
 * `fallback` when nothing is left.
 */
export function safeFileBase(name: string, fallback: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(SEPARATORS, '-')
    .replace(UNSAFE, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  let bounded = '';
  for (const { segment } of graphemes.segment(cleaned)) {
    if (Buffer.byteLength(bounded + segment) > MAX_NAME_BYTES) break;
    bounded += segment;
  }
  bounded = bounded.replace(/[\s.]+$/, '');
  if (bounded === '') return fallback;
  return RESERVED.test(bounded) ? `_${bounded}` : bounded;
}

/** The name as plain printable ASCII, for clients that do not read `filename*`: accents dropped, other letters "_". */
function asciiName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]+/g, '_');
}

/** RFC 5987 percent-encoding: what encodeURIComponent leaves, less the characters the header grammar does not allow. */
const percentEncoded = (name: string) =>
  encodeURIComponent(name).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The Content-Disposition of a file saved as `fileName` (made safe by safeFileBase): the name in
 * ASCII for every client and, when it is not plain ASCII, in full as RFC 6266 `filename*`.
 */
export function contentDisposition(fileName: string): string {
  const ascii = asciiName(fileName);
  const plain = `attachment; filename="${ascii}"`;
  return ascii === fileName ? plain : `${plain}; filename*=UTF-8''${percentEncoded(fileName)}`;
}
