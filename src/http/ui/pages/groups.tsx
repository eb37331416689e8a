// The consumer groups: state, assignor and total lag of each, the answer to "is my consumer keeping up?" at a
// glance; a group's page has the members, per-partition lag and the reset and delete actions.
import { groupLagSummary, listGroups } from '../api';
import { href } from '../app';
import { formatCount } from '../format';
import { Loading, useLoad, TableHead } from '../hooks';

async function loadGroups() {
  const groups = await listGroups();
  const lags = await Promise.all(groups.map((g) => groupLagSummary(g.consumer_group_id).catch(() => null)));
  return groups
    .map((group, i) => ({ group, totalLag: lags[i]?.total_lag ?? null }))
    .sort((a, b) => a.group.consumer_group_id.localeCompare(b.group.consumer_group_id));
}

/** Groups refresh by themselves: a consumer joining or catching up shows without a click. */
const REFRESH_MS = 5000;

export function GroupsPage() {
  const state = useLoad(loadGroups, [], REFRESH_MS);
  return (
    <Loading state={state}>
      {(rows) =>
        rows.length === 0 ? (
          <p>No consumer groups yet: a consumer with a group id, or a committed offset, creates one.</p>
        ) : (
          <table aria-label="Consumer groups">
            <TableHead columns={['Group', 'State', 'Assignor', 'Total lag']} />
            <tbody>
              {rows.map(({ group, totalLag }) => (
                <tr key={group.consumer_group_id}>
                  <th scope="row">
                    <a href={href('groups', group.consumer_group_id)}>{group.consumer_group_id}</a>
                  </th>
                  <td>
                    <span class={`state state-${group.state.toLowerCase()}`}>{group.state}</span>
                  </td>
                  <td>{group.partition_assignor || (group.is_simple ? 'simple (no members)' : '—')}</td>
                  <td class="num">{formatCount(totalLag)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </Loading>
  );
}
