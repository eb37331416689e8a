// Consumer protocol bytes that group tests put in JoinGroup requests, for both the unit and the wire-level suites.
import { Writer } from '../../codecs/primitives/writer';

/** Consumer protocol subscription metadata as kafkajs and the Java client send it: INT16 version, topics, user data. */
export function subscriptionMetadata(topics: readonly string[]): Buffer {
  const w = new Writer();
  w.writeInt16(0);
  w.writeArrayLength(topics.length);
  for (const t of topics) w.writeString(t);
  w.writeBytes(Buffer.alloc(0));
  return w.toBuffer();
}
