// The Java client (kafka-clients 4.4.0 and 3.9.2) over SASL_SSL with SCRAM: an admin creates a SCRAM-SHA-512 user
// through Admin.alterUserScramCredentials and describes it, the new user produces and consumes through a group, and a
// wrong password fails with SaslAuthenticationException (SecurityChecks.java, one JSON line per check).
import { removeDir, tempDataDir } from '../helpers/broker';
import { FILE_USERS, startSecuredBroker, testCertificates, type SecuredBroker } from '../helpers/security';
import { describeClient } from './support/compat-clients';
import { javaModuleProblem, runJava } from './support/java';

jest.setTimeout(180000);

const CHECKS = ['security.alterUserScramCredentials', 'security.scramProduceConsume', 'security.wrongPassword'];
const CLIENTS = [
  { module: 'clients4', prefix: 'j4' },
  { module: 'clients3', prefix: 'j3' },
] as const;

describeClient(
  'Java client over SASL_SSL',
  CLIENTS.map((c) => javaModuleProblem(c.module)),
  () => {
    const dataDir = tempDataDir('eddy-java-sasl-');
    let secured: SecuredBroker;
    beforeAll(async () => {
      secured = await startSecuredBroker(dataDir, testCertificates(dataDir));
    });
    afterAll(async () => {
      await secured?.broker.stop();
      removeDir(dataDir);
    });

    test.each(CLIENTS)('$module: SCRAM user created through the Admin API, then used', async ({ module, prefix }) => {
      const bootstrap = `localhost:${secured.port('SASL_SSL')}`;
      const run = await runJava(module, 'eddy.compat.SecurityChecks', [bootstrap, secured.certs.caCert, 'carol', FILE_USERS.carol, prefix], {
        timeoutMs: 150000,
      });
      const lines = run.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { check: string; ok: boolean; error?: string });
      for (const check of CHECKS) {
        const line = lines.find((l) => l.check === check);
        if (line === undefined) throw new Error(`${check} did not report; stderr:\n${run.stderr.slice(-3000)}`);
        if (!line.ok) throw new Error(`${check}: ${line.error ?? ''}`);
      }
    });
  },
);
