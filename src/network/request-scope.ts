// What a handler sees of one request (src/api/handler.ts RequestContext), built by a factory the broker hands the
// connection: the connection knows its socket, listener and authenticated principal, the factory adds the broker's
// services. A later layer (an authorizer, quotas, fault injection) changes the factory, not the connection.
import type { RequestHeader } from '../../codecs/protocol/headers';
import type { RequestContext } from '../api/handler';
import type { BrokerServices } from '../api/services';
import type { Logger } from '../logger';
import { ANONYMOUS, type KafkaPrincipal } from '../security/principal';
import type { SecurityProtocol } from '../security/listener-security';

/** The facts of a connection every request on it reports; one object per connection. */
export interface ConnectionInfo {
  /** "host:port" of the peer, for logs. */
  readonly clientAddress: string;
  readonly listenerName: string;
  /** PLAINTEXT when not given. */
  readonly securityProtocol?: SecurityProtocol;
  /** The peer's IP address, as Kafka's ACLs match hosts; taken from clientAddress when not given. */
  readonly clientHost?: string;
  /** Who the connection authenticated as; User:ANONYMOUS until then, on PLAINTEXT, and when not given. */
  readonly principal?: KafkaPrincipal;
  /** Resolves when the connection closes or the broker stops. */
  readonly closed: Promise<void>;
  readonly stopSignal: AbortSignal;
}

/** `requestBytes`: the request frame's size (what Kafka's produce quota counts), 0 when not given. */
export type RequestScopeFactory = (header: RequestHeader, connection: ConnectionInfo, requestBytes?: number) => RequestScope;

/** The factory for a broker's connections: every request sees the same services and logger. */
export function requestScopeFactory(services: BrokerServices, logger: Logger): RequestScopeFactory {
  return (header, connection, requestBytes = 0) => new RequestScope(header, connection, services, logger, requestBytes);
}

/**
 * A request's context and the resources it asked to keep until the response is written. A class rather than a
 * literal with closures: every request makes one, and most never register anything to release.
 */
export class RequestScope implements RequestContext {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  private releases: Array<() => void> | null = null;
  /** The throttle time a handler asked for; the connection mutes itself for it after the answer. */
  throttleMs = 0;

  constructor(
    header: RequestHeader,
    private readonly connection: ConnectionInfo,
    readonly services: BrokerServices,
    readonly logger: Logger,
    readonly requestBytes = 0,
  ) {
    this.apiKey = header.apiKey;
    this.apiVersion = header.apiVersion;
    this.correlationId = header.correlationId;
    this.clientId = header.clientId;
  }

  get clientAddress(): string {
    return this.connection.clientAddress;
  }

  get listenerName(): string {
    return this.connection.listenerName;
  }

  get securityProtocol(): SecurityProtocol {
    return this.connection.securityProtocol ?? 'PLAINTEXT';
  }

  get clientHost(): string {
    return this.connection.clientHost ?? this.connection.clientAddress.replace(/:[^:]*$/, '');
  }

  get principal(): KafkaPrincipal {
    return this.connection.principal ?? ANONYMOUS;
  }

  get closed(): Promise<void> {
    return this.connection.closed;
  }

  get stopSignal(): AbortSignal {
    return this.connection.stopSignal;
  }

  throttle(ms: number): void {
    this.throttleMs = Math.max(this.throttleMs, ms);
  }

  afterResponse(release: () => void): void {
    if (this.releases === null) this.releases = [];
    this.releases.push(release);
  }

  get holdsResources(): boolean {
    return this.releases !== null;
  }

  /** Runs the registered releases once; later calls do nothing. */
  release(): void {
    const releases = this.releases;
    if (releases === null) return;
    this.releases = null;
    for (const run of releases) {
      try {
        run();
      } catch (err) {
        this.logger.error({ err }, 'releasing response resources failed');
      }
    }
  }
}
