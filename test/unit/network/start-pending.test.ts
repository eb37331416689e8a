// ConnectionOptions.startPending: while the broker completes its start with its listeners bound (a first start's
// metadata files being made durable), ApiVersions is answered at once and every other request waits, in order.
import * as net from 'net';
import { Connection } from '../../../src/network/connection';
import type { ApiHandler } from '../../../src/api/handler';
import type { BrokerServices } from '../../../src/api/services';
import { requestScopeFactory } from '../../../src/network/request-scope';
import { silentLogger } from '../../../src/logger';

/** Answers with its API key and the request's correlation id, so the test sees what was answered, in which order. */
function handler(apiKey: number): ApiHandler {
  return {
    apiKey,
    minVersion: 0,
    maxVersion: 0,
    decodeRequest: () => ({}),
    handle: () => ({}),
    encodeResponse: (_response, writer) => {
      writer.writeInt16(apiKey);
    },
  };
}

interface Harness {
  /** API keys of the answers received so far, in order. */
  readonly answers: number[];
  readonly client: net.Socket;
  readonly closed: Promise<void>;
  close(): void;
}

async function harness(startPending: () => Promise<void> | undefined): Promise<Harness> {
  let client!: net.Socket;
  const accepted = new Promise<net.Socket>((resolve) => {
    const server = net.createServer((socket) => {
      server.close();
      resolve(socket);
    });
    server.listen(0, '127.0.0.1', () => {
      client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    });
  });
  const serverSide = await accepted;
  const connection = new Connection(
    serverSide,
    {
      maxFrameBytes: 1 << 20,
      idleTimeoutMs: 0,
      listenerName: 'PLAINTEXT',
      handlers: new Map([
        [3, handler(3)],
        [18, handler(18)],
      ]),
      newRequestScope: requestScopeFactory({} as BrokerServices, silentLogger()),
      apiVersionsFallback: () => undefined,
      startPending,
    },
    silentLogger(),
  );
  const answers: number[] = [];
  let buffered = Buffer.alloc(0);
  client.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    // size, correlation id, then the handler's INT16 API key
    while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
      answers.push(buffered.readInt16BE(8));
      buffered = buffered.subarray(4 + buffered.readInt32BE(0));
    }
  });
  client.on('error', () => undefined);
  return {
    answers,
    client,
    closed: connection.closed,
    close: () => {
      client.destroy();
      serverSide.destroy();
    },
  };
}

function request(apiKey: number, correlationId: number): Buffer {
  const frame = Buffer.alloc(14);
  frame.writeInt32BE(10, 0);
  frame.writeInt16BE(apiKey, 4);
  frame.writeInt16BE(0, 6);
  frame.writeInt32BE(correlationId, 8);
  frame.writeInt16BE(-1, 12);
  return frame;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await sleep(10);
}

test('ApiVersions is answered while the start is pending; other requests wait for it, in order', async () => {
  let finish!: () => void;
  let pending: Promise<void> | undefined = new Promise<void>((resolve) => (finish = resolve));
  const h = await harness(() => pending);
  try {
    h.client.write(request(18, 1));
    await until(() => h.answers.length === 1);
    expect(h.answers).toEqual([18]);
    h.client.write(Buffer.concat([request(3, 2), request(18, 3)]));
    await sleep(100);
    // The ApiVersions request queued behind the waiting Metadata request waits too: answers stay in order.
    expect(h.answers).toEqual([18]);
    finish();
    const done = pending;
    pending = undefined;
    await done;
    await until(() => h.answers.length === 3);
    expect(h.answers).toEqual([18, 3, 18]);
  } finally {
    h.close();
  }
});

test('a failed start closes a connection whose request was waiting for it, unanswered', async () => {
  let fail!: (err: Error) => void;
  const pending = new Promise<void>((_resolve, reject) => (fail = reject));
  pending.catch(() => undefined);
  const h = await harness(() => pending);
  try {
    h.client.write(request(3, 1));
    await sleep(50);
    fail(new Error('meta.properties could not be written'));
    await h.closed;
    expect(h.answers).toEqual([]);
  } finally {
    h.close();
  }
});
