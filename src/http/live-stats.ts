// The console's live charts: once a second, how many bytes and records each topic took in and gave out during that
// second, and each consumer group's total lag. One sampler per HTTP server, shared by every listener; it runs only
// while someone listens, so an idle console costs nothing.
import type { Broker } from '../broker/broker';
import type { TopicTraffic } from '../metrics/broker-metrics';
import type { LiveStatsEvent, LiveTopicStats } from './console/console-view-types';
import { groupLagReport, totalLagByGroup } from './group-lag';

export const LIVE_INTERVAL_MS = 1000;

export type { LiveGroupLag, LiveStatsEvent, LiveTopicStats } from './console/console-view-types';

type Totals = Pick<TopicTraffic, 'bytesIn' | 'bytesOut' | 'recordsIn' | 'recordsOut'>;

export type LiveListener = (event: LiveStatsEvent) => void;

export class LiveStatsSampler {
  private readonly listeners = new Set<LiveListener>();
  private timer: NodeJS.Timeout | null = null;
  private previous = new Map<string, Totals>();
  private previousAt = 0;

  constructor(
    private readonly broker: Broker,
    private readonly intervalMs = LIVE_INTERVAL_MS,
  ) {}

  get listenerCount(): number {
    return this.listeners.size;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Adds a listener (starting the sampler if it was idle); the function returned removes it. */
  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    if (this.timer === null) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private start(): void {
    this.previous = this.totals();
    this.previousAt = Date.now();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private tick(): void {
    const event = this.sample();
    for (const listener of this.listeners) listener(event);
  }

  /** The differences since the previous sample, which this one replaces. */
  sample(): LiveStatsEvent {
    const now = Date.now();
    const current = this.totals();
    const topics: LiveTopicStats[] = [];
    for (const [topic, totals] of current) {
      const before = this.previous.get(topic);
      topics.push({
        topic,
        bytesIn: totals.bytesIn - (before?.bytesIn ?? 0),
        bytesOut: totals.bytesOut - (before?.bytesOut ?? 0),
        recordsIn: totals.recordsIn - (before?.recordsIn ?? 0),
        recordsOut: totals.recordsOut - (before?.recordsOut ?? 0),
      });
    }
    const groups = [...totalLagByGroup(groupLagReport(this.broker))].map(([group, lag]) => ({ group, lag }));
    const event: LiveStatsEvent = { time: now, intervalMs: now - this.previousAt, topics, groups };
    this.previous = current;
    this.previousAt = now;
    return event;
  }

  /** A copy of the counters of every topic that still exists. */
  private totals(): Map<string, Totals> {
    const totals = new Map<string, Totals>();
    for (const [topic, t] of this.broker.metrics.topics) {
      if (this.broker.logs.topic(topic) === undefined) continue;
      totals.set(topic, { bytesIn: t.bytesIn, bytesOut: t.bytesOut, recordsIn: t.recordsIn, recordsOut: t.recordsOut });
    }
    return totals;
  }
}
