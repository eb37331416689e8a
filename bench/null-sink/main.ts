// Entry point of the null sink as its own process (so it gets its own core like the brokers it stands in for).
// Usage: node dist/bench/null-sink/main.js [port]; prints "listening <port>" once bound.
import { startNullSink } from './server';

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? '0');
  const server = await startNullSink('127.0.0.1', port);
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error('null sink did not bind a TCP port');
  process.stdout.write(`listening ${bound.port}\n`);
  const stop = (): void => {
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`null sink: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
