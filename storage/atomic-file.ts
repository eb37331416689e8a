// Small metadata files (catalog, checkpoints) are replaced atomically: write a temp file, fsync it, rename it over
// the old one, fsync the directory. A crash leaves either the old or the new content, never a torn mix.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { TEMP_SUFFIX } from './file-names';

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * `fsyncDir: false` leaves the directory's fsync (which makes the rename durable) to a caller writing several files
 * into one directory, so they share one.
 */
export async function writeFileAtomic(file: string, data: string | Buffer, opts: { fsync?: boolean; fsyncDir?: boolean } = {}): Promise<void> {
  const fsync = opts.fsync ?? true;
  const temp = file + TEMP_SUFFIX;
  const handle = await fsp.open(temp, 'w');
  try {
    await handle.writeFile(data);
    if (fsync) await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(temp, file);
  if (fsync && opts.fsyncDir !== false) await fsyncDir(path.dirname(file));
}

/**
 * Kafka's checkpoint text format: a version line, an entry-count line, then one space-separated entry per line.
 * Returns null when the file is missing; throws when it is malformed.
 */
export async function readCheckpointFile(file: string): Promise<string[][] | null> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  if (lines.length < 2 || lines[0].trim() !== '0') throw new Error(`Malformed checkpoint file ${file}`);
  const count = Number(lines[1].trim());
  if (!Number.isInteger(count) || count !== lines.length - 2) throw new Error(`Malformed checkpoint file ${file}`);
  return lines.slice(2).map((l) => l.trim().split(/\s+/));
}

export function formatCheckpoint(entries: readonly (readonly string[])[]): string {
  return ['0', String(entries.length), ...entries.map((e) => e.join(' '))].join('\n') + '\n';
}

export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

/** fsyncs `file`; a file deleted since it was written (retention, compaction) has nothing left to make durable. */
export async function fsyncIfPresent(file: string): Promise<void> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'r');
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
