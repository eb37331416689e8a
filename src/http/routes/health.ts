// A liveness answer for scripts, containers and load balancers: 200 once the broker serves Kafka clients.
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../http-context';

export function registerHealthRoutes(app: FastifyInstance, { broker }: HttpContext): void {
  app.get('/health', () => ({
    status: 'ok',
    nodeId: broker.identity.nodeId,
    clusterId: broker.identity.clusterId,
    listeners: broker.advertisedListeners.map((a) => `${a.name}://${a.host}:${a.port}`),
  }));
}
