// Certificates for security tests, made with the openssl command into a temp dir: a CA, a server certificate for
// localhost/127.0.0.1 signed by it (PEM key store, key and chain in one file, and a PKCS12 copy), a client
// certificate signed by the same CA, and one signed by an unrelated CA (a client the broker must not trust).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface TestCertificates {
  readonly dir: string;
  readonly caCert: string;
  /** PEM: server private key followed by its certificate. */
  readonly serverKeyStore: string;
  readonly serverKey: string;
  readonly serverCert: string;
  readonly serverP12: string;
  readonly truststoreP12: string;
  readonly p12Password: string;
  readonly clientKey: string;
  readonly clientCert: string;
  readonly strangerKey: string;
  readonly strangerCert: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function signedCertificate(dir: string, name: string, subject: string, ca: string, extensions: string | null): void {
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  const ext = extensions === null ? [] : ['-extfile', `${name}.ext`];
  if (extensions !== null) fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    ...ext,
  ]);
}

export function makeTestCertificates(dir: string): TestCertificates {
  const p12Password = 'store-secret';
  for (const ca of ['ca', 'stranger-ca']) {
    openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=Eddy Test ${ca}`]);
  }
  signedCertificate(dir, 'server', '/CN=localhost', 'ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  signedCertificate(dir, 'client', '/C=GB/O=Eddy Tests/OU=dev/CN=client-one', 'ca', null);
  signedCertificate(dir, 'stranger', '/CN=stranger', 'stranger-ca', null);
  const file = (name: string): string => path.join(dir, name);
  fs.writeFileSync(file('server.pem'), fs.readFileSync(file('server.key'), 'utf8') + fs.readFileSync(file('server.crt'), 'utf8'));
  const pass = `pass:${p12Password}`;
  openssl(dir, ['pkcs12', '-export', '-in', 'server.crt', '-inkey', 'server.key', '-certfile', 'ca.crt', '-out', 'server.p12', '-passout', pass]);
  openssl(dir, ['pkcs12', '-export', '-nokeys', '-in', 'ca.crt', '-out', 'truststore.p12', '-passout', pass]);
  return {
    dir,
    caCert: file('ca.crt'),
    serverKeyStore: file('server.pem'),
    serverKey: file('server.key'),
    serverCert: file('server.crt'),
    serverP12: file('server.p12'),
    truststoreP12: file('truststore.p12'),
    p12Password,
    clientKey: file('client.key'),
    clientCert: file('client.crt'),
    strangerKey: file('stranger.key'),
    strangerCert: file('stranger.crt'),
  };
}
