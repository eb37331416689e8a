// The CRC-32C reference (native/crc32c-reference.c): what this CPU's crc32 instruction gives over 1 MB when its
// latency is hidden, printed beside the CRC the broker uses so the gap between them stays in view. Compiled at
// bench time like the latency probe; x86-64 only (SSE4.2).
import { execFileSync } from 'child_process';
import { buildNative } from './native-build';

/** MB/s (MB = 2^20 bytes) of the reference loop over at least `minMs`, or why it could not run here. */
export function referenceCrcMbPerSecond(minMs: number): { mbPerSecond: number } | { error: string } {
  if (process.arch !== 'x64') return { error: `the CRC-32C reference needs x86-64 (SSE4.2); this is ${process.arch}` };
  const built = buildNative('crc32c-reference', { flags: ['-msse4.2'] });
  if ('error' in built) return { error: `building the CRC-32C reference failed (needs cc): ${built.error}` };
  try {
    const printed = execFileSync(built.binary, [String(minMs)], { stdio: ['ignore', 'pipe', 'pipe'] })
      .toString()
      .trim();
    const mbPerSecond = Number(printed);
    if (!Number.isFinite(mbPerSecond) || mbPerSecond <= 0) return { error: `the CRC-32C reference printed ${JSON.stringify(printed)}` };
    return { mbPerSecond };
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    return { error: `the CRC-32C reference failed: ${stderr.trim()}` };
  }
}
