// The server socket of one listener, by its security protocol: plain TCP for PLAINTEXT and SASL_PLAINTEXT, TLS for
// SSL and SASL_SSL. Each accepted socket comes with what its connection starts from: the principal a TLS client
// certificate gives (SSL listeners), else User:ANONYMOUS, and the SASL exchange on SASL listeners. A failed TLS
// handshake (plaintext on a TLS port, an untrusted certificate, a client hanging up mid-handshake) closes that one
// socket with a log line.
import * as net from 'net';
import type * as tls from 'tls';
import type { Logger } from '../logger';
import type { ListenerSecurity } from '../security/broker-security';
import { ANONYMOUS, principalText, userPrincipal, type KafkaPrincipal } from '../security/principal';
import { distinguishedName } from '../security/ssl-principal';
import type { SaslAuthenticator } from './sasl-authenticator';
import { inPlaceReader, type InPlaceReader } from './in-place-reads';
import { frameReader, type FrameReader } from './frame-reads';

export interface AcceptedSocket {
  readonly socket: net.Socket;
  readonly principal: KafkaPrincipal;
  readonly authenticator?: SaslAuthenticator;
  /** TLS sockets: how the connection reads decrypted bytes without a Buffer per TLS record. */
  readonly inPlaceReads?: InPlaceReader;
  /** Plaintext sockets: how the connection reads large frames straight into their own buffers. */
  readonly frameReads?: FrameReader;
}

function peer(socket: net.Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}

/** The principal of a verified client certificate on an SSL listener; null when the client must be refused. */
function certificatePrincipal(socket: tls.TLSSocket, security: ListenerSecurity, logger: Logger): KafkaPrincipal | null {
  const certificate = socket.getPeerX509Certificate();
  if (certificate === undefined) return ANONYMOUS;
  if (!socket.authorized) {
    logger.info(
      { client: peer(socket), listener: security.name, error: String(socket.authorizationError) },
      'closing connection: client certificate not trusted',
    );
    return null;
  }
  if (security.protocol !== 'SSL') return ANONYMOUS;
  try {
    const principal = userPrincipal(security.certificatePrincipal(distinguishedName(certificate)));
    logger.debug({ client: peer(socket), listener: security.name, principal: principalText(principal) }, 'TLS client certificate accepted');
    return principal;
  } catch (err) {
    logger.info(
      { client: peer(socket), listener: security.name, error: (err as Error).message },
      'closing connection: no principal for the client certificate',
    );
    return null;
  }
}

/** Decides what becomes of a TCP socket just accepted (connection-gate.ts): `proceed` when it may be served. */
export type AcceptGate = (socket: net.Socket, proceed: () => void) => void;

const OPEN_GATE: AcceptGate = (_socket, proceed) => proceed();

/**
 * The listener's server. Every TCP socket goes through `gate` first, before its TLS handshake on TLS listeners (the
 * TLS server is handed the sockets the gate lets through, as Node lets a 'connection' be emitted into it), so a
 * throttled client costs no handshake, as in Kafka, whose acceptor applies connection quotas before a processor
 * takes the socket.
 */
export function createListenerServer(
  security: ListenerSecurity,
  logger: Logger,
  onSocket: (accepted: AcceptedSocket) => void,
  gate: AcceptGate = OPEN_GATE,
): net.Server {
  const sasl = security.sasl;
  // Loaded only for SASL listeners: its codecs are no part of a plain broker's start.
  const Authenticator = sasl === null ? null : (require('./sasl-authenticator') as typeof import('./sasl-authenticator')).SaslAuthenticator;
  const authenticator = (): SaslAuthenticator | undefined => (sasl === null || Authenticator === null ? undefined : new Authenticator(sasl));
  if (security.tls === null) {
    return net.createServer((socket) =>
      gate(socket, () => onSocket({ socket, principal: ANONYMOUS, authenticator: authenticator(), frameReads: frameReader(socket) })),
    );
  }
  // Loaded only for SSL listeners: node's tls module is several milliseconds of a plain broker's start.
  const { createServer } = require('tls') as typeof import('tls');
  const server = createServer(security.tls.serverOptions, (socket) => {
    const principal = certificatePrincipal(socket, security, logger);
    if (principal === null) {
      socket.destroy();
      return;
    }
    onSocket({ socket, principal, authenticator: authenticator(), inPlaceReads: inPlaceReader(socket) });
  });
  server.on('tlsClientError', (err, socket) => {
    logger.info({ client: peer(socket), listener: security.name, error: err.message }, 'closing connection: TLS handshake failed');
    socket.destroy();
  });
  return net.createServer((socket) => gate(socket, () => server.emit('connection', socket)));
}
