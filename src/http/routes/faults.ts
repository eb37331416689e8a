// The fault admin endpoint: the same rules as `broker.faults` and `--faults rules.json`, over HTTP, for tests in
// any language and for `eddy faults`. A rule that does not parse is a 400 whose message names the field.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { FaultRuleError } from '../../faults/fault-rules';
import type { HttpContext } from '../http-context';

interface IdParams {
  readonly id: string;
}

interface RequestsQuery {
  readonly clientId?: string;
  readonly api?: string;
}

function refuse(reply: FastifyReply, err: unknown): { error: string } {
  if (!(err instanceof FaultRuleError)) throw err;
  void reply.code(400);
  return { error: err.message };
}

export function registerFaultRoutes(app: FastifyInstance, { broker }: HttpContext): void {
  const faults = broker.faults;
  app.get('/admin/faults', () => ({ rules: faults.list(), tracking: faults.isTracking }));
  app.post('/admin/faults', (request, reply) => {
    try {
      const rules = faults.add(request.body);
      void reply.code(201);
      return { rules };
    } catch (err) {
      return refuse(reply, err);
    }
  });
  app.delete('/admin/faults', () => {
    const count = faults.list().length;
    faults.clear();
    return { cleared: count };
  });
  app.delete<{ Params: IdParams }>('/admin/faults/rules/:id', (request, reply) => {
    if (faults.clear(request.params.id)) return { cleared: 1 };
    void reply.code(404);
    return { error: `no fault rule with id ${request.params.id}` };
  });
  app.post<{ Body: { id?: string } | undefined }>('/admin/faults/release', (request) => ({ released: faults.release(request.body?.id ?? undefined) }));
  app.get<{ Querystring: RequestsQuery }>('/admin/faults/requests', (request) => ({
    tracking: faults.isTracking,
    requests: faults.requests({ clientId: request.query.clientId, api: request.query.api }),
  }));
  app.post('/admin/faults/requests/start', () => {
    faults.startTracking();
    return { tracking: true };
  });
  app.post('/admin/faults/requests/stop', () => {
    faults.stopTracking();
    return { tracking: false };
  });
  app.delete('/admin/faults/requests', () => {
    faults.clearRequests();
    return { cleared: true };
  });
}
