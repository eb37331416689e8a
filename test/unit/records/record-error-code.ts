import { RecordFormatError } from '../../../codecs/records/record-errors';

/** The RecordFormatError code `fn` throws, or undefined when it returns; any other error propagates. */
export function recordErrorCodeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof RecordFormatError) return err.code;
    throw err;
  }
  return undefined;
}
