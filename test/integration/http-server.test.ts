// The broker's HTTP server as users start it: `eddy start --http-port` serves it once the Kafka listeners are up;
// a taken default port leaves the broker running without it; a taken chosen port fails the start.
import * as net from 'net';
import { startChild, startInProcess, removeDir, tempDataDir, ChildBroker } from '../helpers/broker';
import { startHttpServer } from '../../src/http/http-server';
import { silentLogger } from '../../src/logger';
import { waitFor } from '../helpers/wait';

jest.setTimeout(30000);

async function takenPort(): Promise<net.Server> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return server;
}

const portOf = (server: net.Server): number => (server.address() as net.AddressInfo).port;

test('eddy start --http-port 0 serves /health with the node and its listeners', async () => {
  const dataDir = tempDataDir();
  let child: ChildBroker | undefined;
  try {
    child = await startChild(dataDir, ['--http-port', '0']);
    const started = child;
    // The HTTP server starts after the Kafka listener, which is what startChild waits for.
    await waitFor('the HTTP server', () => started.logLines.some((l) => l.includes('HTTP console listening')));
    const line = started.logLines.find((l) => l.includes('HTTP console listening')) as string;
    const url = (JSON.parse(line) as { url: string }).url;
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(expect.objectContaining({ status: 'ok', nodeId: 1, listeners: [`PLAINTEXT://127.0.0.1:${child.port}`] }));
  } finally {
    await child?.stop();
    removeDir(dataDir);
  }
});

test('a taken port: skipped with a warning when it was the default, an error when the user chose it', async () => {
  const blocker = await takenPort();
  const { broker, dataDir } = await startInProcess();
  try {
    const options = { host: '127.0.0.1', port: portOf(blocker) };
    await expect(startHttpServer(broker, { ...options, portIsDefault: true }, silentLogger())).resolves.toBeNull();
    await expect(startHttpServer(broker, { ...options, portIsDefault: false }, silentLogger())).rejects.toThrow(/EADDRINUSE/);
  } finally {
    blocker.close();
    await broker.stop();
    removeDir(dataDir);
  }
});
