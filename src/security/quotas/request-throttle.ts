// What the network layer does with quotas once a handler has answered (Kafka's RequestHandlerHelper): the
// handler's time goes against the client's request_percentage quota, and the answer carries the longest throttle
// time owed (a byte-rate throttle the handler set, or the request quota's) in its throttle_time_ms. The connection
// is then muted for that long (KIP-219: the answer leaves at once, the client also waits by itself).
import { quotaClientOf } from './client-quotas';
import type { ClientQuotaManager } from './client-quota-manager';

/** What the connection knows of a request when its answer is ready. */
export interface AnsweredRequest {
  readonly apiKey: number;
  readonly principal: { readonly name: string };
  readonly clientId: string | null;
  /** The throttle time a handler asked for (a byte-rate quota), 0 when none. */
  readonly throttleMs: number;
}

/**
 * Kafka's fetch takes its request-quota throttle in its handler (answering empty when throttled) and is not
 * throttled again when answered; its time still counts towards the next requests.
 */
const FETCH_API_KEY = 1;

export class RequestThrottle {
  constructor(private readonly quotas: ClientQuotaManager) {}

  /** Whether handler time is measured at all: only once a request_percentage quota was set. */
  get timesRequests(): boolean {
    return this.quotas.enabled('request');
  }

  /**
   * Records the request's handler time and answers the throttle time owed, with the response carrying it in its
   * throttleTimeMs (a copy: a handler may answer with a shared object). A request without an answer (Produce with
   * acks=0) is exempt from the request quota, as in Kafka.
   */
  settle(request: AnsweredRequest, response: unknown, handlerNanos: number): { readonly response: unknown; readonly throttleMs: number } {
    if (response === null || typeof response !== 'object') return { response, throttleMs: request.throttleMs };
    const recorded = this.timesRequests ? this.quotas.recordRequestTime(quotaClientOf(request), handlerNanos, Date.now()) : 0;
    const requestThrottle = request.apiKey === FETCH_API_KEY ? 0 : recorded;
    const throttleMs = Math.max(request.throttleMs, requestThrottle);
    const carries = throttleMs > 0 && 'throttleTimeMs' in response && response.throttleTimeMs !== throttleMs;
    return { response: carries ? { ...response, throttleTimeMs: throttleMs } : response, throttleMs };
  }
}
