// GET /metrics: Prometheus's text format through prom-client, the maintained Node client, loaded only with the HTTP
// server. The broker's figures are read when the endpoint is scraped (src/http/broker-collectors.ts), so between
// scrapes they cost the broker its plain counters and nothing else; prom-client adds the process and Node metrics
// (CPU, memory, file descriptors, heap, GC, event-loop lag) and this module the event loop's utilization.
import { performance, type EventLoopUtilization } from 'perf_hooks';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';
import type { Broker } from '../../broker/broker';
import type { HttpContext } from '../http-context';
import { BROKER_COLLECTORS, type BrokerCollector, type Sample } from '../broker-collectors';

export const METRICS_PATH = '/metrics';

/** What prom-client's registry reads of a metric when it renders the exposition. */
interface ScrapedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: BrokerCollector['type'];
  readonly aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; aggregator: 'sum'; values: Sample[] }>;
  reset(): void;
}

/**
 * A metric whose samples are read at scrape time. prom-client's own Counter and Histogram keep their values
 * themselves; these report values the broker keeps, so they hand the registry what it renders directly.
 */
function scraped(name: string, help: string, type: BrokerCollector['type'], read: () => Sample[]): Metric {
  const metric: ScrapedMetric = {
    name,
    help,
    type,
    aggregator: 'sum',
    get: () => Promise.resolve({ name, help, type, aggregator: 'sum', values: read() }),
    reset: () => undefined,
  };
  return metric as unknown as Metric;
}

/** The share of time the event loop was busy since the previous scrape (since the server started, at the first). */
function eventLoopUtilization(): Metric {
  let previous: EventLoopUtilization = performance.eventLoopUtilization();
  return scraped('eddy_event_loop_utilization', 'Share of time the event loop was busy since the previous scrape (0 to 1).', 'gauge', () => {
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, previous);
    previous = now;
    return [{ value: since.utilization, labels: {} }];
  });
}

/** A registry with the process metrics and the broker's, one per HTTP server. */
export function brokerRegistry(broker: Broker): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const collector of BROKER_COLLECTORS) registry.registerMetric(scraped(collector.name, collector.help, collector.type, () => collector.read(broker)));
  registry.registerMetric(eventLoopUtilization());
  return registry;
}

export function registerMetricsRoutes(app: FastifyInstance, { broker }: HttpContext): void {
  const registry = brokerRegistry(broker);
  app.get(METRICS_PATH, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}
