// RequestContext.afterResponse: what a response references (pooled read buffers) is released only once the socket
// has written it, or at once when no response goes out.
import * as net from 'net';
import { Connection } from '../../../src/network/connection';
import type { ApiHandler, RequestContext } from '../../../src/api/handler';
import type { BrokerServices } from '../../../src/api/services';
import { requestScopeFactory } from '../../../src/network/request-scope';
import { silentLogger } from '../../../src/logger';

const BIG = 32 * 1024 * 1024;

interface Harness {
  client: net.Socket;
  released: () => number;
  close: () => Promise<void>;
}

/** One Connection on a real loopback socket, serving API key 18 with `respond`. */
async function harness(respond: (ctx: RequestContext) => Promise<Buffer | null>): Promise<Harness> {
  let releases = 0;
  const handler: ApiHandler = {
    apiKey: 18,
    minVersion: 0,
    maxVersion: 0,
    decodeRequest: () => ({}),
    handle: async (_request, ctx) => {
      ctx.afterResponse(() => releases++);
      return respond(ctx);
    },
    encodeResponse: (response, writer) => {
      writer.writeRawBuffer(response as Buffer);
    },
  };
  const accepted = new Promise<net.Socket>((resolve) => {
    const server = net.createServer((socket) => {
      server.close();
      resolve(socket);
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      client = net.connect(address.port, '127.0.0.1');
    });
  });
  let client!: net.Socket;
  const serverSide = await accepted;
  new Connection(
    serverSide,
    {
      maxFrameBytes: 1 << 20,
      idleTimeoutMs: 0,
      listenerName: 'PLAINTEXT',
      handlers: new Map([[18, handler]]),
      newRequestScope: requestScopeFactory({} as BrokerServices, silentLogger()),
      apiVersionsFallback: () => undefined,
    },
    silentLogger(),
  );
  return {
    client,
    released: () => releases,
    close: async () => {
      client.destroy();
      serverSide.destroy();
    },
  };
}

function request(correlationId: number): Buffer {
  const body = Buffer.alloc(10);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(-1, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Gives the connection up to half a second to release what the response referenced. */
async function waitForRelease(h: Harness): Promise<void> {
  for (let i = 0; i < 50 && h.released() === 0; i++) await sleep(10);
}

/** Sends one request and expects what its handling referenced to be released exactly once. */
async function expectReleasedOnce(h: Harness, correlationId: number): Promise<void> {
  try {
    h.client.write(request(correlationId));
    await waitForRelease(h);
    expect(h.released()).toBe(1);
  } finally {
    await h.close();
  }
}

test('releases a response only after a slow client has taken all of it', async () => {
  const h = await harness(async () => Buffer.alloc(BIG, 7));
  try {
    h.client.pause();
    h.client.write(request(1));
    await sleep(300);
    // 32 MB cannot all sit in loopback socket buffers: part of it is still waiting in user space.
    expect(h.released()).toBe(0);
    let received = 0;
    const all = new Promise<void>((resolve) => {
      h.client.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= BIG + 8) resolve();
      });
    });
    h.client.resume();
    await all;
    await waitForRelease(h);
    expect(h.released()).toBe(1);
  } finally {
    await h.close();
  }
});

test('releases at once when there is no response to send', async () => {
  await expectReleasedOnce(await harness(async () => null), 2);
});

test('releases when the handler fails', async () => {
  const h = await harness(async () => {
    throw new Error('boom');
  });
  await expectReleasedOnce(h, 3);
});
