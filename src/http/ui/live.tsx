// Live charts fed by the broker's server-push stream: bytes in and out per topic (overview) and lag per group
// (a group's page). Each sample appends one point; the charts keep a bounded window (charts.tsx).
import { useState } from 'preact/hooks';
import { LIVE_STREAM_PATH, type LiveSample } from './api';
import { appendPoint, LineChart, useEventStream, type Series } from './charts';
import { formatBytes, formatCount } from './format';

/** Series by name, each grown by this sample's value (null where the sample has none, so the lines stay aligned). */
export function grow(previous: ReadonlyMap<string, Series>, time: number, values: ReadonlyMap<string, number>): Map<string, Series> {
  const next = new Map<string, Series>();
  const names = new Set([...previous.keys(), ...values.keys()]);
  const template = previous.values().next().value;
  for (const name of names) {
    const before = previous.get(name) ?? { label: name, times: template?.times ?? [], values: (template?.times ?? []).map(() => null) };
    next.set(name, appendPoint(before, time, values.get(name) ?? null));
  }
  return next;
}

/** Collects one number per name from every sample of the live stream. */
function useLiveSeries(pick: (sample: LiveSample) => ReadonlyMap<string, number>): Series[] {
  const [series, setSeries] = useState<Map<string, Series>>(new Map());
  useEventStream<LiveSample>(LIVE_STREAM_PATH, (sample) => setSeries((previous) => grow(previous, sample.time / 1000, pick(sample))));
  return [...series.values()];
}

/** A count over the sample's interval as a rate per second. */
const perSecondOf = (count: number, sample: LiveSample): number => (sample.intervalMs > 0 ? (count * 1000) / sample.intervalMs : count);

const perSecond = (format: (n: number) => string) => (n: number) => `${format(n)}/s`;

export function TopicThroughputCharts({ width = 480 }: { width?: number }) {
  const bytesIn = useLiveSeries((s) => new Map(s.topics.map((t) => [t.topic, perSecondOf(t.bytesIn, s)])));
  const bytesOut = useLiveSeries((s) => new Map(s.topics.map((t) => [t.topic, perSecondOf(t.bytesOut, s)])));
  return (
    <div class="charts">
      <figure>
        <figcaption>Bytes in per topic</figcaption>
        {bytesIn.length === 0 ? <NoSamples /> : <LineChart title="Bytes in per topic" series={bytesIn} width={width} format={perSecond(formatBytes)} />}
      </figure>
      <figure>
        <figcaption>Bytes out per topic</figcaption>
        {bytesOut.length === 0 ? <NoSamples /> : <LineChart title="Bytes out per topic" series={bytesOut} width={width} format={perSecond(formatBytes)} />}
      </figure>
    </div>
  );
}

export function GroupLagChart({ groupId }: { groupId: string }) {
  const lag = useLiveSeries((s) => {
    const group = s.groups.find((g) => g.group === groupId);
    return new Map(group === undefined ? [] : [['total lag', group.lag]]);
  });
  return (
    <section aria-labelledby="live-lag-heading">
      <h2 id="live-lag-heading">Live lag</h2>
      {lag.length === 0 ? <NoSamples /> : <LineChart title={`Lag of group ${groupId}`} series={lag} format={formatCount} />}
    </section>
  );
}

function NoSamples() {
  return <p class="hint">Waiting for the broker's live samples…</p>;
}
