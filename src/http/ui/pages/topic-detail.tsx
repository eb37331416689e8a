// One topic: its partitions with their offsets and record counts, and its configs, each editable (set a
// value, or reset it to the broker's default) through the API's atomic alter call.
import { useState } from 'preact/hooks';
import { alterTopicConfigs, listPartitions, topicConfigs, type ConfigEntry } from '../api';
import { href } from '../app';
import { formatCount } from '../format';
import { ActionResult, Loading, useAction, useLoad, TableHead } from '../hooks';

export function TopicDetailPage({ topic }: { topic: string }) {
  return (
    <>
      <p class="toolbar">
        <a href={href('topics', topic, 'messages')}>Browse and produce messages</a>
        <a href={href('topics')}>All topics</a>
      </p>
      <PartitionsSection topic={topic} />
      <ConfigsSection topic={topic} />
    </>
  );
}

function PartitionsSection({ topic }: { topic: string }) {
  const state = useLoad(async () => (await listPartitions(topic)).sort((a, b) => a.partition_id - b.partition_id), [topic]);
  return (
    <section aria-labelledby="partitions-heading">
      <h2 id="partitions-heading">Partitions</h2>
      <Loading state={state}>
        {(rows) => (
          <table aria-label="Partitions">
            <TableHead columns={['Partition', 'Earliest offset', 'Latest offset', 'Records']} />
            <tbody>
              {rows.map((p) => (
                <tr key={p.partition_id}>
                  <th scope="row">
                    <a href={`${href('topics', topic, 'messages')}?partition=${p.partition_id}`}>{p.partition_id}</a>
                  </th>
                  <td class="num">{formatCount(p.earliest_offset)}</td>
                  <td class="num">{formatCount(p.latest_offset)}</td>
                  <td class="num">
                    {formatCount(p.latest_offset === undefined || p.earliest_offset === undefined ? undefined : p.latest_offset - p.earliest_offset)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
    </section>
  );
}

function ConfigsSection({ topic }: { topic: string }) {
  const state = useLoad(() => topicConfigs(topic), [topic]);
  const [showDefaults, setShowDefaults] = useState(false);
  return (
    <section aria-labelledby="configs-heading">
      <h2 id="configs-heading">Configs</h2>
      <label>
        <input type="checkbox" checked={showDefaults} onChange={(e) => setShowDefaults(e.currentTarget.checked)} /> Show defaults
      </label>
      <Loading state={state}>
        {(configs) => (
          <table aria-label="Configs">
            <TableHead columns={['Name', 'Value', 'Source', 'Actions']} />
            <tbody>
              {configs
                .filter((c) => showDefaults || !c.is_default)
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((c) => (
                  <ConfigRow key={c.name} topic={topic} entry={c} onChanged={state.reload} />
                ))}
            </tbody>
          </table>
        )}
      </Loading>
      <AddConfigForm topic={topic} onChanged={state.reload} />
    </section>
  );
}

function ConfigRow({ topic, entry, onChanged }: { topic: string; entry: ConfigEntry; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(entry.value ?? '');
  const action = useAction();
  const apply = (newValue: string | null) =>
    action.run(async () => {
      await alterTopicConfigs(topic, [{ name: entry.name, value: newValue }]);
      setEditing(false);
      onChanged();
    });
  return (
    <tr>
      <th scope="row">{entry.name}</th>
      <td>
        {editing ? (
          <form
            class="inline"
            onSubmit={(e) => {
              e.preventDefault();
              apply(value);
            }}
          >
            <label class="visually-hidden" for={`config-${entry.name}`}>
              New value of {entry.name}
            </label>
            <input id={`config-${entry.name}`} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
            <button type="submit" disabled={action.busy}>
              Save
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <code>{entry.is_sensitive ? '(hidden)' : (entry.value ?? 'null')}</code>
        )}
        <ActionResult error={action.error} note={action.note} />
      </td>
      <td>{entry.source}</td>
      <td class="actions">
        {!entry.is_read_only && !editing && (
          <button type="button" aria-label={`Edit ${entry.name}`} onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        {!entry.is_read_only && !entry.is_default && (
          <button type="button" aria-label={`Reset ${entry.name} to default`} disabled={action.busy} onClick={() => apply(null)}>
            Reset
          </button>
        )}
      </td>
    </tr>
  );
}

function AddConfigForm({ topic, onChanged }: { topic: string; onChanged: () => void }) {
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const action = useAction();
  return (
    <form
      aria-label="Set a config"
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        action.run(async () => {
          await alterTopicConfigs(topic, [{ name: name.trim(), value }]);
          onChanged();
          return `${name.trim()} set to ${value}.`;
        });
      }}
    >
      <label>
        Config name <input required value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="retention.ms" />
      </label>
      <label>
        Value <input required value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={action.busy}>
        Set config
      </button>
      <ActionResult error={action.error} note={action.note} />
    </form>
  );
}
