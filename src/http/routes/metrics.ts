// GET /metrics: Prometheus's text format through prom-client, the maintained Node client, loaded only with the HTTP
// server. The broker's figures are read when the endpoint is scraped (src/http/broker-collectors.ts), so between
// scrapes they cost the broker its plain counters and nothing else; prom-client adds the process and Node metrics
// (CPU, memory, file descriptors, heap, GC, event-loop lag) and this module the event loop's utilization.
// prom-client itself is required on the first scrape: with its dependencies (an HTTPS push client, the
// OpenTelemetry API for exemplars) it adds about 12 MB of RSS, which a console nobody scrapes need not hold.
import { performance, type EventLoopUtilization } from 'perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { Metric, Registry } from 'prom-client';
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

function loadPromClient(): typeof import('prom-client') {
  return require('prom-client') as typeof import('prom-client');
}

/** The share of time the event loop was busy since the previous scrape (since `since`, at the first). */
function eventLoopUtilization(since: EventLoopUtilization): Metric {
  let previous = since;
  return scraped('eddy_event_loop_utilization', 'Share of time the event loop was busy since the previous scrape (0 to 1).', 'gauge', () => {
    const now = performance.eventLoopUtilization();
    const interval = performance.eventLoopUtilization(now, previous);
    previous = now;
    return [{ value: interval.utilization, labels: {} }];
  });
}

/**
 * How often prom-client's event-loop delay monitor samples, in ms (its default is 10). Each sample is a timer
 * wake-up on the broker's event loop: at 10 ms that was 100 a second and 3 to 7 ms of CPU a second on an idle
 * broker; at 50 it is 20 and about 1 ms. The cost: a stall shorter than this may be missed or reported shorter
 * (the README says so beside nodejs_eventloop_lag_*).
 */
export const EVENT_LOOP_MONITORING_PRECISION_MS = 50;

/** A registry with the process metrics and the broker's, one per HTTP server (`since`: when that server started). */
export function brokerRegistry(broker: Broker, since: EventLoopUtilization): Registry {
  const { Registry, collectDefaultMetrics } = loadPromClient();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_MONITORING_PRECISION_MS });
  for (const collector of BROKER_COLLECTORS) registry.registerMetric(scraped(collector.name, collector.help, collector.type, () => collector.read(broker)));
  registry.registerMetric(eventLoopUtilization(since));
  return registry;
}

export function registerMetricsRoutes(app: FastifyInstance, { broker }: HttpContext): void {
  // Built on the first scrape, not with the app: a console that nobody scrapes never starts the event-loop monitor
  // and the GC observer, nor holds the default metrics' series.
  let registry: Registry | undefined;
  const builtAt = performance.eventLoopUtilization();
  app.get(METRICS_PATH, async (_request, reply) => {
    registry ??= brokerRegistry(broker, builtAt);
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}
