// Produce throughput over TLS against plaintext (issue 18: TLS should cost at most 30 %, ≥ 0.7× plaintext): one
// Eddy with a PLAINTEXT and an SSL listener, each client producing the same records to each in turn, round after
// round, so background load on the shared machine hits both alike. The certificate is a self-signed one made with
// openssl for 127.0.0.1; the clients verify it against itself as their CA.
//
// Two clients, because how a client hands a request to TLS decides what TLS costs both ends. librdkafka (up to
// 2.15 at least) calls SSL_write once per segment of its request buffer, and with 1 KB values about a third of the
// values sit in segments of their own (payloads are copied into the buffer only while its allocated segments have
// room for them, pushed by reference otherwise), each followed by a ~10-byte segment of record header: ~700 TLS
// records and write() calls per MB where plaintext sends the same buffer with one sendmsg. kafkajs writes each
// request as one buffer, which Node encrypts in 16 KB records. Kafka's Java producer (when the reference Kafka is
// installed: its kafka-clients) wraps whole batches too, with its defaults (16 KB batches, so fewer bytes per
// request). Each client keeps its usual settings, the same for TLS and plaintext.
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import type { BenchContext } from '../lib/context';
import { LineChild, num } from '../lib/line-child';
import { freePort } from '../lib/net-probe';
import { cpuMs } from '../lib/proc-stats';
import { referenceKafkaClasspath, referenceKafkaProblem, referenceKafkaVersion } from '../lib/reference-kafka';
import { record, section, type Section } from '../lib/results';
import { REPO_ROOT, startEddy, topicName } from '../lib/targets';

type Listener = 'plaintext' | 'tls';

const LISTENER_COLUMNS: ReadonlyArray<{ key: Listener; label: string }> = [
  { key: 'tls', label: 'TLS' },
  { key: 'plaintext', label: 'plaintext' },
];

export function tlsSection(): Section {
  const title = 'Produce throughput over TLS and plaintext, same broker, interleaved (records/s, MB/s of values)';
  return section('tls', title, LISTENER_COLUMNS, [['tls', 'plaintext']]);
}

/** A self-signed certificate for 127.0.0.1 with its key, as the one PEM file Eddy's --ssl-keystore takes. */
function selfSignedPem(dir: string): string {
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tls.key', '-out', 'tls.crt', '-days', '1', '-subj', '/CN=localhost'].concat([
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]),
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const pem = path.join(dir, 'tls.pem');
  fs.writeFileSync(pem, Buffer.concat([fs.readFileSync(path.join(dir, 'tls.key')), fs.readFileSync(path.join(dir, 'tls.crt'))]));
  return pem;
}

const CONFIGS = [
  { size: 1000, partitions: 8 },
  { size: 100, partitions: 8 },
] as const;

type Client = 'rdkafka' | 'kafkajs' | 'java';

/** The Java producer driver, on the reference Kafka's jars; null (with why) when they are not installed. */
async function startJavaDriver(): Promise<{ driver: LineChild | null; problem: string | null }> {
  const problem = referenceKafkaProblem();
  if (problem !== null) return { driver: null, problem };
  const source = path.join(REPO_ROOT, 'bench', 'drivers', 'JavaProducer.java');
  const driver = new LineChild('java-producer', 'java', ['-cp', referenceKafkaClasspath(), source]);
  try {
    // Compiling the source takes seconds of CPU: done before any timed run.
    await driver.waitForNote('#ready', 60_000);
  } catch (err) {
    await driver.close();
    throw err;
  }
  return { driver, problem: null };
}

export async function runTls(ctx: BenchContext, out: Section): Promise<void> {
  const dir = fs.mkdtempSync(path.join(ctx.workDir, 'tls-'));
  const pem = selfSignedPem(dir);
  const [plainPort, tlsPort] = [await freePort(), await freePort()];
  const java = await startJavaDriver();
  const eddy = await startEddy({
    workDir: ctx.workDir,
    label: 'tls',
    admin: ctx.rdkafka,
    port: plainPort,
    extraArgs: ['--listeners', `PLAINTEXT://127.0.0.1:${plainPort},SSL://127.0.0.1:${tlsPort}`, '--ssl-keystore', pem],
  }).catch(async (err: unknown) => {
    await java.driver?.close();
    throw err;
  });
  const bootstrap: Record<Listener, string> = { plaintext: eddy.bootstrap, tls: `127.0.0.1:${tlsPort}` };
  const caFile = path.join(dir, 'tls.crt');
  // librdkafka takes its TLS settings as client properties, the kafkajs and Java drivers a CA file to trust.
  const clientSettings: Record<Client, Record<Listener, Record<string, unknown>>> = {
    rdkafka: { plaintext: {}, tls: { clientConfig: { 'security.protocol': 'SSL', 'ssl.ca.location': caFile } } },
    kafkajs: { plaintext: {}, tls: { tlsCaFile: caFile } },
    java: { plaintext: {}, tls: { tlsCaFile: caFile } },
  };
  const drivers: [Client, LineChild][] = [
    ['rdkafka', ctx.rdkafka],
    ['kafkajs', ctx.kafkajs],
  ];
  if (java.driver !== null) {
    drivers.push(['java', java.driver]);
    out.notes.push(`java: Kafka's producer from kafka-clients ${referenceKafkaVersion()}, its default settings.`);
  } else {
    out.notes.push(`Kafka's Java producer left out: ${String(java.problem)}.`);
  }
  const rounds = Math.max(ctx.runs, 3);
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [client, driver] of drivers) {
        for (const cfg of CONFIGS) {
          ctx.progress(`round ${round + 1}/${rounds} tls produce ${client} ${cfg.size} B p${cfg.partitions}`);
          // The order alternates each round, so neither listener always runs on a warmer broker.
          const order: Listener[] = round % 2 === 0 ? ['plaintext', 'tls'] : ['tls', 'plaintext'];
          for (const listener of order) {
            const topic = topicName(['tls', client, listener, `s${cfg.size}`, `r${round}`], cfg.partitions);
            await eddy.createTopic(topic, cfg.partitions);
            const count = cfg.size === 100 ? (ctx.quick ? 40_000 : 250_000) : ctx.quick ? 10_000 : 60_000;
            const brokerBefore = cpuMs(eddy.pid);
            const clientBefore = cpuMs(driver.pid);
            const res = await driver.run({
              kind: 'produce',
              bootstrap: bootstrap[listener],
              topic,
              size: cfg.size,
              acks: 1,
              partitions: cfg.partitions,
              compression: 'none',
              count,
              maxSeconds: ctx.quick ? 0.6 : 1.5,
              ...clientSettings[client][listener],
            });
            const brokerAfter = cpuMs(eddy.pid);
            const clientAfter = cpuMs(driver.pid);
            const rowName = `${client} ${cfg.size === 100 ? '100 B' : '1 KB'} acks=1 p${cfg.partitions} none`;
            record(out, rowName, 'rec/s', listener, num(res, 'records') / num(res, 'seconds'), cfg.size);
            // What each end spends per MB, which load on the shared machine changes less than throughput does.
            const megabytes = (num(res, 'records') * cfg.size) / 1e6;
            if (megabytes <= 0) continue;
            if (brokerBefore !== undefined && brokerAfter !== undefined) {
              record(out, `${rowName}: broker CPU`, 'CPU ms/MB', listener, (brokerAfter - brokerBefore) / megabytes);
            }
            if (clientBefore !== undefined && clientAfter !== undefined) {
              record(out, `${rowName}: client CPU`, 'CPU ms/MB', listener, (clientAfter - clientBefore) / megabytes);
            }
          }
        }
      }
    }
  } finally {
    await Promise.all([eddy.stop(), java.driver?.close()]);
  }
  out.notes.push(
    `Medians of ${rounds} rounds, the two listeners alternating first. The machine is shared with other work, so each figure is noisy; the ratio compares runs made seconds apart. Issue 18 asks for TLS ≥ 0.7× plaintext. librdkafka sends 1 KB values as 600–800 TLS records per MB (one SSL_write per segment of its request buffer), kafkajs and the Java producer whole requests or batches in 16 KB records: the CPU rows show what TLS costs each end, the client's CPU competing with the broker's on a small machine.`,
  );
}
