// The message browser: one partition or all, starting from the oldest record, the newest, an offset or a point in
// time, one bounded page at a time (a topic of millions of records is never loaded whole), with a key/value text
// filter applied by the broker within a bounded window. A record opens in full below its row; the form under the
// page produces a record.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { browseRecords, listPartitions, type BrowsedRecord, type BrowsePage, type Payload, type BrowseQuery, type StartFrom } from '../api';
import { href } from '../app';
import { asText, formatTimestamp } from '../format';
import { ErrorNote, errorMessage, useLoad, SelectField } from '../hooks';
import { ProduceForm } from './produce';
import { bytesOf, RecordView } from './record-view';

export const PAGE_SIZES = [20, 50, 100, 500] as const;

/** The first query, from the URL (?partition=2&offset=100, ?timestamp=..., ?from=oldest); the newest records by default. */
export function initialQuery(params: URLSearchParams): BrowseQuery {
  const partition = params.get('partition');
  const offset = params.get('offset');
  const timestamp = params.get('timestamp');
  const from: StartFrom = offset !== null ? 'offset' : timestamp !== null ? 'timestamp' : params.get('from') === 'oldest' ? 'oldest' : 'newest';
  return {
    partition: partition === null ? null : Number(partition),
    from,
    offset: offset === null ? undefined : Number(offset),
    timestamp: timestamp === null ? undefined : Number(timestamp),
    limit: 50,
  };
}

/** The query for a neighbouring page: the broker's cursor says where each partition continues. */
export function pageQuery(query: BrowseQuery, cursor: string | null): BrowseQuery | null {
  return cursor === null ? null : { ...query, cursor };
}

/** A short one-line preview of a payload for the table. */
function preview(payload: Payload | null): string {
  if (payload === null) return 'null';
  const text = payload.utf8 ?? asText(bytesOf(payload)?.subarray(0, 200) ?? new Uint8Array());
  if (text === null) return `(binary, ${payload.size} bytes)`;
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/** A datetime-local input's value as epoch milliseconds, in the browser's time zone. */
function localTimeToMs(value: string): number | undefined {
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

export function MessagesPage({ topic, query: params }: { topic: string; query: URLSearchParams }) {
  const partitions = useLoad(() => listPartitions(topic), [topic]);
  const [query, setQuery] = useState<BrowseQuery>(() => initialQuery(params));
  const [result, setResult] = useState<{ page?: BrowsePage; error?: string; loading: boolean }>({ loading: true });
  const [openRecord, setOpenRecord] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    setResult((r) => ({ ...r, loading: true }));
    browseRecords(topic, query).then(
      (page) => current && setResult({ page, loading: false }),
      (err: unknown) => current && setResult({ error: errorMessage(err), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [topic, query]);

  const records = result.page?.records ?? [];
  const next = pageQuery(query, result.page?.next_cursor ?? null);
  const previous = pageQuery(query, result.page?.prev_cursor ?? null);
  return (
    <>
      <p class="toolbar">
        <a href={href('topics', topic)}>Topic details</a>
      </p>
      <BrowseForm partitionIds={(partitions.data ?? []).map((p) => p.partition_id).sort((a, b) => a - b)} query={query} onQuery={setQuery} />
      <section aria-labelledby="records-heading" aria-busy={result.loading}>
        <h2 id="records-heading">Records</h2>
        <ErrorNote error={result.error} />
        <p role="status">
          {result.loading ? 'Loading…' : `${records.length} records`}
          {result.page !== undefined && query.filter !== undefined ? ` (${result.page.scanned} looked at)` : ''}
        </p>
        <RecordTable records={records} open={openRecord} onToggle={(id) => setOpenRecord(openRecord === id ? null : id)} />
        <div class="toolbar">
          <button type="button" disabled={previous === null} onClick={() => previous && setQuery(previous)}>
            Previous page
          </button>
          <button type="button" disabled={next === null} onClick={() => next && setQuery(next)}>
            Next page
          </button>
        </div>
      </section>
      <ProduceForm
        topic={topic}
        partitionIds={(partitions.data ?? []).map((p) => p.partition_id)}
        onProduced={() => setQuery({ ...query, cursor: undefined })}
      />
    </>
  );
}

function BrowseForm({ partitionIds, query, onQuery }: { partitionIds: number[]; query: BrowseQuery; onQuery: (q: BrowseQuery) => void }) {
  const [partition, setPartition] = useState(query.partition === null ? '' : String(query.partition));
  const [from, setFrom] = useState<StartFrom>(query.from);
  const [offset, setOffset] = useState(query.offset === undefined ? '' : String(query.offset));
  const [time, setTime] = useState('');
  const [limit, setLimit] = useState(String(query.limit));
  const [filter, setFilter] = useState(query.filter ?? '');
  const submit = (event: Event) => {
    event.preventDefault();
    onQuery({
      cursor: undefined,
      partition: partition === '' ? null : Number(partition),
      from,
      offset: from === 'offset' ? Number(offset) : undefined,
      timestamp: from === 'timestamp' ? localTimeToMs(time) : undefined,
      limit: Number(limit),
      filter: filter.trim() === '' ? undefined : filter,
    });
  };
  return (
    <form aria-label="Browse records" class="inline browse" onSubmit={submit}>
      <SelectField label="Partition" value={partition} onChange={(v) => setPartition(v)}>
        <option value="">All partitions</option>
        {partitionIds.map((id) => (
          <option key={id} value={String(id)}>
            {id}
          </option>
        ))}
      </SelectField>
      <SelectField label="Start from" value={from} onChange={(v) => setFrom(v as StartFrom)}>
        <option value="oldest">Oldest</option>
        <option value="newest">Newest</option>
        <option value="offset">Offset</option>
        <option value="timestamp">Timestamp</option>
      </SelectField>
      {from === 'offset' && (
        <label>
          Offset <input type="number" min="0" required value={offset} onInput={(e) => setOffset(e.currentTarget.value)} />
        </label>
      )}
      {from === 'timestamp' && (
        <label>
          Time <input type="datetime-local" step="0.001" required value={time} onInput={(e) => setTime(e.currentTarget.value)} />
        </label>
      )}
      <SelectField label="Records per page" value={limit} onChange={(v) => setLimit(v)}>
        {PAGE_SIZES.map((n) => (
          <option key={n} value={String(n)}>
            {n}
          </option>
        ))}
      </SelectField>
      <label>
        Key or value contains <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      </label>
      <button type="submit">Show records</button>
    </form>
  );
}

function RecordTable({ records, open, onToggle }: { records: BrowsedRecord[]; open: string | null; onToggle: (id: string) => void }) {
  return (
    <table aria-label="Records" class="records">
      <thead>
        <tr>
          <th scope="col">Partition</th>
          <th scope="col">Offset</th>
          <th scope="col">Timestamp</th>
          <th scope="col">Key</th>
          <th scope="col">Value</th>
          <th scope="col">Headers</th>
          <th scope="col">
            <span class="visually-hidden">Details</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {records.map((r) => {
          const id = `${r.partition}:${r.offset}`;
          return <RecordRows key={id} record={r} isOpen={open === id} onToggle={() => onToggle(id)} />;
        })}
      </tbody>
    </table>
  );
}

function RecordRows({ record, isOpen, onToggle }: { record: BrowsedRecord; isOpen: boolean; onToggle: () => void }) {
  const keyPreview = useMemo(() => preview(record.key), [record.key]);
  const valuePreview = useMemo(() => preview(record.value), [record.value]);
  return (
    <>
      <tr class={record.batch.control ? 'control' : undefined}>
        <td class="num">{record.partition}</td>
        <td class="num">{record.offset}</td>
        <td>{formatTimestamp(record.timestamp)}</td>
        <td class="preview">{keyPreview}</td>
        <td class="preview">{valuePreview}</td>
        <td class="num">{record.headers.length}</td>
        <td>
          <button type="button" aria-expanded={isOpen} aria-label={`Details of offset ${record.offset} in partition ${record.partition}`} onClick={onToggle}>
            {isOpen ? 'Hide' : 'Details'}
          </button>
        </td>
      </tr>
      {isOpen && (
        <tr class="details">
          <td colSpan={7}>
            <RecordView record={record} />
          </td>
        </tr>
      )}
    </>
  );
}
