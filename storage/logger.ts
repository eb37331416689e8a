// The logging storage needs, declared here so storage depends on nothing above it (codecs <- storage <- src).
// The broker hands in its pino logger, which satisfies this interface structurally; tests may pass any object
// with these four methods.

/** One log call: structured fields first, then the message (pino's argument order). */
export type StorageLogFn = (fields: object, message: string) => void;

export interface Logger {
  error: StorageLogFn;
  warn: StorageLogFn;
  info: StorageLogFn;
  debug: StorageLogFn;
}
