// The shapes of a browsed record in the console API's answers, with no imports: the server builds them
// (record-views.ts) and the web UI (src/http/ui/api.tsx, compiled for the browser) reads them, from this one definition.

export interface PayloadView {
  readonly size: number;
  /** True when only the first bytes are shown (base64 and utf8 cover those). */
  readonly truncated: boolean;
  readonly base64: string;
  /** The shown bytes as text, or null when they are not valid UTF-8. */
  readonly utf8: string | null;
  /** Whether the whole payload parses as JSON (false for a truncated one, which is not checked). */
  readonly is_json: boolean;
}

export interface BatchView {
  readonly base_offset: number;
  readonly last_offset: number;
  readonly compression: string;
  readonly timestamp_type: string;
  readonly producer_id: number;
  readonly producer_epoch: number;
  readonly base_sequence: number;
  readonly transactional: boolean;
  readonly control: boolean;
  readonly size_bytes: number;
  readonly record_count: number;
}

export interface RecordView {
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: PayloadView | null;
  readonly value: PayloadView | null;
  /** Where the whole value can be downloaded when it was truncated. */
  readonly value_download: string | null;
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: PayloadView | null }>;
  /** A control record's type (COMMIT or ABORT for transaction markers); null for data records. */
  readonly control_type: string | null;
  readonly batch: BatchView;
}
