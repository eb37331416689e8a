// What every workload gets: the mode, the drivers, the running targets and somewhere to report progress.
import type { LineChild } from './line-child';
import type { Target, TargetName } from './targets';

export interface BenchContext {
  readonly quick: boolean;
  /** Runs per figure; the tables show the median. */
  readonly runs: number;
  readonly workDir: string;
  /** librdkafka drivers: the main one, and a second one for a consumer running beside a producer. */
  readonly rdkafka: LineChild;
  readonly rdkafkaSide: LineChild;
  readonly kafkajs: LineChild;
  /** The targets this run measures, Eddy first (`--targets`; Kafka only when it is installed). */
  readonly targetNames: readonly TargetName[];
  readonly targets: ReadonlyMap<TargetName, Target>;
  /**
   * `--rows`: the throughput and tail sections run only the rows whose name contains this text (a produce row brings
   * its consume row along); null runs every row.
   */
  readonly rows: string | null;
  /** Whether Eddy serves consumer groups (kafkajs consumers need them). */
  eddyHasGroups: boolean;
  progress(message: string): void;
}
