// A switch through which the broker's fault injection (src/faults) makes segment writes fail as a full disk would,
// without touching the file system. Storage cannot import the broker, so the broker sets the check and storage only
// asks it; null (the default) costs the write path one comparison.

/** Why a write to `topic`-`partition` fails now, or null to let it go ahead. */
export type WriteFaultCheck = (topic: string, partition: number) => string | null;

export class WriteFaults {
  check: WriteFaultCheck | null = null;
}
