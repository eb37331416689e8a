// The broker at a glance: who it is (ids, version, listeners), how long it has run, how much it stores, and its
// traffic as it happens.
import { getOverview } from '../api';
import { formatBytes, formatCount, formatDuration } from '../format';
import { Facts, Loading, useLoad } from '../hooks';
import { TopicThroughputCharts } from '../live';

const REFRESH_MS = 5000;

export function OverviewPage() {
  const state = useLoad(getOverview, [], REFRESH_MS);
  return (
    <>
      <Loading state={state}>
        {(o) => (
          <Facts
            items={[
              ['Broker id', o.broker_id],
              ['Cluster id', <code>{o.cluster_id}</code>],
              ['Version', o.version],
              [
                'Listeners',
                <ul class="plain">
                  {o.listeners.map((l) => (
                    <li key={l}>
                      <code>{l}</code>
                    </li>
                  ))}
                </ul>,
              ],
              ['Uptime', formatDuration(o.uptime_ms)],
              ['Data directory', <code>{o.data_dir}</code>],
              ['Data size', formatBytes(o.data_dir_size_bytes)],
              ['Topics', `${formatCount(o.topic_count - o.internal_topic_count)} (+${o.internal_topic_count} internal)`],
              ['Partitions', formatCount(o.partition_count)],
            ]}
          />
        )}
      </Loading>
      <section aria-labelledby="throughput-heading">
        <h2 id="throughput-heading">Throughput</h2>
        <TopicThroughputCharts />
      </section>
    </>
  );
}
