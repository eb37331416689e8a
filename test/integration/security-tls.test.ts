// TLS listeners read PKCS12 stores as well as PEM, and a client certificate becomes the connection's principal:
// its subject as Java prints it (most specific attribute first) through ssl.principal.mapping.rules; with
// ssl.client.auth=requested a client without a certificate is User:ANONYMOUS and one with an untrusted
// certificate is refused.
import * as fs from 'fs';
import * as tls from 'tls';
import { Writable } from 'stream';
import pino from 'pino';
import { Broker } from '../../src/broker/broker';
import { BrokerConfig } from '../../src/config/broker-config';
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { removeDir, tempDataDir } from '../helpers/broker';
import { testCertificates } from '../helpers/security';
import { opensslAvailable, type TestCertificates } from '../helpers/tls-certs';
import { Writer } from '../../codecs/primitives/writer';

jest.setTimeout(30000);

const describeIfOpenssl = opensslAvailable() ? describe : describe.skip;

/** One ApiVersions request over TLS; resolves with whether an answer came back before the connection closed. */
function apiVersionsOverTls(port: number, certs: TestCertificates, client?: { cert: string; key: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      port,
      host: '127.0.0.1',
      servername: 'localhost',
      ca: fs.readFileSync(certs.caCert),
      ...(client ? { cert: fs.readFileSync(client.cert), key: fs.readFileSync(client.key) } : {}),
    });
    socket.on('secureConnect', () => {
      const body = new Writer();
      body.writeInt16(18).writeInt16(3).writeInt32(7).writeNullableString('t').writeUnsignedVarint(0);
      ApiVersionsRequestCodec.encode({ clientSoftwareName: 't', clientSoftwareVersion: '1' }, body, 3);
      const payload = body.toBuffer();
      const size = Buffer.alloc(4);
      size.writeInt32BE(payload.length);
      socket.write(Buffer.concat([size, payload]));
    });
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

describeIfOpenssl('TLS key stores and client certificates', () => {
  const dataDir = tempDataDir('eddy-tls-');
  const certs = testCertificates(dataDir);
  const logLines: string[] = [];
  let broker: Broker;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    broker = await Broker.start({
      config: new BrokerConfig({
        listeners: 'SSL://127.0.0.1:0,MAPPED://127.0.0.1:0',
        'listener.security.protocol.map': 'SSL:SSL,MAPPED:SSL',
        'log.dirs': dataDir,
        'ssl.keystore.type': 'PKCS12',
        'ssl.keystore.location': certs.serverP12,
        'ssl.keystore.password': certs.p12Password,
        'ssl.truststore.type': 'PKCS12',
        'ssl.truststore.location': certs.truststoreP12,
        'ssl.truststore.password': certs.p12Password,
        'ssl.client.auth': 'requested',
        'listener.name.mapped.ssl.principal.mapping.rules': 'RULE:^CN=(.*?),OU=(.*?),.*$/$1@$2/U,DEFAULT',
      }),
      logger: pino({ level: 'debug' }, sink),
    });
  });
  afterAll(async () => {
    await broker.stop();
    removeDir(dataDir);
  });

  const port = (name: string): number => broker.boundListeners.find((l) => l.name === name)?.port ?? 0;

  test('a PKCS12 key store serves TLS; a client with a trusted certificate is its subject as Kafka prints it', async () => {
    expect(await apiVersionsOverTls(port('SSL'), certs, { cert: certs.clientCert, key: certs.clientKey })).toBe(true);
    expect(logLines.some((l) => l.includes('"principal":"User:CN=client-one,OU=dev,O=Eddy Tests,C=GB"'))).toBe(true);
    expect(await apiVersionsOverTls(port('MAPPED'), certs, { cert: certs.clientCert, key: certs.clientKey })).toBe(true);
    expect(logLines.some((l) => l.includes('"principal":"User:CLIENT-ONE@DEV"'))).toBe(true);
  });

  test('requested client auth: no certificate is welcome, an untrusted one is not', async () => {
    expect(await apiVersionsOverTls(port('SSL'), certs)).toBe(true);
    expect(await apiVersionsOverTls(port('SSL'), certs, { cert: certs.strangerCert, key: certs.strangerKey })).toBe(false);
    expect(logLines.some((l) => l.includes('client certificate not trusted'))).toBe(true);
  });
});
