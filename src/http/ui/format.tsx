// How the console shows numbers, times and payload bytes: small pure functions, so every page formats alike.
// Payloads arrive from the API as bytes (base64); the user picks text, pretty JSON or hex per record, and a large
// value is shown only up to a bound (the download link gives the whole).

/** Bytes shown of a payload: the API's default page bound too (max_payload_bytes), past which it gives a download link. */
export const PREVIEW_BYTES = 16 * 1024;

export type PayloadView = 'text' | 'json' | 'hex';

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatCount(n: number | null | undefined): string {
  return n == null || !Number.isFinite(n) ? '—' : n.toLocaleString('en-US');
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  if (ms < 0) return 'infinite';
  const seconds = Math.floor(ms / 1000);
  const parts: [number, string][] = [
    [Math.floor(seconds / 86400), 'd'],
    [Math.floor((seconds % 86400) / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  const shown = parts.filter(([value]) => value > 0).slice(0, 2);
  return shown.length === 0 ? `${ms} ms` : shown.map(([value, unit]) => `${value}${unit}`).join(' ');
}

/** An ISO-8601 time in UTC with milliseconds, as brokers and logs print them. */
export function formatTimestamp(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Classic hex dump: offset, 16 bytes in hex, the printable ones as ASCII. */
export function hexDump(bytes: Uint8Array, limit: number = PREVIEW_BYTES): string {
  const shown = bytes.subarray(0, limit);
  const lines: string[] = [];
  for (let at = 0; at < shown.length; at += 16) {
    const row = shown.subarray(at, at + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as UTF-8 text, or null when they are not valid UTF-8 or hold control characters a text never has. */
export function asText(bytes: Uint8Array): string | null {
  try {
    const text = utf8.decode(bytes);
    return /[\x00-\x08\x0e-\x1f]/.test(text) ? null : text;
  } catch {
    return null;
  }
}

/** The text re-indented when it parses as JSON (objects and arrays only: a bare number is shown as it is). */
export function asPrettyJson(text: string): string | null {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return null;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return null;
  }
}

/** The view a payload opens in: JSON when it is JSON, text when it is text, hex otherwise. */
export function defaultView(bytes: Uint8Array): PayloadView {
  if (bytes.length > PREVIEW_BYTES) return asText(bytes.subarray(0, PREVIEW_BYTES)) === null ? 'hex' : 'text';
  const text = asText(bytes);
  if (text === null) return 'hex';
  return asPrettyJson(text) === null ? 'text' : 'json';
}

export interface RenderedPayload {
  readonly body: string;
  /** True when only the first PREVIEW_BYTES bytes are shown. */
  readonly truncated: boolean;
  /** The view actually used: asking for JSON of a non-JSON value falls back to text, text of binary to hex. */
  readonly view: PayloadView;
}

export function renderPayload(bytes: Uint8Array, wanted: PayloadView): RenderedPayload {
  const truncated = bytes.length > PREVIEW_BYTES;
  const head = truncated ? bytes.subarray(0, PREVIEW_BYTES) : bytes;
  if (wanted !== 'hex') {
    const text = asText(head);
    if (text !== null) {
      const pretty = wanted === 'json' && !truncated ? asPrettyJson(text) : null;
      if (pretty !== null) return { body: pretty, truncated, view: 'json' };
      return { body: text, truncated, view: 'text' };
    }
  }
  return { body: hexDump(head), truncated, view: 'hex' };
}

/** Whether a record's text matches a filter: substring of key or value, case-insensitive. */
export function matchesFilter(filter: string, ...parts: (Uint8Array | null)[]): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return true;
  return parts.some((part) => part !== null && new TextDecoder().decode(part).toLowerCase().includes(needle));
}
