// One consumer group: its state and protocol, members with their assignments, committed offset and lag per
// partition with the total, a live lag chart, and the two changes Kafka allows on a group: resetting its offsets
// and deleting it, both only while the group is empty (the broker enforces it; the form says so up front).
import { useState } from 'preact/hooks';
import { deleteGroup, getGroup, groupLags, listConsumers, resetGroupOffsets, type Lag, type ResetStrategy } from '../api';
import { href } from '../app';
import { GroupLagChart } from '../live';
import { formatCount } from '../format';
import { ActionResult, Facts, Loading, useAction, useLoad, SelectField, TableHead } from '../hooks';

const REFRESH_MS = 5000;

/** Kafka lets a group's offsets be reset, and the group be deleted, only when no member is in it. */
export function isInactive(state: string): boolean {
  return state === 'Empty' || state === 'Dead' || state === 'EMPTY' || state === 'DEAD';
}

async function loadGroup(groupId: string) {
  const [group, consumers, lags] = await Promise.all([getGroup(groupId), listConsumers(groupId), groupLags(groupId)]);
  lags.sort((a, b) => a.topic_name.localeCompare(b.topic_name) || a.partition_id - b.partition_id);
  return { group, consumers, lags };
}

export function GroupDetailPage({ groupId }: { groupId: string }) {
  const state = useLoad(() => loadGroup(groupId), [groupId], REFRESH_MS);
  return (
    <Loading state={state}>
      {({ group, consumers, lags }) => (
        <>
          <Facts
            items={[
              ['State', <span class={`state state-${group.state.toLowerCase()}`}>{group.state}</span>],
              ['Protocol', group.partition_assignor || '—'],
              ['Members', consumers.length],
              ['Total lag', <span data-testid="total-lag">{formatCount(lags.reduce((sum, l) => sum + Math.max(0, l.lag ?? 0), 0))}</span>],
            ]}
          />
          <section aria-labelledby="members-heading">
            <h2 id="members-heading">Members</h2>
            {consumers.length === 0 ? (
              <p>No members: the group is empty.</p>
            ) : (
              <table aria-label="Members">
                <TableHead columns={['Member', 'Client id', 'Instance id', 'Assignment']} />
                <tbody>
                  {consumers.map((c) => (
                    <tr key={c.consumer_id}>
                      <th scope="row">{c.consumer_id}</th>
                      <td>{c.client_id}</td>
                      <td>{c.instance_id ?? '—'}</td>
                      <td>{c.assignments.map((a) => `${a.topic_name}-${a.partition_id}`).join(', ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <LagTable lags={lags} />
          <GroupLagChart groupId={groupId} />
          <ResetForm groupId={groupId} lags={lags} inactive={isInactive(group.state)} onDone={state.reload} />
          <DeleteGroup groupId={groupId} inactive={isInactive(group.state)} />
        </>
      )}
    </Loading>
  );
}

function LagTable({ lags }: { lags: Lag[] }) {
  return (
    <section aria-labelledby="lag-heading">
      <h2 id="lag-heading">Offsets and lag</h2>
      <table aria-label="Lag per partition">
        <TableHead columns={['Topic', 'Partition', 'Committed offset', 'Log end offset', 'Lag', 'Consumer']} />
        <tbody>
          {lags.map((l) => (
            <tr key={`${l.topic_name}-${l.partition_id}`}>
              <td>
                <a href={href('topics', l.topic_name)}>{l.topic_name}</a>
              </td>
              <td class="num">{l.partition_id}</td>
              <td class="num">{formatCount(l.current_offset)}</td>
              <td class="num">{formatCount(l.log_end_offset)}</td>
              <td class="num">{formatCount(l.lag)}</td>
              <td>{l.consumer_id || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ResetForm({ groupId, lags, inactive, onDone }: { groupId: string; lags: Lag[]; inactive: boolean; onDone: () => void }) {
  const topics = [...new Set(lags.map((l) => l.topic_name))];
  const [topic, setTopic] = useState(topics[0] ?? '');
  const [partition, setPartition] = useState('');
  const [strategy, setStrategy] = useState<ResetStrategy>('earliest');
  const [value, setValue] = useState('');
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    action.run(async () => {
      const target = strategy === 'timestamp' ? { timestamp: Date.parse(value) } : strategy === 'offset' ? { offset: Number(value) } : {};
      const answer = await resetGroupOffsets(groupId, { topic, partition: partition === '' ? null : Number(partition), strategy, ...target });
      onDone();
      return `Offsets reset: ${answer.offsets.map((o) => `${o.topic_name}-${o.partition_id} ${o.previous_offset ?? 'none'} → ${o.offset}`).join(', ')}.`;
    });
  };
  return (
    <section aria-labelledby="reset-heading">
      <h2 id="reset-heading">Reset offsets</h2>
      {!inactive && <p class="hint">Kafka resets a group's offsets only while it has no members: stop its consumers first.</p>}
      <form aria-label="Reset offsets" class="inline" onSubmit={submit}>
        <label>
          Topic <input required list="group-topics" value={topic} onInput={(e) => setTopic(e.currentTarget.value)} />
        </label>
        <datalist id="group-topics">
          {topics.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <label>
          Partition (empty for all) <input type="number" min="0" value={partition} onInput={(e) => setPartition(e.currentTarget.value)} />
        </label>
        <SelectField label="Reset to" value={strategy} onChange={(v) => setStrategy(v as ResetStrategy)}>
          <option value="earliest">earliest</option>
          <option value="latest">latest</option>
          <option value="timestamp">timestamp</option>
          <option value="offset">offset</option>
        </SelectField>
        {strategy === 'timestamp' && (
          <label>
            Time <input type="datetime-local" step="0.001" required value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          </label>
        )}
        {strategy === 'offset' && (
          <label>
            Offset <input type="number" min="0" required value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          </label>
        )}
        <button type="submit" disabled={action.busy}>
          Reset offsets
        </button>
      </form>
      <ActionResult error={action.error} note={action.note} />
    </section>
  );
}

function DeleteGroup({ groupId, inactive }: { groupId: string; inactive: boolean }) {
  const action = useAction();
  const remove = () => {
    if (!confirm(`Delete consumer group ${groupId} and its committed offsets?`)) return;
    action.run(async () => {
      await deleteGroup(groupId);
      location.hash = href('groups');
    });
  };
  return (
    <section aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete the group</h2>
      {!inactive && <p class="hint">Kafka deletes only an empty group.</p>}
      <button type="button" class="danger" disabled={action.busy} onClick={remove}>
        Delete group
      </button>
      <ActionResult error={action.error} note={action.note} />
    </section>
  );
}
