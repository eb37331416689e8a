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

/** How an entry for a known Eddy bug starts its reason (exported so the list may be empty of them). */
export const NOT_FIXED = 'Eddy bug, not yet fixed:';

export const ACCEPTED_DIVERGENCES: readonly AcceptedDivergence[] = [
  {
    scenario: /^ApiVersions v[0-4]( as .+)?$/,
    path: /\) apiKeys/,
    reason: 'Eddy implements a subset of the APIs (44 of 75) and still accepts the pre-4.0 versions Kafka 4 removed (KIP-896), for 3.x-era clients.',
  },
  {
    scenario: /^ApiVersions v[34]( as .+)?$/,
    path: /\) (supportedFeatures|finalizedFeatures)\.(kraft|share|streams|eligible\.leader\.replicas)\.version$/,
    reason:
      'Eddy advertises only the features whose behaviour it implements (group.version, metadata.version, transaction.version): it serves no share groups (KIP-932) or streams groups (KIP-1071), is not a KRaft quorum, and has no replicas to elect leaders among.',
  },
  {
    scenario: /^Metadata v\d+ of an unknown topic (with auto-create|creates it)/,
    path: /\) topics\[0\]\.(errorCode|topicId|partitions\.length)$/,
    reason:
      'By design: Eddy creates an auto-created topic before answering and returns it in the same answer, so a client does not wait a retry; Kafka forwards the creation to its controller and answers UNKNOWN_TOPIC_OR_PARTITION with no partitions (and no topic id) until its metadata catches up.',
  },
  {
    scenario: /at a version Kafka 4 removed$/,
    path: /^step \d+ \((Produce v[0-2]|Fetch v[0-3]|ListOffsets v0)\) /,
    reason:
      'Kafka 4 removed Produce v0-2, Fetch v0-3 and ListOffsets v0 (KIP-896) and closes the connection; Eddy still serves them for kafkajs and kafka-python pinned to an old api_version.',
  },
  {
    scenario: 'Produce of a batch followed by stray bytes',
    path: /\) (responses\[0\]\.partitionResponses\[0\]\.(errorCode|baseOffset|logStartOffset)|topics\[0\]\.partitions\[0\]\.offset)$/,
    reason:
      'By design: Kafka silently drops bytes after the last whole batch and appends the batch; Eddy refuses the partition with CORRUPT_MESSAGE, as it does any framing it cannot account for (a unit test pins it; no client sends such a tail).',
  },
  {
    scenario: 'Produce of a gzip batch whose data is not gzip',
    path: /\) (responses\[0\]\.partitionResponses\[0\]\.(errorCode|baseOffset)|topics\[0\]\.partitions\[0\]\.offset)$/,
    reason:
      'Eddy checks compressed batches from their header and never decompresses on the produce path (batches stay bytes from socket to disk); Kafka decompresses each one and fails a damaged payload with UNKNOWN_SERVER_ERROR.',
  },
  {
    scenario: 'Fetch with partitionMaxBytes that ends inside the second batch',
    path: /\) responses\[0\]\.partitions\[0\]\.records$/,
    reason:
      'Eddy fills a fetch with whole batches only; Kafka slices its log file at the byte limit, so its answer ends with the start of the next batch, which every client discards.',
  },
  {
    scenario: /^after the restart: /,
    path: /\.leaderEpoch$/,
    reason:
      "A single Eddy node leads every partition at epoch 0 for good; Kafka's controller moves leadership away at shutdown and back at start-up, so the epoch grows (0 to 2) with each restart.",
  },
  {
    scenario: /with (synonyms and )?documentation$/,
    path: /\.documentation$/,
    reason: "Eddy's config documentation is its own one-line wording, not a copy of Kafka's ConfigDef texts; clients show it, none parses it.",
  },
];

export function matchesScenario(entry: AcceptedDivergence, scenario: string): boolean {
  return typeof entry.scenario === 'string' ? entry.scenario === scenario : entry.scenario.test(scenario);
}

/** The first accepted divergence that explains a difference in `scenario` at `path`, if any. */
export function acceptedFor(scenario: string, path: string): AcceptedDivergence | undefined {
  return ACCEPTED_DIVERGENCES.find((entry) => matchesScenario(entry, scenario) && entry.path.test(path));
}
