// Tagged fields a codec does not know, kept as raw bytes with their tag numbers (Kafka's RawTaggedField and the
// generated `_unknownTaggedFields`). A structure written by a newer Kafka or client, decoded here and written again
// (a coordinator record rewritten, a stored request replayed), then keeps what the newer writer put there.
// The generated codecs call these: a decoded struct carries `unknownTaggedFields` only when it had some.
import type { Reader } from './reader';
import type { Writer } from './writer';

export interface RawTaggedField {
  readonly tag: number;
  readonly data: Buffer;
}

/**
 * Keeps the field at the reader's position, `end` being where it stops. The bytes are copied: a kept field may
 * outlive the request frame it arrived in, which a view would keep alive whole.
 */
export function keepRawTaggedField(kept: RawTaggedField[] | undefined, r: Reader, tag: number, end: number): RawTaggedField[] {
  const list = kept ?? [];
  list.push({ tag, data: Buffer.from(r.buffer.subarray(r.offset, end)) });
  return list;
}

/** Reads the tagged-field section of a struct that knows no tag: every field is kept. */
export function readRawTaggedFields(r: Reader): RawTaggedField[] | undefined {
  const count = r.readUnsignedVarint();
  let kept: RawTaggedField[] | undefined;
  for (let i = 0; i < count; i++) {
    const tag = r.readUnsignedVarint();
    const size = r.readUnsignedVarint();
    r.ensure(size);
    const end = r.offset + size;
    kept = keepRawTaggedField(kept, r, tag, end);
    r.offset = end;
  }
  return kept;
}

/**
 * Writes the kept fields from index `from` whose tag is below `belowTag`, so that they interleave in ascending tag
 * order with the fields the codec knows, as the protocol requires. Returns the index of the first field not written.
 */
export function writeRawTaggedFields(w: Writer, kept: readonly RawTaggedField[] | undefined, from: number, belowTag: number): number {
  if (kept === undefined) return from;
  let i = from;
  for (; i < kept.length && kept[i].tag < belowTag; i++) {
    w.writeUnsignedVarint(kept[i].tag);
    w.writeUnsignedVarint(kept[i].data.length);
    w.writeRawBuffer(kept[i].data);
  }
  return i;
}

/** The tagged-field section of a struct that knows no tag: the kept fields, or none. */
export function writeOnlyRawTaggedFields(w: Writer, kept: readonly RawTaggedField[] | undefined): void {
  if (kept === undefined || kept.length === 0) {
    w.writeEmptyTaggedFields();
    return;
  }
  w.writeUnsignedVarint(kept.length);
  writeRawTaggedFields(w, kept, 0, Infinity);
}
