// The shape several admin and offset APIs share: topics by name, each with partitions by index, answered
// partition by partition against its log. One loop for all of them, with storage's first-use loading kept in the
// partition directory.
import type { MaybeLog, PartitionDirectory } from '../topics/partition-directory';

export interface NamedTopicRequest<P extends { readonly partitionIndex: number }> {
  readonly name: string;
  readonly partitions: readonly P[];
}

/** Each topic's partitions answered by `answer`, given the partition's log (undefined when it does not exist). */
export function answerEachPartition<P extends { readonly partitionIndex: number }, R>(
  directory: PartitionDirectory,
  topics: readonly NamedTopicRequest<P>[],
  answer: (log: MaybeLog, partition: P) => R | Promise<R>,
): Promise<Array<{ name: string; partitions: R[] }>> {
  return Promise.all(
    topics.map(async (t) => {
      const logs = await directory.logsOf(directory.findTopic(t.name, undefined, false).topic, t.partitions.map((p) => p.partitionIndex));
      const partitions = await Promise.all(t.partitions.map((p, i) => answer(logs[i], p)));
      return { name: t.name, partitions };
    }),
  );
}
