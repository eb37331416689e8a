// The shape every generated message codec has, so dispatch code can treat them uniformly.

import type { Reader } from './reader';
import type { Writer } from './writer';

export type MessageKind = 'request' | 'response' | 'header' | 'data' | 'coordinator-key' | 'coordinator-value';

export interface MessageCodec<T, Init = T> {
  readonly name: string;
  /** API key for requests/responses, record type for coordinator records, -1 for headers and data. */
  readonly apiKey: number;
  readonly kind: MessageKind;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Lowest flexible version, or null when no version is flexible. */
  readonly flexibleMinVersion: number | null;
  decode(reader: Reader, version: number): T;
  encode(value: Init, writer: Writer, version: number): void;
}

/** Raised when a value cannot be represented in the requested version (Kafka's UnsupportedVersionException). */
export class UnsupportedVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedVersionError';
  }
}

/** One API as the broker dispatches it: the version range it accepts and the codecs for both directions. */
export interface ApiSpec {
  readonly apiKey: number;
  /** API name without the Request/Response suffix, e.g. 'Produce'. */
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly flexibleMinVersion: number | null;
  /** The highest version is still under development; advertise maxVersion - 1 unless explicitly enabled. */
  readonly latestVersionUnstable: boolean;
  /** Where Kafka serves the API in KRaft mode: 'broker' and/or 'controller'. */
  readonly listeners: readonly string[];
  /** Untyped views; use the per-message codecs (e.g. ProduceRequestCodec) for typed access. */
  readonly request: MessageCodec<unknown, never>;
  readonly response: MessageCodec<unknown, never>;
}
