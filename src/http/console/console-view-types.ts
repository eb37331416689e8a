// The shapes of the overview, topic list, consumer group and live stream answers, with no imports: the server's
// routes build them (routes/overview.ts, routes/rest-v3-groups.ts, live-stats.ts) and the web UI
// (src/http/ui/api.tsx, compiled for the browser) reads them, from this one definition, so the two cannot drift.
// REST v3 resources also carry `kind`, `metadata` and `related` links, which the server adds and the UI does not read.

/** GET /api/overview. */
export interface OverviewView {
  readonly broker_id: number;
  readonly cluster_id: string;
  readonly version: string;
  readonly listeners: string[];
  /** Since the process started. */
  readonly uptime_ms: number;
  readonly data_dir: string;
  readonly data_dir_size_bytes: number;
  readonly topic_count: number;
  readonly partition_count: number;
  readonly internal_topic_count: number;
}

/** One topic of GET /api/topics: the whole list in one call, whatever the number of topics. */
export interface TopicStatsView {
  readonly topic_name: string;
  readonly is_internal: boolean;
  readonly partitions_count: number;
  /** Offsets held (latest - earliest per partition): records, plus transaction markers, less compacted ones. */
  readonly record_count: number;
  readonly size_bytes: number;
  readonly retention_ms: string | null;
  readonly retention_bytes: string | null;
  readonly cleanup_policy: string | null;
}

/** A REST v3 consumer group. */
export interface ConsumerGroupView {
  readonly cluster_id: string;
  readonly consumer_group_id: string;
  readonly is_simple: boolean;
  readonly partition_assignor: string;
  readonly state: string;
  /** CLASSIC or CONSUMER (KIP-848). */
  readonly type: string;
}

/** A REST v3 consumer (a group member). */
export interface ConsumerView {
  readonly cluster_id: string;
  readonly consumer_group_id: string;
  readonly consumer_id: string;
  readonly instance_id: string | null;
  readonly client_id: string;
  /** Eddy extension: the client host. */
  readonly host: string;
}

/** A REST v3 consumer assignment: one partition assigned to a member. */
export interface AssignmentView {
  readonly cluster_id: string;
  readonly consumer_group_id: string;
  readonly consumer_id: string;
  readonly topic_name: string;
  readonly partition_id: number;
}

/** A REST v3 consumer lag: one partition the group committed for or is assigned. */
export interface LagView {
  readonly cluster_id: string;
  readonly consumer_group_id: string;
  readonly topic_name: string;
  readonly partition_id: number;
  /** null when nothing is committed for an assigned partition. */
  readonly current_offset: number | null;
  readonly log_end_offset: number;
  readonly lag: number | null;
  readonly consumer_id: string;
  readonly instance_id: string | null;
  readonly client_id: string;
}

/** A REST v3 consumer group lag summary. */
export interface LagSummaryView {
  readonly cluster_id: string;
  readonly consumer_group_id: string;
  readonly max_lag_consumer_id: string;
  readonly max_lag_instance_id: string | null;
  readonly max_lag_client_id: string;
  readonly max_lag_topic_name: string;
  readonly max_lag_partition_id: number;
  readonly max_lag: number;
  readonly total_lag: number;
}

/** One topic's traffic during a live interval. */
export interface LiveTopicStats {
  readonly topic: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
}

export interface LiveGroupLag {
  readonly group: string;
  /** Sum over the group's committed partitions of high watermark minus committed offset. */
  readonly lag: number;
}

/** One event of GET /api/live (its `data`, as JSON). */
export interface LiveStatsEvent {
  /** Milliseconds since the epoch when the sample was taken. */
  readonly time: number;
  /** Milliseconds the topic figures cover (about one second; longer when the event loop was late). */
  readonly intervalMs: number;
  /** Every existing topic that has seen traffic since the broker started, by name. */
  readonly topics: readonly LiveTopicStats[];
  /** Every consumer group the broker knows, by name. */
  readonly groups: readonly LiveGroupLag[];
}
