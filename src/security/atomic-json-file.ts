// State the broker keeps in its data dir as one small JSON file (SCRAM credentials, client quotas): read whole at
// start, rewritten whole on each change through a synced temporary file renamed over the old one, so a crash
// leaves either the old file or the new one, never half of either.
import * as fs from 'fs';

/** The file's parsed content, or null when it does not exist. */
export function readJsonFile<T>(file: string): T | null {
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** Writes `content` to a temporary file beside `file`, syncs it, and renames it over `file`. */
export function writeJsonFileAtomically(file: string, content: unknown, mode: number): void {
  const temp = `${file}.tmp`;
  const fd = fs.openSync(temp, 'w', mode);
  try {
    fs.writeSync(fd, JSON.stringify(content, null, 1));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}
