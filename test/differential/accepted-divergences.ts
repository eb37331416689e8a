// Differences between Eddy and the reference Kafka that the differential suite accepts, each with its reason. An
// entry is either a fact of how the two brokers are built (and nobody should "fix" it) or a known Eddy bug not yet
// fixed, written "Eddy bug, not yet fixed: <what Kafka does>" so the next session can pick it up. Keep it short.

export interface AcceptedDivergence {
  /** The scenario's name, or a pattern for scenarios that differ for one reason. */
  readonly scenario: string | RegExp;
  /** Matched against the whole difference path, e.g. `step 0 (Metadata v12) topics[0].errorCode`. */
  readonly path: RegExp;
  readonly reason: string;
}

const NOT_FIXED = 'Eddy bug, not yet fixed:';

export const ACCEPTED_DIVERGENCES: readonly AcceptedDivergence[] = [
  {
    scenario: /^ApiVersions v[03]$/,
    path: /\) apiKeys/,
    reason: 'Eddy implements a subset of the APIs (36 of 75) and still accepts the pre-4.0 versions Kafka 4 removed (KIP-896), for 3.x-era clients.',
  },
  {
    scenario: 'ApiVersions v3',
    path: /\) (supportedFeatures|finalizedFeatures)/,
    reason:
      'Eddy has no feature versioning (metadata.version, transaction.version, group.version...): it advertises no features, so clients keep the classic protocols.',
  },
  {
    scenario: 'Metadata v4 of an unknown topic with auto-create',
    path: /\) topics\[0\]\.(errorCode|partitions\.length)$/,
    reason:
      'Undecided: Kafka forwards the creation to its controller and answers this first request with UNKNOWN_TOPIC_OR_PARTITION and no partitions; Eddy creates the topic before answering and returns it. Clients retry Metadata either way.',
  },
  {
    scenario: /^CreateTopics (of a valid topic|with the default|validateOnly)/,
    path: /\) topics\[0\]\.configs\[21\]\.configSource$/,
    reason:
      'configs[21] is min.insync.replicas (same value): a KRaft Kafka formatted by its storage tool holds it as a cluster-wide dynamic default (source 3); Eddy has no dynamic defaults (source 5).',
  },
  {
    scenario: 'CreateTopics validateOnly creates nothing',
    path: /\) topics\[0\]\.topicId$/,
    reason: `${NOT_FIXED} Kafka returns a fresh (throw-away) topic id for a validateOnly creation; Eddy returns the zero uuid.`,
  },
  {
    scenario: 'CreatePartitions of an unknown topic',
    path: /\) results\[0\]\.errorMessage$/,
    reason: `${NOT_FIXED} Kafka answers UNKNOWN_TOPIC_OR_PARTITION with no message (null); Eddy says "The topic '<name>' does not exist.".`,
  },
  {
    scenario: 'DescribeConfigs v4 of an unknown topic',
    path: /\) results\[0\]\.errorMessage$/,
    reason: `${NOT_FIXED} Kafka answers UNKNOWN_TOPIC_OR_PARTITION with an empty message ""; Eddy says "Topic <name> does not exist.".`,
  },
  {
    scenario: 'Fetch v13 of an unknown topic id',
    path: /\) responses\[0\]\.partitions\[0\]\.abortedTransactions$/,
    reason: `${NOT_FIXED} for an unknown topic id Kafka sends an empty abortedTransactions list (null for other partition errors); Eddy sends null.`,
  },
  {
    scenario: /^(ConsumerGroupHeartbeat|A member that left|A static member leaves|OffsetCommit v9 and OffsetFetch v9|The classic APIs see a consumer group)/,
    path: /\) (groups\[0\]\.)?(members\[0\]\.)?(memberEpoch|groupEpoch|assignmentEpoch)$/,
    reason: `${NOT_FIXED} Kafka 4.3.1 gives a new consumer group's first member epoch 2 (even when it subscribes to a missing topic) and bumps by one from there; Eddy starts at 1, so every KIP-848 epoch is one lower. Clients only echo epochs.`,
  },
  {
    scenario: 'A static member leaves with epoch -2 and rejoins with a new member id',
    path: /\) groups\[0\]\.(groupState|members\.length)$/,
    reason:
      "Eddy treats a static member's temporary leave (epoch -2) as a leave (a documented gap of its KIP-848 coordinator); Kafka keeps the member and its partitions for the instance id until its session times out.",
  },
  {
    scenario: 'ConsumerGroupHeartbeat to a classic group with a member, and ConsumerGroupDescribe of it',
    path: /\) (errorCode|errorMessage|memberId|memberEpoch|heartbeatIntervalMs|assignment|groups\[0\]\.\w+|groups\[0\]\.members\.length)$/,
    reason:
      'Eddy does not convert a classic group with members to the consumer protocol (online migration, a documented gap): it answers GROUP_ID_NOT_FOUND; Kafka 4 upgrades the group and admits the member.',
  },
];

function matchesScenario(entry: AcceptedDivergence, scenario: string): boolean {
  return typeof entry.scenario === 'string' ? entry.scenario === scenario : entry.scenario.test(scenario);
}

/** The first accepted divergence that explains a difference in `scenario` at `path`, if any. */
export function acceptedFor(scenario: string, path: string): AcceptedDivergence | undefined {
  return ACCEPTED_DIVERGENCES.find((entry) => matchesScenario(entry, scenario) && entry.path.test(path));
}
