// GET /api/live: the console's live charts as server-sent events. Every second one unnamed event whose data is a
// LiveStatsEvent (src/http/live-stats.ts) as JSON: bytes and records in and out per topic during that second and
// total lag per consumer group. The stream stays open until the client leaves or the server closes; a client that
// stops reading is dropped rather than buffered for.
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../console/json-schema';
import type { HttpContext } from '../http-context';
import { LiveStatsSampler, type LiveStatsEvent } from '../live-stats';

export const LIVE_PATH = '/api/live';
/** Output a client leaves unread beyond this ends its stream (about a thousand events). */
const MAX_UNREAD_BYTES = 1024 * 1024;
/** What EventSource waits before reconnecting after the stream ends. */
const RECONNECT_MS = 3000;

const samplers = new WeakMap<FastifyInstance, LiveStatsSampler>();

/** The sampler behind an app's stream, so tests can see that it stops once the last client has left. */
export function liveSamplerOf(app: FastifyInstance): LiveStatsSampler | undefined {
  return samplers.get(app);
}

export function registerLiveRoutes(app: FastifyInstance, { broker }: HttpContext): void {
  const sampler = new LiveStatsSampler(broker);
  samplers.set(app, sampler);
  const streams = new Set<() => void>();
  // Open streams never end by themselves, and the server's close would wait for them.
  app.addHook('preClose', (done) => {
    for (const end of [...streams]) end();
    sampler.stop();
    done();
  });

  const schema = {
    tags: ['Eddy: live'],
    summary: "The console's live charts: one server-sent event a second (bytes and records per topic, lag per group)",
    response: { 200: { description: 'text/event-stream; each data line is a LiveStatsEvent as JSON' }, ...errorResponses },
  };
  app.get(LIVE_PATH, { schema }, (_request, reply) => {
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write(`retry: ${RECONNECT_MS}\n: one event a second\n\n`);
    let eventId = 0;
    const end = (): void => {
      if (!streams.delete(end)) return;
      unsubscribe();
      response.end();
    };
    const send = (event: LiveStatsEvent): void => {
      if (response.writableLength > MAX_UNREAD_BYTES) {
        end();
        return;
      }
      eventId++;
      response.write(`id: ${eventId}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    streams.add(end);
    const unsubscribe = sampler.subscribe(send);
    response.on('close', end);
  });
}
