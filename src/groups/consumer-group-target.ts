// The target assignment of a KIP-848 consumer group: computed by a server-side assignor whenever the group epoch
// moves past the epoch of the last one, from the members' subscriptions and the subscribed topics' metadata. A
// change in that metadata (partitions added, a topic re-created) is itself a reason to bump the epoch, so the
// coordinator compares a signature of it at every heartbeat.
import type { Logger } from '../logger';
import type { ConsumerGroup } from './consumer-group';
import type { TopicCatalog } from './consumer-group-types';
import { DEFAULT_SERVER_ASSIGNOR, SERVER_ASSIGNORS, uniformAssignor } from './server-assignors';

/** Subscribed topics with their ids and partition counts; a change (new partitions, recreated topic) rebalances. */
export function metadataSignature(group: ConsumerGroup, topics: TopicCatalog): string {
  return [...group.subscribedTopicNames()]
    .sort()
    .map((name) => {
      const t = topics.topic(name);
      return t ? `${name}:${t.topicId}:${t.partitions}` : `${name}:-`;
    })
    .join(';');
}

/** Runs the group's assignor and makes the result the target at the current group epoch. */
export function computeTargetAssignment(group: ConsumerGroup, topics: TopicCatalog, signature: string, logger: Logger): void {
  const partitionCounts = new Map<string, number>();
  const members = [...group.members.values()].map((m) => {
    const ids = new Set<string>();
    for (const name of group.memberTopicNames(m)) {
      const t = topics.topic(name);
      if (!t) continue;
      ids.add(t.topicId);
      partitionCounts.set(t.topicId, t.partitions);
    }
    return { memberId: m.memberId, subscribedTopicIds: ids, current: group.targetAssignment.get(m.memberId) ?? new Map<string, Set<number>>() };
  });
  const assignor = SERVER_ASSIGNORS.get(group.preferredAssignor() ?? DEFAULT_SERVER_ASSIGNOR) ?? uniformAssignor;
  group.targetAssignment = assignor({ members, partitionCounts });
  group.assignmentEpoch = group.groupEpoch;
  group.metadataSignature = signature;
  logger.info(
    { group: group.groupId, groupEpoch: group.groupEpoch, members: group.members.size, assignor: group.preferredAssignor() },
    'computed consumer group target assignment',
  );
}
