// The shape several admin and offset APIs share: topics by name, each with partitions by index, answered
// partition by partition against its log: one loop for all of them.
import type { MaybeLog } from '../topics/partition-directory';
import type { BrokerServices } from './services';

export interface NamedTopicRequest<P extends { readonly partitionIndex: number }> {
  readonly name: string;
  readonly partitions: readonly P[];
}

/** Each topic's partitions answered by `answer`, given the partition's log (undefined when it does not exist). */
export function answerEachPartition<P extends { readonly partitionIndex: number }, R>(
  services: Pick<BrokerServices, 'topics' | 'partitions'>,
  topics: readonly NamedTopicRequest<P>[],
  answer: (log: MaybeLog, partition: P, topic: string) => R | Promise<R>,
): Promise<Array<{ name: string; partitions: R[] }>> {
  return Promise.all(
    topics.map(async (t) => {
      const logs = await services.partitions.logsOf(
        services.topics.get(t.name),
        t.partitions.map((p) => p.partitionIndex),
      );
      const partitions = await Promise.all(t.partitions.map((p, i) => answer(logs[i], p, t.name)));
      return { name: t.name, partitions };
    }),
  );
}

/**
 * The order of Kafka's OffsetCommit, TxnOffsetCommit and OffsetDelete answers: its response builder first takes the
 * partitions the request handler refused itself (unknown topics and partitions), then merges the coordinator's
 * results, appending to a topic already listed. So refused partitions lead within their topic, and topics with a
 * refused partition lead the list.
 */
export function refusedFirst<T extends { readonly partitions: readonly unknown[] }>(
  topics: readonly T[],
  refused: (partition: T['partitions'][number], topic: T) => boolean,
): T[] {
  type P = T['partitions'][number];
  const reordered = topics.map((t) => {
    const isRefused = (p: P): boolean => refused(p, t);
    return {
      topic: t,
      refusedAny: t.partitions.some(isRefused),
      partitions: [...t.partitions.filter(isRefused), ...t.partitions.filter((p) => !isRefused(p))],
    };
  });
  const ordered = [...reordered.filter((r) => r.refusedAny), ...reordered.filter((r) => !r.refusedAny)];
  return ordered.map((r) => ({ ...r.topic, partitions: r.partitions }));
}
