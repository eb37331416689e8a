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
  answer: (log: MaybeLog, partition: P) => R | Promise<R>,
): Promise<Array<{ name: string; partitions: R[] }>> {
  return Promise.all(
    topics.map(async (t) => {
      const logs = await services.partitions.logsOf(
        services.topics.get(t.name),
        t.partitions.map((p) => p.partitionIndex),
      );
      const partitions = await Promise.all(t.partitions.map((p, i) => answer(logs[i], p)));
      return { name: t.name, partitions };
    }),
  );
}
