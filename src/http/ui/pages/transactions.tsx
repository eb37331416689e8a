// Transactions and producers: every transactional id the coordinator knows with its state and the partitions of
// an open transaction, and the idempotent producers each partition remembers (what a stuck read_committed
// consumer, or a fenced producer, needs looked at).
import { listProducers, listTransactions } from '../api';
import { href } from '../app';
import { formatDuration, formatTimestamp } from '../format';
import { Loading, useLoad, TableHead } from '../hooks';

const REFRESH_MS = 5000;

export function TransactionsPage() {
  const transactions = useLoad(listTransactions, [], REFRESH_MS);
  const producers = useLoad(listProducers, [], REFRESH_MS);
  return (
    <>
      <section aria-labelledby="transactions-heading">
        <h2 id="transactions-heading">Transactions</h2>
        <Loading state={transactions}>
          {(rows) =>
            rows.length === 0 ? (
              <p>No transactional producers yet.</p>
            ) : (
              <table aria-label="Transactions">
                <TableHead columns={['Transactional id', 'State', 'Producer id', 'Epoch', 'Timeout', 'Started', 'Partitions']} />
                <tbody>
                  {[...rows]
                    .sort((a, b) => a.transactional_id.localeCompare(b.transactional_id))
                    .map((t) => (
                      <tr key={t.transactional_id}>
                        <th scope="row">{t.transactional_id}</th>
                        <td>{t.state}</td>
                        <td class="num">{t.producer_id}</td>
                        <td class="num">{t.producer_epoch}</td>
                        <td>{formatDuration(t.timeout_ms)}</td>
                        <td>{t.start_timestamp < 0 ? '—' : formatTimestamp(t.start_timestamp)}</td>
                        <td>{t.partitions.flatMap((p) => p.partitions.map((n) => `${p.topic_name}-${n}`)).join(', ') || '—'}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            )
          }
        </Loading>
      </section>
      <section aria-labelledby="producers-heading">
        <h2 id="producers-heading">Producers per partition</h2>
        <Loading state={producers}>
          {(rows) =>
            rows.length === 0 ? (
              <p>No idempotent or transactional producer has written yet.</p>
            ) : (
              <table aria-label="Producers">
                <TableHead columns={['Topic', 'Partition', 'Producer id', 'Epoch', 'Last sequence', 'Last write', 'Open transaction from offset']} />
                <tbody>
                  {rows.map((p) => (
                    <tr key={`${p.topic_name}-${p.partition_id}-${p.producer_id}`}>
                      <td>
                        <a href={href('topics', p.topic_name)}>{p.topic_name}</a>
                      </td>
                      <td class="num">{p.partition_id}</td>
                      <td class="num">{p.producer_id}</td>
                      <td class="num">{p.producer_epoch}</td>
                      <td class="num">{p.last_sequence}</td>
                      <td>{formatTimestamp(p.last_timestamp)}</td>
                      <td class="num">{p.current_txn_start_offset < 0 ? '—' : p.current_txn_start_offset}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Loading>
      </section>
    </>
  );
}
