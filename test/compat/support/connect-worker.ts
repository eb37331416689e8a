// A Kafka Connect distributed worker (org.apache.kafka.connect.cli.ConnectDistributed from test/compat/java/connect)
// for the Connect and MirrorMaker 2 suites: its config, offset and status topics on an Eddy, its REST API on a
// free port of 127.0.0.1, and the few REST calls the suites make (create a connector, wait until it and its tasks
// run). The JVM is stopped by its pid.
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { waitFor } from '../../helpers/wait';
import { JavaProcess, JavaRun, spawnJava } from './java';

export interface ConnectWorker {
  readonly url: string;
  readonly process: JavaProcess;
  /** Creates a connector, retrying while the worker is still joining its group (Connect answers 409 then). */
  createConnector(name: string, config: Readonly<Record<string, string>>): Promise<void>;
  /** Waits until the connector and all its tasks (at least one) are RUNNING; fails at once on FAILED. */
  waitRunning(name: string, timeoutMs: number): Promise<void>;
  /** The ERROR lines the worker has logged so far (Log4j writes them to stderr). */
  errorLines(): string[];
  stop(): Promise<JavaRun>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface ConnectorStatus {
  connector?: { state?: string; trace?: string };
  tasks?: { state?: string; trace?: string }[];
}

/** The worker's properties; `group` names its group and the prefix of its three internal topics. */
function workerProperties(bootstrap: string, group: string, port: number): string {
  return [
    `bootstrap.servers=${bootstrap}`,
    `group.id=${group}`,
    `config.storage.topic=${group}-configs`,
    `offset.storage.topic=${group}-offsets`,
    `status.storage.topic=${group}-status`,
    'config.storage.replication.factor=1',
    'offset.storage.replication.factor=1',
    'status.storage.replication.factor=1',
    'key.converter=org.apache.kafka.connect.storage.StringConverter',
    'value.converter=org.apache.kafka.connect.storage.StringConverter',
    // Source offsets reach the offset topic within a second, so a stop loses none that the test waited for.
    'offset.flush.interval.ms=1000',
    // A restarted single worker gets its connectors back at once instead of after the 5-minute default delay.
    'scheduled.rebalance.max.delay.ms=0',
    // Every plugin here declares itself in a ServiceLoader manifest: skip the slow reflective scan of the classpath.
    'plugin.discovery=service_load',
    `listeners=http://127.0.0.1:${port}`,
    'rest.advertised.host.name=127.0.0.1',
    '',
  ].join('\n');
}

async function rest(url: string, init?: { method: string; body: string }): Promise<{ status: number; text: string }> {
  const res = await fetch(url, init && { ...init, headers: { 'Content-Type': 'application/json' } });
  return { status: res.status, text: await res.text() };
}

/** Starts a worker and waits until its REST API answers. */
export async function startConnectWorker(bootstrap: string, group: string, workDir: string, onLine?: (line: string) => void): Promise<ConnectWorker> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const propertiesFile = path.join(workDir, `${group}-worker.properties`);
  fs.writeFileSync(propertiesFile, workerProperties(bootstrap, group, port));
  const process = spawnJava('connect', 'org.apache.kafka.connect.cli.ConnectDistributed', [propertiesFile], {
    timeoutMs: 240_000,
    jvmArgs: ['-Xmx384m'],
    onLine,
  });
  let stderr = '';
  process.child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const errorLines = (): string[] => stderr.split('\n').filter((line) => /^\[[^\]]*\] ERROR /.test(line));
  const failed = (): never => {
    throw new Error(`the Connect worker exited early (${process.child.exitCode})`);
  };
  await waitFor(
    'the Connect worker REST API',
    async () => {
      if (process.child.exitCode !== null) failed();
      return (await rest(`${url}/connectors`).catch(() => ({ status: 0 }))).status === 200;
    },
    60_000,
  );

  const createConnector = async (name: string, config: Readonly<Record<string, string>>): Promise<void> => {
    let last = { status: 0, text: '' };
    await waitFor(
      `the Connect worker to accept connector ${name}`,
      async () => {
        last = await rest(`${url}/connectors`, { method: 'POST', body: JSON.stringify({ name, config }) });
        if (last.status === 201) return true;
        if (last.status !== 409 && last.status < 500) throw new Error(`POST /connectors ${name}: ${last.status} ${last.text}`);
        await new Promise((r) => setTimeout(r, 250));
        return false;
      },
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}: last answer ${last.status} ${last.text}`);
    });
  };

  const waitRunning = async (name: string, timeoutMs: number): Promise<void> => {
    let status: ConnectorStatus = {};
    await waitFor(
      `connector ${name} and its tasks to run`,
      async () => {
        const res = await rest(`${url}/connectors/${name}/status`);
        if (res.status !== 200) return false;
        status = JSON.parse(res.text) as ConnectorStatus;
        const states = [status.connector?.state, ...(status.tasks ?? []).map((t) => t.state)];
        if (states.includes('FAILED')) throw new Error(`connector ${name} failed: ${res.text}`);
        return (status.tasks ?? []).length > 0 && states.every((s) => s === 'RUNNING');
      },
      timeoutMs,
    ).catch((err: Error) => {
      throw new Error(`${err.message} (last status ${JSON.stringify(status)})`);
    });
  };

  return { url, process, createConnector, waitRunning, errorLines, stop: () => process.stop() };
}
