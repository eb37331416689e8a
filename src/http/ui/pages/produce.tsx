// Producing one record from the console: key, value, headers and partition (or the broker's choice), sent as
// text or as JSON, which the form checks before sending. Answers with the partition and offset written.
import { useState } from 'preact/hooks';
import { produceRecord, type ProduceRequest } from '../api';
import { ActionResult, useAction, SelectField } from '../hooks';

/** Headers typed one per line as `name: value`; a line without a colon is a header with an empty value. */
export function parseHeaderLines(text: string): { name: string; value: string }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(':');
      return colon < 0 ? { name: line, value: '' } : { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    });
}

export function ProduceForm({ topic, partitionIds, onProduced }: { topic: string; partitionIds: number[]; onProduced: () => void }) {
  const [partition, setPartition] = useState('');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [headers, setHeaders] = useState('');
  const [format, setFormat] = useState<ProduceRequest['format']>('STRING');
  const [nullKey, setNullKey] = useState(false);
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    action.run(async () => {
      if (format === 'JSON') {
        JSON.parse(value);
        if (!nullKey && key !== '') JSON.parse(key);
      }
      const result = await produceRecord(topic, {
        partition: partition === '' ? null : Number(partition),
        key: nullKey || (format === 'JSON' && key === '') ? null : key,
        value,
        format,
        headers: parseHeaderLines(headers),
      });
      onProduced();
      return `Produced to partition ${result.partition_id} at offset ${result.offset}.`;
    });
  };
  return (
    <section aria-labelledby="produce-heading" class="panel">
      <h2 id="produce-heading">Produce a record</h2>
      <form aria-label="Produce a record" onSubmit={submit}>
        <div class="inline">
          <SelectField label="Partition" value={partition} onChange={(v) => setPartition(v)}>
            <option value="">Any (the broker chooses)</option>
            {[...partitionIds]
              .sort((a, b) => a - b)
              .map((id) => (
                <option key={id} value={String(id)}>
                  {id}
                </option>
              ))}
          </SelectField>
          <SelectField label="Format" value={format} onChange={(v) => setFormat(v as ProduceRequest['format'])}>
            <option value="STRING">Text</option>
            <option value="JSON">JSON</option>
          </SelectField>
          <label>
            <input type="checkbox" checked={nullKey} onChange={(e) => setNullKey(e.currentTarget.checked)} /> Null key
          </label>
        </div>
        <label>
          Key <input name="key" disabled={nullKey} value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        </label>
        <label>
          Value <textarea name="value" rows={4} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        </label>
        <label>
          Headers (one <code>name: value</code> per line){' '}
          <textarea name="headers" rows={2} value={headers} onInput={(e) => setHeaders(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={action.busy}>
          Produce
        </button>
      </form>
      <ActionResult error={action.error} note={action.note} />
    </section>
  );
}
