// One browsed record in full: key, value and headers, each shown as text, pretty JSON or hex (the first bytes
// of a large or binary value, with a link to download the whole), and the batch it came in (compression,
// producer id and epoch, transactional or control).
import { useMemo, useState } from 'preact/hooks';
import type { BrowsedRecord, Payload as PayloadData } from '../api';
import { base64ToBytes, defaultView, formatBytes, formatTimestamp, renderPayload, type PayloadView } from '../format';
import { Facts } from '../hooks';

const VIEWS: readonly PayloadView[] = ['text', 'json', 'hex'];

export function bytesOf(payload: PayloadData | null): Uint8Array | null {
  return payload === null ? null : base64ToBytes(payload.base64);
}

/** A payload with its own text/JSON/hex switch, opening in the view that fits the bytes. */
export function Payload({ label, payload, downloadUrl }: { label: string; payload: PayloadData | null; downloadUrl?: string | null }) {
  const bytes = useMemo(() => bytesOf(payload), [payload]);
  const size = payload?.size ?? 0;
  const truncated = payload?.truncated === true;
  const [wanted, setWanted] = useState<PayloadView | null>(null);
  const rendered = useMemo(() => (bytes === null ? null : renderPayload(bytes, wanted ?? defaultView(bytes))), [bytes, wanted]);
  const name = label.toLowerCase();
  return (
    <section class="payload" aria-label={label}>
      <header>
        <h3>{label}</h3>
        <span class="hint">{bytes === null ? 'null' : formatBytes(size)}</span>
        {bytes !== null && (
          <div role="radiogroup" aria-label={`Show ${name} as`} class="views">
            {VIEWS.map((view) => (
              <label key={view}>
                <input type="radio" name={`${name}-view`} value={view} checked={rendered?.view === view} onChange={() => setWanted(view)} />
                {view === 'json' ? 'JSON' : view === 'hex' ? 'Hex' : 'Text'}
              </label>
            ))}
          </div>
        )}
      </header>
      {rendered !== null && (
        <pre class={`payload-body payload-${rendered.view}`} data-view={rendered.view}>
          {rendered.body}
        </pre>
      )}
      {(rendered?.truncated === true || truncated) && (
        <p class="hint">
          Truncated: the first bytes of {formatBytes(size)} are shown.{' '}
          {downloadUrl != null && (
            <a href={downloadUrl} download>
              Download the whole {name}
            </a>
          )}
        </p>
      )}
    </section>
  );
}

export function RecordView({ record }: { record: BrowsedRecord }) {
  const batch = record.batch;
  return (
    <div class="record-view">
      <Payload label="Key" payload={record.key} />
      <Payload label="Value" payload={record.value} downloadUrl={record.value_download} />
      <section aria-label="Headers">
        <h3>Headers</h3>
        {record.headers.length === 0 ? (
          <p class="hint">No headers.</p>
        ) : (
          <table aria-label="Headers">
            <tbody>
              {record.headers.map((h, i) => (
                <HeaderRow key={i} name={h.name} value={h.value} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-label="Batch">
        <h3>Batch</h3>
        <Facts
          items={[
            ['Timestamp', `${formatTimestamp(record.timestamp)} (${batch.timestamp_type})`],
            ['Offsets', `${batch.base_offset}–${batch.last_offset} (${batch.record_count} records, ${formatBytes(batch.size_bytes)})`],
            ['Compression', batch.compression],
            ['Producer id', batch.producer_id],
            ['Producer epoch', batch.producer_epoch],
            ['Base sequence', batch.base_sequence],
            ['Transactional', batch.transactional ? 'yes' : 'no'],
            ['Control batch', batch.control ? `yes (${record.control_type ?? 'unknown'} marker)` : 'no'],
          ]}
        />
      </section>
    </div>
  );
}

function HeaderRow({ name, value }: { name: string; value: PayloadData | null }) {
  const bytes = useMemo(() => bytesOf(value), [value]);
  const shown = bytes === null ? 'null' : renderPayload(bytes, 'text').body;
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>
        <code>{shown}</code>
      </td>
    </tr>
  );
}
