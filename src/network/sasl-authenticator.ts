// The SASL exchange of one connection on a SASL_PLAINTEXT or SASL_SSL listener, before any request reaches a
// handler; Kafka's SaslServerAuthenticator, state for state. Until authentication completes only ApiVersions (once,
// first) and SaslHandshake are served; SaslHandshake v1 leads to SaslAuthenticate requests, v0 to raw size-prefixed
// tokens. A wrong password is answered SASL_AUTHENTICATION_FAILED and the connection closes; any other request
// closes it with a log line, answered first with its error response (ILLEGAL_SASL_STATE) when it comes after a
// SaslHandshake v1, where Kafka expects SaslAuthenticate requests. Once authenticated, requests go to the handlers until the session expires
// (connections.max.reauth.ms, a token's expiry): a client that said it can (SaslAuthenticate v1+) re-authenticates
// with a new SaslHandshake, keeping its mechanism and principal (KIP-368); any request after expiry closes.
import { Reader } from '../../codecs/primitives/reader';
import { Writer } from '../../codecs/primitives/writer';
import type { ApiSpec } from '../../codecs/primitives/message-codec';
import { decodeRequestHeader, encodeResponseHeader, type RequestHeader } from '../../codecs/protocol/headers';
import { ErrorCode } from '../../codecs/protocol/errors';
import { SaslHandshakeRequestCodec } from '../../codecs/generated/SaslHandshakeRequest';
import { SaslHandshakeResponseCodec } from '../../codecs/generated/SaslHandshakeResponse';
import { SaslAuthenticateRequestCodec } from '../../codecs/generated/SaslAuthenticateRequest';
import { SaslAuthenticateResponseCodec, type SaslAuthenticateResponseInit } from '../../codecs/generated/SaslAuthenticateResponse';
import type { ListenerSasl } from '../security/listener-sasl';
import { principalText, samePrincipal, userPrincipal, type KafkaPrincipal } from '../security/principal';
import { SaslAuthenticationError, SaslError, type SaslServer } from '../security/sasl/sasl-server';

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;

/** What the connection does with a frame the authenticator saw. */
export type AuthDecision =
  | { readonly kind: 'dispatch' }
  | { readonly kind: 'reply'; readonly encode: (writer: Writer) => void; readonly thenClose?: CloseReason }
  | { readonly kind: 'close'; readonly close: CloseReason };

export interface CloseReason {
  readonly reason: string;
  readonly level: 'debug' | 'info' | 'warn';
  readonly details?: Record<string, unknown>;
}

type State = 'versions-or-handshake' | 'handshake' | 'authenticate' | 'raw-token' | 'complete';

interface Reauthentication {
  readonly mechanism: string;
  readonly principal: KafkaPrincipal;
  /** Set when the client asked for another mechanism: its next token fails with this message. */
  badMechanism: string | null;
}

function closing(reason: string, level: CloseReason['level'] = 'info', details?: Record<string, unknown>): AuthDecision {
  return { kind: 'close', close: { reason, level, details } };
}

/**
 * The API's spec, loaded only on the rare path that needs it (a request in the middle of the exchange): the table
 * imports every codec, a few hundred milliseconds the first time.
 */
function apiSpecOf(apiKey: number): ApiSpec | undefined {
  return (require('../../codecs/generated/api-registry') as typeof import('../../codecs/generated/api-registry')).API_REGISTRY.get(apiKey);
}

/** The API as Kafka's ApiKeys enum names it in its messages (METADATA, API_VERSIONS). */
function kafkaApiName(spec: ApiSpec): string {
  return spec.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

const METADATA = 3;

/**
 * The body of Kafka's error response (AbstractRequest.getErrorResponse) as far as Eddy builds it: the top-level
 * error code, except Metadata, whose error response names each requested topic with the error and sets no top-level code.
 */
function errorResponseBody(apiKey: number, request: unknown): object {
  if (apiKey !== METADATA) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE };
  const topics = (request as { topics: Array<{ name: string | null; topicId: string }> | null }).topics ?? [];
  return {
    topics: topics.map((t) => ({ name: t.name ?? '', topicId: t.topicId, errorCode: ErrorCode.ILLEGAL_SASL_STATE, isInternal: false, partitions: [] })),
  };
}

/**
 * Kafka's answer to a request other than SaslAuthenticate after a SaslHandshake v1 (SaslServerAuthenticator
 * handleSaslToken): the request's error response with ILLEGAL_SASL_STATE, then the connection closes. A request
 * Kafka could not parse at that version gets no answer.
 */
function unexpectedDuringAuthentication(header: RequestHeader, reader: Reader): AuthDecision {
  const spec = apiSpecOf(header.apiKey);
  const thenClose: CloseReason = {
    reason: `Unexpected Kafka request of type ${spec === undefined ? header.apiKey : kafkaApiName(spec)} during SASL authentication.`,
    level: 'info',
    details: { apiKey: header.apiKey, clientId: header.clientId },
  };
  if (spec === undefined || header.apiVersion < spec.minVersion || header.apiVersion > spec.maxVersion) return { kind: 'close', close: thenClose };
  const answer = new Writer();
  try {
    const body = errorResponseBody(header.apiKey, spec.request.decode(reader, header.apiVersion));
    encodeResponseHeader(answer, header.apiKey, header.apiVersion, header.correlationId);
    (spec.response as unknown as { encode(value: object, writer: Writer, version: number): void }).encode(body, answer, header.apiVersion);
  } catch {
    return { kind: 'close', close: thenClose };
  }
  const bytes = answer.toBuffer();
  return { kind: 'reply', encode: (writer) => writer.writeRawBuffer(bytes), thenClose };
}

export class SaslAuthenticator {
  private state: State = 'versions-or-handshake';
  private server: SaslServer | null = null;
  private mechanism: string | null = null;
  private current: KafkaPrincipal | null = null;
  private sessionExpiresAtMs: number | null = null;
  private clientCanReauthenticate = false;
  private reauth: Reauthentication | null = null;

  constructor(private readonly sasl: ListenerSasl) {}

  /** The authenticated principal, or null before authentication completes. */
  get principal(): KafkaPrincipal | null {
    return this.current;
  }

  get authenticated(): boolean {
    return this.state === 'complete';
  }

  /** Largest frame to accept now: sasl.server.max.receive.size until authenticated. */
  get maxFrameBytes(): number | null {
    return this.state === 'complete' ? null : this.sasl.maxReceiveBytes;
  }

  onFrame(frame: Buffer, now: number = Date.now()): AuthDecision {
    if (this.state === 'raw-token') return this.rawToken(frame, now);
    // An authenticated connection's requests only need checking when its session can end: a header read per request
    // would otherwise be wasted on every produce and fetch.
    if (this.state === 'complete' && this.sessionExpiresAtMs === null && (frame.length < 2 || frame.readInt16BE(0) !== SASL_HANDSHAKE)) {
      return { kind: 'dispatch' };
    }
    let header: RequestHeader;
    const reader = new Reader(frame);
    try {
      header = decodeRequestHeader(reader);
    } catch (err) {
      return closing('malformed request header during SASL authentication', 'warn', { error: (err as Error).message });
    }
    if (this.state === 'complete') return this.afterAuthentication(header, reader, now);
    switch (header.apiKey) {
      case API_VERSIONS:
        if (this.state === 'authenticate') return unexpectedDuringAuthentication(header, reader);
        if (this.state !== 'versions-or-handshake') return closing(`Unexpected ApiVersions request received during SASL authentication state ${this.state}`);
        this.state = 'handshake';
        return { kind: 'dispatch' };
      case SASL_HANDSHAKE:
        if (this.state === 'authenticate') return unexpectedDuringAuthentication(header, reader);
        return this.handshake(header, reader);
      case SASL_AUTHENTICATE:
        if (this.state === 'authenticate') return this.authenticate(header, reader, now);
        return closing('Unexpected Kafka request of type SASL_AUTHENTICATE during SASL handshake.');
      default:
        if (this.state === 'authenticate') return unexpectedDuringAuthentication(header, reader);
        return closing(`Unexpected Kafka request of type ${header.apiKey} during SASL handshake.`, 'info', {
          apiKey: header.apiKey,
          clientId: header.clientId,
        });
    }
  }

  private afterAuthentication(header: RequestHeader, reader: Reader, now: number): AuthDecision {
    if (this.sessionExpiresAtMs !== null && now > this.sessionExpiresAtMs) {
      return closing('SASL session expired (connections.max.reauth.ms or credential lifetime)', 'debug', { apiKey: header.apiKey, clientId: header.clientId });
    }
    if (header.apiKey !== SASL_HANDSHAKE || this.sessionExpiresAtMs === null || !this.clientCanReauthenticate) return { kind: 'dispatch' };
    this.reauth = { mechanism: this.mechanism as string, principal: this.current as KafkaPrincipal, badMechanism: null };
    this.state = 'handshake';
    return this.handshake(header, reader);
  }

  private handshake(header: RequestHeader, reader: Reader): AuthDecision {
    if (header.apiVersion > SaslHandshakeRequestCodec.maxVersion) return closing(`unsupported version ${header.apiVersion} of SaslHandshake`, 'warn');
    let mechanism: string;
    try {
      mechanism = SaslHandshakeRequestCodec.decode(reader, header.apiVersion).mechanism;
    } catch (err) {
      return closing('malformed SaslHandshake request', 'warn', { error: (err as Error).message });
    }
    const enabled = this.sasl.enabledMechanisms;
    const answer = (errorCode: number) => (writer: Writer) => {
      encodeResponseHeader(writer, SASL_HANDSHAKE, header.apiVersion, header.correlationId);
      SaslHandshakeResponseCodec.encode({ errorCode, mechanisms: enabled }, writer, header.apiVersion);
    };
    if (!enabled.includes(mechanism)) {
      return {
        kind: 'reply',
        encode: answer(ErrorCode.UNSUPPORTED_SASL_MECHANISM),
        thenClose: { reason: `Unsupported SASL mechanism ${mechanism}`, level: 'info' },
      };
    }
    if (this.reauth !== null && this.reauth.mechanism !== mechanism) {
      this.reauth.badMechanism = `SASL mechanism '${mechanism}' requested by client is not supported for re-authentication of mechanism '${this.reauth.mechanism}'`;
    } else {
      this.server = this.sasl.newServer(mechanism);
      this.mechanism = mechanism;
    }
    this.state = header.apiVersion >= 1 ? 'authenticate' : 'raw-token';
    return { kind: 'reply', encode: answer(ErrorCode.NONE) };
  }

  private authenticate(header: RequestHeader, reader: Reader, now: number): AuthDecision {
    if (header.apiVersion > SaslAuthenticateRequestCodec.maxVersion) return closing(`unsupported version ${header.apiVersion} of SaslAuthenticate`, 'warn');
    let token: Buffer;
    try {
      token = SaslAuthenticateRequestCodec.decode(reader, header.apiVersion).authBytes;
    } catch (err) {
      return closing('malformed SaslAuthenticate request', 'warn', { error: (err as Error).message });
    }
    if (header.apiVersion > 0) this.clientCanReauthenticate = true;
    const answer = (body: SaslAuthenticateResponseInit) => (writer: Writer) => {
      encodeResponseHeader(writer, SASL_AUTHENTICATE, header.apiVersion, header.correlationId);
      SaslAuthenticateResponseCodec.encode(body, writer, header.apiVersion);
    };
    try {
      const challenge = this.evaluate(token);
      const sessionLifetimeMs = this.state === 'complete' ? this.startSession(now) : 0;
      return { kind: 'reply', encode: answer({ errorCode: ErrorCode.NONE, authBytes: challenge, sessionLifetimeMs: BigInt(sessionLifetimeMs) }) };
    } catch (err) {
      const { clientMessage, logged } = this.failure(err);
      return {
        kind: 'reply',
        encode: answer({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: clientMessage }),
        thenClose: {
          reason: `Failed ${this.reauth !== null ? 're-authentication' : 'authentication'} (${logged})`,
          level: 'info',
          details: { mechanism: this.mechanism },
        },
      };
    }
  }

  private rawToken(frame: Buffer, now: number): AuthDecision {
    try {
      const challenge = this.evaluate(frame);
      if (this.state === 'complete') this.startSession(now);
      return {
        kind: 'reply',
        encode: (writer) => {
          writer.writeRawBuffer(challenge);
        },
      };
    } catch (err) {
      return closing(`Failed ${this.reauth !== null ? 're-authentication' : 'authentication'} (${this.failure(err).logged})`, 'info', {
        mechanism: this.mechanism,
      });
    }
  }

  /** Runs the mechanism on one token; completes the state when the mechanism is done. */
  private evaluate(token: Buffer): Buffer {
    if (this.reauth?.badMechanism) throw new SaslAuthenticationError(this.reauth.badMechanism);
    const server = this.server as SaslServer;
    const challenge = server.evaluate(token);
    if (!server.complete) return challenge;
    const principal = userPrincipal(server.authorizationId());
    if (this.reauth !== null && !samePrincipal(principal, this.reauth.principal)) {
      throw new SaslAuthenticationError(
        `Cannot change principals during re-authentication from ${this.reauth.principal.type}.${this.reauth.principal.name}: ${principal.type}.${principal.name}`,
      );
    }
    this.current = principal;
    this.reauth = null;
    this.state = 'complete';
    return challenge;
  }

  /** Kafka's calcCompletionTimesAndReturnSessionLifetimeMs: the session lasts until the reauth limit or the credential's expiry. */
  private startSession(now: number): number {
    const server = this.server as SaslServer;
    const credentialExpiresAt = server.credentialExpiresAtMs();
    const maxReauthMs = this.sasl.reauthMs(server.mechanism);
    if (credentialExpiresAt === null && maxReauthMs <= 0) {
      this.sessionExpiresAtMs = null;
      return 0;
    }
    const untilExpiry = credentialExpiresAt === null ? Infinity : credentialExpiresAt - now;
    const lifetime = Math.max(0, Math.min(untilExpiry, maxReauthMs > 0 ? maxReauthMs : Infinity));
    this.sessionExpiresAtMs = now + lifetime;
    return lifetime;
  }

  /** The client's error message and the log's, never a secret: mechanisms keep passwords and tokens out of both. */
  private failure(err: unknown): { clientMessage: string; logged: string } {
    const during = this.reauth !== null ? 're-authentication' : 'authentication';
    if (err instanceof SaslAuthenticationError) return { clientMessage: err.message, logged: err.message };
    const generic = `Authentication failed during ${during} due to invalid credentials with SASL mechanism ${this.mechanism ?? '?'}`;
    if (err instanceof SaslError) return { clientMessage: generic, logged: err.message };
    throw err;
  }

  /** For logs: who this connection is. */
  describe(): string {
    return this.current === null ? 'unauthenticated' : principalText(this.current);
  }
}
