/** One level of a structured logger: fields first, then the message (the server's logger has this shape). */
export type LogFn = (fields: object, message: string) => void;

/** What background work logs through, without depending on the HTTP server that provides it. */
export interface Log {
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
}
