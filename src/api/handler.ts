// The contract between the network front end and the per-API handlers. Each `src/api/NN-name.ts` file exports
// one handler built with `defineHandler`; the dispatch table (src/api/registry.ts) collects them, and
// ApiVersions advertises exactly what is registered. Handlers reach the broker only through `ctx.services`.
import type { MessageCodec } from '../../codecs/primitives/message-codec';
import type { Reader } from '../../codecs/primitives/reader';
import type { Writer } from '../../codecs/primitives/writer';
import type { Logger } from '../logger';
import type { BrokerServices } from './services';
import type { KafkaPrincipal } from '../security/principal';
import type { SecurityProtocol } from '../security/listener-security';

export interface RequestContext {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** "host:port" of the peer, for logs. */
  readonly clientAddress: string;
  /** Name of the listener the connection arrived on; Metadata answers with that listener's address. */
  readonly listenerName: string;
  /** The listener's security protocol (listener.security.protocol.map). */
  readonly securityProtocol: SecurityProtocol;
  /** The peer's IP address (what Kafka's ACLs call the host). */
  readonly clientHost: string;
  /** Who the connection authenticated as: the SASL user, the mapped certificate subject, or User:ANONYMOUS. */
  readonly principal: KafkaPrincipal;
  /** What the handler may use of the broker. */
  readonly services: BrokerServices;
  readonly logger: Logger;
  /**
   * Resolves when the connection closes or the broker stops. Long-lived: a callback attached to it stays referenced
   * until then, so per-request waits use `stopSignal`, whose listeners can be removed.
   */
  readonly closed: Promise<void>;
  /** Aborted when the connection closes or the broker stops; long-running handlers (fetch long-poll) stop then. */
  readonly stopSignal: AbortSignal;
  /**
   * Runs `release` once the socket no longer needs the response's bytes: written to the kernel, or never sent
   * (no response, handler failure, closed connection). Buffers a response references may be reused only then.
   */
  readonly afterResponse: (release: () => void) => void;
}

export interface ApiHandler {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
  decodeRequest(reader: Reader, version: number): unknown;
  /**
   * The response, or null when the request gets no response (Produce with acks=0); a promise of either when the
   * handler has to wait. Answering synchronously spares a promise per request. (`unknown` covers all three.)
   */
  handle(request: unknown, ctx: RequestContext): unknown;
  encodeResponse(response: unknown, writer: Writer, version: number): void;
}

/**
 * A handler's answer asking for the connection to be closed instead of answered: how Kafka tells a producer
 * with acks=0, which gets no response, that its write failed (the client reconnects and refreshes metadata).
 */
export const CLOSE_CONNECTION: unique symbol = Symbol('close the connection');

export interface HandlerSpec<Req, ResInit> {
  readonly request: MessageCodec<Req, unknown>;
  readonly response: MessageCodec<unknown, ResInit>;
  /** Defaults to the codec's range. */
  readonly minVersion?: number;
  readonly maxVersion?: number;
  handle(request: Req, ctx: RequestContext): ResInit | null | typeof CLOSE_CONNECTION | Promise<ResInit | null | typeof CLOSE_CONNECTION>;
}

export function defineHandler<Req, ResInit>(spec: HandlerSpec<Req, ResInit>): ApiHandler {
  return {
    apiKey: spec.request.apiKey,
    minVersion: spec.minVersion ?? spec.request.minVersion,
    maxVersion: spec.maxVersion ?? spec.request.maxVersion,
    decodeRequest: (reader, version) => spec.request.decode(reader, version),
    handle: (request, ctx) => spec.handle(request as Req, ctx),
    encodeResponse: (response, writer, version) => spec.response.encode(response as ResInit, writer, version),
  };
}
