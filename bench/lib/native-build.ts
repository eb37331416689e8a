// The bench's C helpers (bench/native/*.c: the mock cluster launcher, the latency probe, the CRC-32C reference) are
// compiled at bench time into the gitignored bench/.build/, and again only when their source is newer.
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const BUILD_DIR = path.join(REPO_ROOT, 'bench', '.build');

export interface NativeBuild {
  /** Compiler flags, before the source (e.g. -msse4.2). */
  readonly flags?: readonly string[];
  /** Libraries to link, after the source (e.g. -lrdkafka). */
  readonly libs?: readonly string[];
}

/** The path of bench/native/<name>.c compiled with `cc -O2`, or the compiler's complaint when it cannot be built. */
export function buildNative(name: string, build: NativeBuild = {}): { binary: string } | { error: string } {
  const source = path.join(REPO_ROOT, 'bench', 'native', `${name}.c`);
  const binary = path.join(BUILD_DIR, name);
  try {
    fs.mkdirSync(BUILD_DIR, { recursive: true });
    const fresh = fs.existsSync(binary) && fs.statSync(binary).mtimeMs >= fs.statSync(source).mtimeMs;
    if (!fresh) execFileSync('cc', ['-O2', ...(build.flags ?? []), '-o', binary, source, ...(build.libs ?? [])], { stdio: 'pipe' });
    return { binary };
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    return { error: stderr.trim() || String(err) };
  }
}
