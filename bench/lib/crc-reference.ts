// The CRC-32C reference (native/crc32c-reference.c): what this CPU's crc32 instruction gives over 1 MB when its
// latency is hidden, printed beside the CRC the broker uses so the gap between them stays in view. Compiled at
// bench time like the latency probe; x86-64 only (SSE4.2).
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { REPO_ROOT } from './targets';

const BUILD_DIR = path.join(REPO_ROOT, 'bench', '.build');
const SOURCE = path.join(REPO_ROOT, 'bench', 'native', 'crc32c-reference.c');
const BINARY = path.join(BUILD_DIR, 'crc32c-reference');

/** MB/s (MB = 2^20 bytes) of the reference loop over at least `minMs`, or why it could not run here. */
export function referenceCrcMbPerSecond(minMs: number): { mbPerSecond: number } | { error: string } {
  if (process.arch !== 'x64') return { error: `the CRC-32C reference needs x86-64 (SSE4.2); this is ${process.arch}` };
  try {
    fs.mkdirSync(BUILD_DIR, { recursive: true });
    const fresh = fs.existsSync(BINARY) && fs.statSync(BINARY).mtimeMs >= fs.statSync(SOURCE).mtimeMs;
    if (!fresh) execFileSync('cc', ['-O2', '-msse4.2', '-o', BINARY, SOURCE], { stdio: 'pipe' });
    const printed = execFileSync(BINARY, [String(minMs)], { stdio: ['ignore', 'pipe', 'pipe'] })
      .toString()
      .trim();
    const mbPerSecond = Number(printed);
    if (!Number.isFinite(mbPerSecond) || mbPerSecond <= 0) return { error: `the CRC-32C reference printed ${JSON.stringify(printed)}` };
    return { mbPerSecond };
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    return { error: `the CRC-32C reference could not run (needs cc): ${stderr.trim()}` };
  }
}
