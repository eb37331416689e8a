// A TCP proxy in front of the broker that can "lose" Produce responses: the request reaches the broker, but the
// client's connection is cut before the answer arrives, so the client must retry a batch the broker already
// wrote. Start the broker with advertised.listeners pointing at the proxy so clients never bypass it.
import * as net from 'net';

export class LossyProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private targetPort = 0;
  private produceResponsesToDrop = 0;
  /** Produce requests whose answers were dropped. */
  dropped = 0;

  private constructor(server: net.Server) {
    this.server = server;
  }

  static async start(): Promise<LossyProxy> {
    const server = net.createServer();
    const proxy = new LossyProxy(server);
    server.on('connection', (socket) => proxy.accept(socket));
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  setTarget(port: number): void {
    this.targetPort = port;
  }

  /** The next `n` Produce requests reach the broker but their connections die before the answer. */
  dropProduceResponses(n: number): void {
    this.produceResponsesToDrop += n;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect({ host: '127.0.0.1', port: this.targetPort });
    this.sockets.add(client);
    this.sockets.add(upstream);
    const doomed = new Set<number>();
    const kill = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', kill);
    upstream.on('error', kill);
    client.on('close', kill);
    upstream.on('close', kill);
    client.on(
      'data',
      frames((frame) => {
        const apiKey = frame.readInt16BE(4);
        if (apiKey === 0 && this.produceResponsesToDrop > 0) {
          this.produceResponsesToDrop--;
          doomed.add(frame.readInt32BE(8));
        }
        upstream.write(frame);
      }),
    );
    upstream.on(
      'data',
      frames((frame) => {
        if (doomed.has(frame.readInt32BE(4))) {
          this.dropped++;
          kill();
          return;
        }
        client.write(frame);
      }),
    );
  }
}

/** Splits a byte stream into whole size-prefixed frames (the prefix kept). */
function frames(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0);
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const size = buffered.readInt32BE(0);
      if (buffered.length < 4 + size) break;
      onFrame(buffered.subarray(0, 4 + size));
      buffered = buffered.subarray(4 + size);
    }
  };
}
