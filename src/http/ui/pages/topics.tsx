// The topic list: every topic with its partitions, records, size, retention and cleanup policy, a name filter
// (a dev broker can hold a thousand test topics) and the form that creates one. One call fills it whatever the
// number of topics.
import { useMemo, useState } from 'preact/hooks';
import { createTopic, deleteTopic, listTopicStats, type TopicStats } from '../api';
import { href } from '../app';
import { formatBytes, formatCount, formatDuration } from '../format';
import { ActionResult, Loading, SelectField, useAction, useLoad, TableHead } from '../hooks';

async function loadRows(): Promise<TopicStats[]> {
  return (await listTopicStats()).sort((a, b) => a.topic_name.localeCompare(b.topic_name));
}

/** Rows per page of the list: a thousand topics are paged (and filtered) rather than drawn at once. */
export const TOPICS_PER_PAGE = 100;

export function TopicsPage() {
  const state = useLoad(loadRows, []);
  const [filter, setFilter] = useState('');
  const [showInternal, setShowInternal] = useState(false);
  const [pageIndex, setPageIndex] = useState(0);
  const visible = useMemo(
    () => (state.data ?? []).filter((t) => (showInternal || !t.is_internal) && t.topic_name.toLowerCase().includes(filter.trim().toLowerCase())),
    [state.data, filter, showInternal],
  );
  const pages = Math.max(1, Math.ceil(visible.length / TOPICS_PER_PAGE));
  const page = Math.min(pageIndex, pages - 1);
  const first = page * TOPICS_PER_PAGE;
  return (
    <>
      <CreateTopicForm onCreated={state.reload} />
      <section aria-labelledby="topic-list-heading">
        <h2 id="topic-list-heading">All topics</h2>
        <div class="toolbar">
          <label>
            Filter by name{' '}
            <input
              type="search"
              value={filter}
              onInput={(e) => {
                setFilter(e.currentTarget.value);
                setPageIndex(0);
              }}
            />
          </label>
          <label>
            <input type="checkbox" checked={showInternal} onChange={(e) => setShowInternal(e.currentTarget.checked)} /> Show internal topics
          </label>
          <button type="button" onClick={state.reload}>
            Refresh
          </button>
        </div>
        <Loading state={state}>
          {() => (
            <>
              <p role="status">
                {visible.length === 0 ? 'No topics' : `Topics ${first + 1}–${Math.min(first + TOPICS_PER_PAGE, visible.length)} of ${visible.length}`}
                {visible.length === state.data?.length ? '' : ` (${state.data?.length ?? 0} in all)`}
              </p>
              <TopicTable rows={visible.slice(first, first + TOPICS_PER_PAGE)} onDeleted={state.reload} />
              {pages > 1 && (
                <div class="toolbar">
                  <button type="button" disabled={page === 0} onClick={() => setPageIndex(page - 1)}>
                    Previous topics
                  </button>
                  <span>
                    Page {page + 1} of {pages}
                  </span>
                  <button type="button" disabled={page >= pages - 1} onClick={() => setPageIndex(page + 1)}>
                    Next topics
                  </button>
                </div>
              )}
            </>
          )}
        </Loading>
      </section>
    </>
  );
}

function TopicTable({ rows, onDeleted }: { rows: TopicStats[]; onDeleted: () => void }) {
  const action = useAction();
  const remove = (topic: string) => {
    if (!confirm(`Delete topic ${topic} and all its records?`)) return;
    action.run(async () => {
      await deleteTopic(topic);
      onDeleted();
      return `Topic ${topic} deleted.`;
    });
  };
  return (
    <>
      <ActionResult error={action.error} note={action.note} />
      <table aria-label="Topics">
        <TableHead columns={['Name', 'Partitions', 'Records', 'Size', 'Retention', 'Cleanup policy', 'Actions']} />
        <tbody>
          {rows.map((t) => (
            <tr key={t.topic_name}>
              <th scope="row">
                <a href={href('topics', t.topic_name)}>{t.topic_name}</a>
              </th>
              <td class="num">{t.partitions_count}</td>
              <td class="num">{formatCount(t.record_count)}</td>
              <td class="num">{formatBytes(t.size_bytes)}</td>
              <td>{t.retention_ms === null ? '—' : formatDuration(Number(t.retention_ms))}</td>
              <td>{t.cleanup_policy ?? '—'}</td>
              <td class="actions">
                <a href={href('topics', t.topic_name, 'messages')}>Messages</a>
                {!t.is_internal && (
                  <button type="button" class="danger" aria-label={`Delete topic ${t.topic_name}`} disabled={action.busy} onClick={() => remove(t.topic_name)}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function CreateTopicForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('1');
  const [cleanup, setCleanup] = useState('delete');
  const [retentionHours, setRetentionHours] = useState('');
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    const configs = [{ name: 'cleanup.policy', value: cleanup }];
    const hours = retentionHours.trim() === '' ? null : Number(retentionHours);
    if (hours !== null) configs.push({ name: 'retention.ms', value: hours < 0 ? '-1' : String(Math.round(hours * 3_600_000)) });
    action.run(async () => {
      await createTopic({ topic_name: name.trim(), partitions_count: Number(partitions), replication_factor: 1, configs });
      onCreated();
      setName('');
      return `Topic ${name.trim()} created.`;
    });
  };
  return (
    <details class="panel">
      <summary>Create a topic</summary>
      <form aria-label="Create a topic" onSubmit={submit}>
        <label>
          Topic name <input name="topic_name" required pattern="[a-zA-Z0-9._\-]+" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Partitions <input name="partitions_count" type="number" min="1" required value={partitions} onInput={(e) => setPartitions(e.currentTarget.value)} />
        </label>
        <SelectField label="Cleanup policy" value={cleanup} onChange={(v) => setCleanup(v)}>
          <option value="delete">delete</option>
          <option value="compact">compact</option>
          <option value="compact,delete">compact,delete</option>
        </SelectField>
        <label>
          Retention (hours, empty for the broker default){' '}
          <input name="retention_hours" type="number" min="-1" step="any" value={retentionHours} onInput={(e) => setRetentionHours(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={action.busy}>
          Create topic
        </button>
      </form>
      <ActionResult error={action.error} note={action.note} />
    </details>
  );
}
