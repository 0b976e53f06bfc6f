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
